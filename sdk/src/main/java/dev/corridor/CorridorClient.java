package dev.corridor;

import dev.corridor.internal.DefaultExecutors;
import dev.corridor.internal.EventFanout;
import dev.corridor.internal.RequiresApi26;
import dev.corridor.internal.codec.EnvelopeCodec;
import dev.corridor.internal.connection.ConnectionMachine;
import dev.corridor.internal.connection.ConnectionSettings;
import dev.corridor.internal.connection.Counters;
import dev.corridor.internal.session.Session;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.time.SerialExecutor;
import dev.corridor.internal.time.SystemScheduler;
import dev.corridor.internal.transport.OkHttpTransport;
import dev.corridor.internal.transport.Transport;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * A resilient connection to a Corridor protocol v1 server.
 *
 * <pre>{@code
 * CorridorClient client = CorridorClient.builder("wss://feed.example.com/v1")
 *     .tokenProvider(refresh -> auth.token(refresh))
 *     .build();
 * client.addStateListener(change -> log(change));
 * client.connect();
 * }</pre>
 *
 * <p>After {@link #connect()} the client keeps itself connected: it reconnects with jittered
 * exponential backoff, detects dead links with its heartbeat, waits while the network is down or
 * the application is paused, and stops only on {@link #close()} or a non-retryable failure. Its
 * {@link ConnectionState} is observable; every change is delivered to {@link StateListener}s on
 * the callback executor.
 *
 * <p>Thread-safe: every method may be called from any thread and returns without blocking.
 * Internally one serial context owns all state; application callbacks never run inside it.
 */
public final class CorridorClient {
  /** The SDK's user agent, sent in the Hello. */
  public static final String USER_AGENT = "corridor-java/0.1.0";

  private final Builder config;
  private final SerialContext context;
  private final EventFanout events = new EventFanout();
  private final CopyOnWriteArrayList<StateListener> stateListeners = new CopyOnWriteArrayList<>();
  private final Executor callbackExecutor;
  private final Counters counters = new Counters();
  private final ConnectionMachine machine;
  private final Session session;

  private CorridorClient(Builder builder, Transport transport) {
    this.config = builder.copy();
    this.context = new SerialContext(error -> events.callbackFailed(error));
    this.events.add(config.eventListener);
    Executor callbacks = config.callbackExecutor;
    this.callbackExecutor = callbacks != null ? callbacks : new SerialExecutor(DefaultExecutors.pool());
    Executor tokens = config.tokenExecutor != null ? config.tokenExecutor : DefaultExecutors.pool();
    Random defaultRandom = new Random();
    RandomSource random = config.random != null ? config.random : defaultRandom::nextDouble;
    ConnectionSettings settings = new ConnectionSettings(config.url, EnvelopeCodec.SUBPROTOCOL,
        config.tokenProvider, tokens, config.networkMonitor, config.backoff, config.errorPolicy,
        random, config.clock, config.scheduler, config.heartbeatIntervalNanos,
        config.pongTimeoutNanos, config.handshakeTimeoutNanos, config.closeTimeoutNanos,
        config.stabilityWindowNanos, config.maxInboundMessageBytes);
    this.machine = new ConnectionMachine(settings, context, transport, events, this::dispatch, counters);
    this.session = new Session(config.clientId, USER_AGENT, config.maxInboundMessageBytes,
        config.clock, machine);
    machine.attach(session);
  }

  /** Starts building a client for {@code url} ({@code ws://}, {@code wss://}, {@code http(s)://}). */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** A builder holding this client's configuration, to build a differently tuned sibling. */
  public Builder newBuilder() {
    return config.copy();
  }

  /**
   * Starts connecting, and keeps the client connected until {@link #close()}. Calling it again has
   * no effect.
   *
   * @throws IllegalStateException if the client was already closed or failed
   */
  public void connect() {
    if (machine.state().isTerminal()) {
      throw new IllegalStateException("client is " + machine.state() + "; build a new one");
    }
    machine.connect();
  }

  /**
   * Closes the client for good: an established connection is closed cleanly (code 1000) within the
   * close timeout, an attempt under way is abandoned. Ends in {@link ConnectionState#CLOSED}, after
   * which no callbacks follow. Idempotent.
   */
  public void close() {
    machine.close();
  }

  /**
   * Closes the connection cleanly and stops reconnecting until {@link #resume()}, as an app does
   * when it goes to the background. The state becomes {@link ConnectionState#PAUSED}.
   */
  public void pause() {
    machine.pause();
  }

  /** Undoes {@link #pause()}: connects again at once (or waits offline if there is no network). */
  public void resume() {
    machine.resume();
  }

  /** The current state. May be stale by the time it is read; listen for changes instead of polling. */
  public ConnectionState state() {
    return machine.state();
  }

  /**
   * Sends {@code payload} on {@code topic} now, best effort: it is handed to the socket if the
   * client is {@link ConnectionState#CONNECTED}, never buffered and never resent.
   *
   * @return false if not connected (nothing was sent); true if queued for the socket, which does not
   *     prove delivery: the link may drop before it is written
   * @throws IllegalArgumentException if {@code topic} is empty or the payload is larger than the
   *     server accepts (its Welcome's {@code max_message_bytes})
   */
  public boolean send(String topic, byte[] payload) {
    requireNonNull(topic, "topic");
    requireNonNull(payload, "payload");
    if (topic.isEmpty()) throw new IllegalArgumentException("topic is empty");
    int max = session.serverMaxMessageBytes();
    if (max > 0 && payload.length > max) {
      throw new IllegalArgumentException(
          "payload of " + payload.length + " bytes exceeds the server's limit of " + max);
    }
    if (!machine.state().equals(ConnectionState.CONNECTED)) return false;
    final byte[] copy = payload.clone();
    context.execute(() -> {
      if (machine.state() == ConnectionState.CONNECTED) session.publish(topic, copy);
    });
    return true;
  }

  /** Adds a listener for state changes, delivered in order on the callback executor. */
  public void addStateListener(StateListener listener) {
    stateListeners.add(requireNonNull(listener, "listener"));
  }

  public void removeStateListener(StateListener listener) {
    stateListeners.remove(listener);
  }

  /** Adds an event listener in addition to the builder's. See {@link EventListener} for its thread. */
  public void addEventListener(EventListener listener) {
    events.add(requireNonNull(listener, "listener"));
  }

  public void removeEventListener(EventListener listener) {
    events.remove(listener);
  }

  /** A snapshot of counters and round-trip times. */
  public ClientStats stats() {
    return new ClientStats(machine.state(), counters.attempts, counters.connections,
        counters.messagesIn, counters.messagesOut, counters.bytesIn, counters.bytesOut,
        counters.protocolErrors, machine.heartbeat().lastRttNanos(),
        machine.heartbeat().smoothedRttNanos());
  }

  /** The client id sent in every Hello. */
  public String clientId() {
    return config.clientId;
  }

  private void dispatch(StateChange change) {
    for (StateListener listener : stateListeners) {
      callbackExecutor.execute(() -> {
        try {
          listener.onStateChanged(change);
        } catch (Throwable t) {
          context.execute(() -> events.callbackFailed(t));
        }
      });
    }
  }

  private static <T> T requireNonNull(@Nullable T value, String name) {
    if (value == null) throw new NullPointerException(name + " == null");
    return value;
  }

  /**
   * Configures a {@link CorridorClient}. Every option has a documented default; invalid values are
   * rejected when set, with a message naming the option.
   */
  public static final class Builder {
    private String url;
    private @Nullable OkHttpClient okHttpClient;
    private @Nullable Transport transport;
    private TokenProvider tokenProvider = TokenProvider.NONE;
    private String clientId = UUID.randomUUID().toString();
    private NetworkMonitor networkMonitor = NetworkMonitor.ALWAYS_AVAILABLE;
    private EventListener eventListener = EventListener.NONE;
    private @Nullable Executor callbackExecutor;
    private @Nullable Executor tokenExecutor;
    private Clock clock = Clock.SYSTEM;
    private Scheduler scheduler = SystemScheduler.INSTANCE;
    private @Nullable RandomSource random;
    private BackoffPolicy backoff = ExponentialBackoff.DEFAULT;
    private ErrorPolicy errorPolicy = ErrorPolicy.DEFAULT;
    private long heartbeatIntervalNanos = TimeUnit.SECONDS.toNanos(25);
    private long pongTimeoutNanos = TimeUnit.SECONDS.toNanos(10);
    private long handshakeTimeoutNanos = TimeUnit.SECONDS.toNanos(15);
    private long closeTimeoutNanos = TimeUnit.SECONDS.toNanos(5);
    private long stabilityWindowNanos = TimeUnit.SECONDS.toNanos(30);
    private int maxInboundMessageBytes = 1 << 20;
    private boolean compression;

    private Builder(String url) {
      this.url = validateUrl(url);
    }

    private Builder copy() {
      Builder b = new Builder(url);
      b.okHttpClient = okHttpClient;
      b.transport = transport;
      b.tokenProvider = tokenProvider;
      b.clientId = clientId;
      b.networkMonitor = networkMonitor;
      b.eventListener = eventListener;
      b.callbackExecutor = callbackExecutor;
      b.tokenExecutor = tokenExecutor;
      b.clock = clock;
      b.scheduler = scheduler;
      b.random = random;
      b.backoff = backoff;
      b.errorPolicy = errorPolicy;
      b.heartbeatIntervalNanos = heartbeatIntervalNanos;
      b.pongTimeoutNanos = pongTimeoutNanos;
      b.handshakeTimeoutNanos = handshakeTimeoutNanos;
      b.closeTimeoutNanos = closeTimeoutNanos;
      b.stabilityWindowNanos = stabilityWindowNanos;
      b.maxInboundMessageBytes = maxInboundMessageBytes;
      b.compression = compression;
      return b;
    }

    private static String validateUrl(@Nullable String url) {
      requireNonNull(url, "url");
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a valid URL: " + e.getMessage());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("ws") && !scheme.equals("wss") && !scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("URL scheme must be ws, wss, http or https: " + url);
      }
      if (uri.getHost() == null) throw new IllegalArgumentException("URL has no host: " + url);
      if (uri.getUserInfo() != null) {
        throw new IllegalArgumentException("URL must not carry credentials; use a TokenProvider");
      }
      return url;
    }

    /** The server URL. */
    public Builder url(String url) {
      this.url = validateUrl(url);
      return this;
    }

    /**
     * The OkHttp client to derive sockets from, to share its connection pool, dispatcher, DNS, TLS
     * and proxy settings. Default: one client shared by all Corridor clients. Its ping interval is
     * ignored (the heartbeat replaces it).
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.okHttpClient = requireNonNull(client, "client");
      return this;
    }

    /** Credentials for each attempt. Default {@link TokenProvider#NONE}. */
    public Builder tokenProvider(TokenProvider provider) {
      this.tokenProvider = requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Stable id of this client installation, sent in every Hello; servers key sessions and
     * deduplication on it. Default: a random UUID per builder. Persist one per install to resume
     * across process restarts.
     */
    public Builder clientId(String clientId) {
      requireNonNull(clientId, "clientId");
      if (clientId.isEmpty() || clientId.length() > 128) {
        throw new IllegalArgumentException("clientId must be 1-128 characters");
      }
      this.clientId = clientId;
      return this;
    }

    /** Network availability. Default {@link NetworkMonitor#ALWAYS_AVAILABLE}. */
    public Builder networkMonitor(NetworkMonitor monitor) {
      this.networkMonitor = requireNonNull(monitor, "monitor");
      return this;
    }

    /** Observability hooks. Default {@link EventListener#NONE}. */
    public Builder eventListener(EventListener listener) {
      this.eventListener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Where {@link StateListener}s are called. Android apps pass the main-thread executor
     * ({@code ContextCompat.getMainExecutor(context)}). It should run tasks in submission order.
     * Default: a background thread per client at a time, in order.
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /** Where the {@link TokenProvider} is called; it may block there. Default: a background pool. */
    public Builder tokenExecutor(Executor executor) {
      this.tokenExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /** Time source. Default {@link Clock#SYSTEM}; tests use {@link dev.corridor.testing.FakeTime}. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Timers. Default: one shared daemon thread; tests use {@link dev.corridor.testing.FakeTime}. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Jitter source. Default {@link java.util.Random}. */
    public Builder random(RandomSource random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /** Reconnection delays. Default {@link ExponentialBackoff#DEFAULT}. */
    public Builder backoff(BackoffPolicy policy) {
      this.backoff = requireNonNull(policy, "policy");
      return this;
    }

    /** What each failure means. Default {@link ErrorPolicy#DEFAULT}. */
    public Builder errorPolicy(ErrorPolicy policy) {
      this.errorPolicy = requireNonNull(policy, "policy");
      return this;
    }

    /**
     * How long the link may be silent before a Ping is sent. Any inbound message postpones it.
     * Default 25 s: well under the 60 s idle timeout common in load balancers and proxies. When the
     * server's Welcome asks for a shorter interval, the shorter one is used (at least 1 s). The
     * heartbeat cannot be disabled: without it a silently dead socket is never detected.
     */
    public Builder heartbeatInterval(long interval, TimeUnit unit) {
      this.heartbeatIntervalNanos = positiveNanos("heartbeatInterval", interval, unit);
      return this;
    }

    /**
     * How long to wait for any message after a Ping before declaring the link dead. Default 10 s.
     * A silent link is detected within {@code heartbeatInterval + pongTimeout}.
     */
    public Builder pongTimeout(long timeout, TimeUnit unit) {
      this.pongTimeoutNanos = positiveNanos("pongTimeout", timeout, unit);
      return this;
    }

    /**
     * Longest time from the start of an attempt (token, TCP, TLS, upgrade) to the server's Welcome.
     * Default 15 s.
     */
    public Builder handshakeTimeout(long timeout, TimeUnit unit) {
      this.handshakeTimeoutNanos = positiveNanos("handshakeTimeout", timeout, unit);
      return this;
    }

    /** Longest wait for the server to answer a clean close before the socket is dropped. Default 5 s. */
    public Builder closeTimeout(long timeout, TimeUnit unit) {
      this.closeTimeoutNanos = positiveNanos("closeTimeout", timeout, unit);
      return this;
    }

    /**
     * How long a connection must stay up before the backoff resets to its initial delay. Default
     * 30 s. A server that accepts and then drops connections sooner sees ever longer delays.
     */
    public Builder stabilityWindow(long window, TimeUnit unit) {
      this.stabilityWindowNanos = positiveNanos("stabilityWindow", window, unit);
      return this;
    }

    /** Convenience for {@link #heartbeatInterval(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder heartbeatInterval(java.time.Duration interval) {
      return heartbeatInterval(interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Convenience for {@link #pongTimeout(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder pongTimeout(java.time.Duration timeout) {
      return pongTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Convenience for {@link #handshakeTimeout(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder handshakeTimeout(java.time.Duration timeout) {
      return handshakeTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Convenience for {@link #closeTimeout(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder closeTimeout(java.time.Duration timeout) {
      return closeTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Convenience for {@link #stabilityWindow(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder stabilityWindow(java.time.Duration window) {
      return stabilityWindow(window.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Largest inbound message accepted, checked before parsing. A larger one is reported as
     * {@link CorridorException.Kind#MESSAGE_TOO_LARGE}, the connection is closed with 1009 and
     * re-established. Default 1 MiB. Note that OkHttp assembles a whole message in memory before
     * handing it over.
     */
    public Builder maxInboundMessageBytes(int bytes) {
      if (bytes < 1024) throw new IllegalArgumentException("maxInboundMessageBytes must be >= 1024: " + bytes);
      this.maxInboundMessageBytes = bytes;
      return this;
    }

    /**
     * Offers {@code permessage-deflate}. Default false: OkHttp inflates messages without any size
     * bound before they reach the inbound limit, so a hostile or broken server could exhaust memory
     * with a small compressed frame. Enable only for trusted servers and compressible payloads; the
     * inbound limit then applies to the inflated size.
     */
    public Builder compression(boolean enabled) {
      this.compression = enabled;
      return this;
    }

    /** For tests: a transport other than OkHttp (e.g. in memory). */
    Builder transport(Transport transport) {
      this.transport = requireNonNull(transport, "transport");
      return this;
    }

    public CorridorClient build() {
      Transport t = transport;
      if (t == null) {
        OkHttpClient base = okHttpClient != null ? okHttpClient : SharedOkHttp.CLIENT;
        t = new OkHttpTransport(base, compression);
      }
      return new CorridorClient(this, t);
    }

    private static long positiveNanos(String name, long value, TimeUnit unit) {
      requireNonNull(unit, "unit");
      long nanos = unit.toNanos(value);
      if (nanos <= 0) throw new IllegalArgumentException(name + " must be positive: " + value + " " + unit);
      return nanos;
    }
  }

  private static final class SharedOkHttp {
    static final OkHttpClient CLIENT = new OkHttpClient();
  }
}
