package dev.corridor;

import dev.corridor.internal.ConnectionHealthAccess;
import dev.corridor.internal.DefaultExecutors;
import dev.corridor.internal.EventFanout;
import dev.corridor.internal.Feedback;
import dev.corridor.internal.FirstConnection;
import dev.corridor.internal.Guarded;
import dev.corridor.internal.RequiresApi26;
import dev.corridor.internal.codec.EnvelopeCodec;
import dev.corridor.internal.connection.ConnectionMachine;
import dev.corridor.internal.connection.ConnectionSettings;
import dev.corridor.internal.connection.Counters;
import dev.corridor.internal.connection.HealthWatch;
import dev.corridor.internal.connection.ReadGate;
import dev.corridor.internal.session.Publisher;
import dev.corridor.internal.session.Requests;
import dev.corridor.internal.session.Session;
import dev.corridor.internal.session.Subscriptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.time.SerialExecutor;
import dev.corridor.internal.time.SystemScheduler;
import dev.corridor.internal.transport.DefaultOkHttp;
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
  public static final String USER_AGENT = "corridor-java/" + dev.corridor.internal.SdkVersion.VERSION;

  private final Builder config;
  /** The id sent in every Hello: the builder's explicit one, or drawn for this client alone. */
  private final String clientId;
  private final SerialContext context;
  private final EventFanout events;
  private final CopyOnWriteArrayList<StateListener> stateListeners = new CopyOnWriteArrayList<>();
  private final Executor callbackExecutor;
  private final Guarded.Reporter reporter;
  private final Counters counters = new Counters();
  private final ConnectionMachine machine;
  private final HealthWatch health;
  private final FirstConnection firstConnection;
  private final Session session;
  private final Publisher publisher;
  private final Subscriptions subscriptions;
  private final Requests requests;

  private CorridorClient(Builder builder, Transport transport, String clientId) {
    this.config = builder.copy();
    this.clientId = clientId;
    // A task that throws is a bug in Corridor, not in the application: the client fails loudly.
    this.context = new SerialContext(config.contextExecutor, this::internalError);
    Guarded.Reporter reporter = error -> context.execute(() -> callbackFailed(error));
    this.reporter = reporter;
    Executor callbacks = config.callbackExecutor;
    this.callbackExecutor = callbacks != null ? callbacks : new SerialExecutor(DefaultExecutors.pool());
    // Futures complete on a path of their own, so a listener blocked on one cannot hold it up.
    Executor completions = config.completionExecutor != null
        ? config.completionExecutor : new SerialExecutor(DefaultExecutors.pool());
    Executor tokens = config.tokenExecutor != null ? config.tokenExecutor : DefaultExecutors.pool();
    Random defaultRandom = new Random();
    RandomSource random = config.random != null ? Guarded.random(config.random, reporter) : defaultRandom::nextDouble;
    Clock clock = Guarded.clock(config.clock, reporter);
    this.events = new EventFanout(new Feedback(clock));
    this.events.add(config.eventListener);
    Scheduler ownTimer = SystemScheduler.forClock(clock);
    Scheduler scheduler = config.scheduler != null ? Guarded.scheduler(config.scheduler, ownTimer, reporter) : ownTimer;
    ConnectionSettings settings = new ConnectionSettings(config.urls, EnvelopeCodec.SUBPROTOCOL,
        config.tokenProvider, tokens, new Guarded.Monitor(config.networkMonitor, reporter),
        Guarded.backoff(config.backoff, reporter), config.errorPolicy, random, clock, scheduler,
        config.heartbeatIntervalNanos, config.pongTimeoutNanos, config.handshakeTimeoutNanos,
        config.closeTimeoutNanos, config.maxInboundMessageBytes,
        config.compression, config.readHoldTimeoutNanos, reporter);
    ReadGate gate = new ReadGate(ReadGate.backlogLimit(config.maxInboundMessageBytes));
    this.firstConnection = new FirstConnection(context, scheduler, completions);
    this.health = new HealthWatch(clock, scheduler, context, config.unackedThresholdNanos,
        config.silenceThresholdNanos, (delayed, silent, oldestAge, inboundAge) ->
        dispatchHealth(ConnectionHealthAccess.create(delayed, silent, oldestAge, inboundAge)));
    this.machine = new ConnectionMachine(settings, context, transport, events, this::dispatch, counters,
        gate, health);
    this.publisher = new Publisher(config.outboxMaxMessages, config.outboxMaxBytes,
        config.writeHighWaterBytes, config.maxInFlight, clock, scheduler, context,
        completions, events, counters, machine, health);
    this.subscriptions = new Subscriptions(clock, scheduler, context, callbackExecutor, events,
        counters, gate, reporter, machine, events.feedback());
    this.requests = new Requests(clock, scheduler, context, completions, machine);
    this.session = new Session(clientId, USER_AGENT, config.maxInboundMessageBytes,
        clock, machine, machine, publisher, subscriptions, requests);
    machine.attach(session);
  }

  /** Starts building a client for {@code url} ({@code ws://}, {@code wss://}, {@code http(s)://}). */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /**
   * A builder holding this client's configuration, to build a differently tuned sibling. A client
   * id set with {@link Builder#clientId} is copied; a generated one is not, so the sibling draws
   * its own (two clients sharing an id would take each other's session on the server).
   */
  public Builder newBuilder() {
    return config.copy();
  }

  /**
   * Starts connecting, and keeps the client connected until {@link #close()}: failed attempts are
   * retried on their own (see {@link ExponentialBackoff}). Calling it again starts nothing new.
   *
   * <p>Returns a future that completes with the change into the client's first
   * {@link ConnectionState#CONNECTED}, or into {@link ConnectionState#FAILED} or
   * {@link ConnectionState#CLOSED} if the client ends first (its {@link StateChange#error()} says
   * why). It never completes exceptionally and never blocks; it completes on one of Corridor's
   * threads. An app need not wait for it: sends, subscriptions and requests made before the
   * connection wait for it. To bound the wait, use {@link #connect(long, TimeUnit)}.
   *
   * @throws IllegalStateException if the client was already closed or failed
   */
  public CompletableFuture<StateChange> connect() {
    return connect(0, TimeUnit.NANOSECONDS);
  }

  /**
   * As {@link #connect()}, but if neither happened within {@code timeout} the future completes with
   * the latest state change instead: say CONNECTING to WAITING_TO_RETRY, whose error is the last
   * attempt's failure. The client goes on trying; the timeout only ends the wait. A timeout of 0
   * waits without a bound.
   *
   * <pre>{@code
   * StateChange first = client.connect(10, TimeUnit.SECONDS).join(); // off the main thread
   * if (first.current() != ConnectionState.CONNECTED) showOffline(first.error());
   * }</pre>
   *
   * @throws IllegalStateException if the client was already closed or failed
   */
  public CompletableFuture<StateChange> connect(long timeout, TimeUnit unit) {
    if (timeout < 0) throw new IllegalArgumentException("timeout must be >= 0: " + timeout + " " + unit);
    if (machine.state().isTerminal()) {
      throw new IllegalStateException("client is " + machine.state() + "; build a new one");
    }
    CompletableFuture<StateChange> first = firstConnection.await(unit.toNanos(timeout));
    machine.connect();
    return first;
  }

  /** Convenience for {@link #connect(long, TimeUnit)}; needs Android API 26. */
  @RequiresApi26
  public CompletableFuture<StateChange> connect(java.time.Duration timeout) {
    return connect(timeout.toNanos(), TimeUnit.NANOSECONDS);
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

  /**
   * Undoes {@link #pause()}: connects again at once (or waits offline if there is no network). At
   * most one attempt starts per second, however often this is called.
   */
  public void resume() {
    machine.resume();
  }

  /**
   * If the client is {@link ConnectionState#WAITING_TO_RETRY}, starts the next attempt now instead
   * of at the end of the wait, and ends the slow cadence of a long outage (see
   * {@link ExponentialBackoff}). Call it when the app comes to the foreground or the user asks to
   * retry. At most one attempt starts per second, however often this is called; in any other state
   * it does nothing. Returns at once.
   */
  public void retryNow() {
    machine.retryNow();
  }

  /**
   * The endpoint the current or next attempt uses (see {@link Builder#endpoints}); with one URL,
   * that one. May be stale by the time it is read.
   */
  public String endpoint() {
    return machine.endpoint();
  }

  /** The current state. May be stale by the time it is read; listen for changes instead of polling. */
  public ConnectionState state() {
    return machine.state();
  }

  /**
   * Queues {@code payload} for {@code topic} with the default options: acknowledged delivery, normal
   * priority, no key, no TTL. See {@link #send(String, byte[], SendOptions)}.
   */
  public CompletableFuture<SendResult> send(String topic, byte[] payload) {
    return send(topic, payload, SendOptions.DEFAULT);
  }

  /**
   * Queues {@code payload} for {@code topic}. Never blocks. The message waits in the outbox while
   * the client is not {@link ConnectionState#CONNECTED} and is written when it is, unless a newer
   * message with the same key replaces it, its TTL passes, or the outbox is full of messages of
   * equal or higher priority. Acknowledged messages are resent after every reconnect until the
   * server acknowledges them. See {@code docs/delivery.md} for the exact guarantees.
   *
   * <p>The payload array is copied; the caller may reuse it.
   *
   * @return a future completed exactly once with the message's {@link SendResult}; it never
   *     completes exceptionally, and the caller cannot complete or cancel it. It completes on one
   *     of Corridor's threads, never the callback executor, so a listener may wait for it; stages
   *     attached with {@code thenAccept} and the like run on that thread (keep them short), or
   *     where {@code thenAcceptAsync(action, executor)} says
   * @throws IllegalArgumentException if {@code topic} is empty or the payload is larger than the
   *     server accepts (its Welcome's {@code max_message_bytes}); a message larger than the
   *     outbox's byte bound is not thrown but ends {@link SendResult.Outcome#OVERFLOW}
   */
  public CompletableFuture<SendResult> send(String topic, byte[] payload, SendOptions options) {
    requireNonNull(topic, "topic");
    requireNonNull(payload, "payload");
    requireNonNull(options, "options");
    if (topic.isEmpty()) throw new IllegalArgumentException("topic is empty");
    int max = session.serverMaxMessageBytes();
    if (max > 0 && payload.length > max) {
      throw new IllegalArgumentException(
          "payload of " + payload.length + " bytes exceeds the server's limit of " + max);
    }
    return publisher.send(topic, payload.clone(), options);
  }

  /**
   * Subscribes to {@code topic}. The subscription is requested at once if connected, otherwise on
   * connect, and restored after every reconnect from its last delivered position.
   *
   * @throws IllegalStateException if this client already has a subscription to {@code topic}, or
   *     is closed
   */
  public Subscription subscribe(String topic, MessageListener listener, SubscribeOptions options) {
    requireNonNull(topic, "topic");
    requireNonNull(listener, "listener");
    requireNonNull(options, "options");
    if (topic.isEmpty()) throw new IllegalArgumentException("topic is empty");
    return subscriptions.subscribe(topic, listener, options);
  }

  /** {@link #subscribe(String, MessageListener, SubscribeOptions)} in RELIABLE mode. */
  public Subscription subscribe(String topic, MessageListener listener) {
    return subscribe(topic, listener, SubscribeOptions.DEFAULT);
  }

  /**
   * Sends a request and completes with the server's response, whose status is
   * {@link Response.Status#OK}. Waits for a connection if there is none. Fails with
   * {@link RequestException}: {@code NOT_OK} if the server answered with any other status
   * ({@code NOT_FOUND} for an unknown method, {@code INVALID}, {@code ERROR}, {@code UNAVAILABLE};
   * {@link RequestException#response()} has it), {@code TIMEOUT} after the options' timeout,
   * {@code DISCONNECTED} if the link drops after sending (unless idempotent, then it is sent
   * again), {@code REJECTED} if the server answers with an Error, {@code CLOSED} on close. With
   * {@link RequestOptions.Builder#anyStatus} every response completes the future normally. The
   * future completes on one of Corridor's threads, as {@link #send(String, byte[], SendOptions)}'s
   * does; the caller cannot complete or cancel it.
   */
  public CompletableFuture<Response> request(String method, byte[] payload, RequestOptions options) {
    requireNonNull(method, "method");
    requireNonNull(payload, "payload");
    requireNonNull(options, "options");
    return requests.request(method, payload.clone(), options);
  }

  /** {@link #request(String, byte[], RequestOptions)} with a 10 s timeout, not idempotent. */
  public CompletableFuture<Response> request(String method, byte[] payload) {
    return request(method, payload, RequestOptions.DEFAULT);
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
        machine.heartbeat().smoothedRttNanos(), counters.outboxMessages, counters.outboxBytes,
        sendOutcomes(), counters.duplicatesDropped, counters.gapsDetected,
        counters.messagesReplayed, counters.discontinuities, health.oldestUnackedAgeMillis(),
        health.lastInboundAgeMillis());
  }

  private long[] sendOutcomes() {
    long[] out = new long[SendResult.Outcome.values().length];
    for (int i = 0; i < out.length; i++) out[i] = counters.sendOutcomes.get(i);
    return out;
  }

  /**
   * The client id sent in every Hello: the one set with {@link Builder#clientId}, or the random
   * UUID this client drew when it was built.
   */
  public String clientId() {
    return clientId;
  }

  /** For tests: runs {@code task} as a task of the client's serial context (to inject a bug). */
  void runInContext(Runnable task) {
    context.execute(task);
  }

  /** A task of the serial context threw: a bug in Corridor, which fails the client. */
  private void internalError(Throwable bug) {
    machine.internalError(bug);
  }

  private void dispatch(StateChange change) {
    firstConnection.stateChanged(change);
    toStateListeners(listener -> listener.onStateChanged(change));
  }

  private void callbackFailed(Throwable error) {
    events.callbackFailed(error);
  }

  private void dispatchHealth(ConnectionHealth change) {
    toStateListeners(listener -> listener.onHealthChanged(change));
  }

  /** Calls every state listener on the callback executor; what one throws is reported. */
  private void toStateListeners(java.util.function.Consumer<StateListener> call) {
    for (StateListener listener : stateListeners) {
      Guarded.execute(callbackExecutor, () -> {
        try {
          call.accept(listener);
        } catch (Throwable t) {
          reporter.callbackFailed(t);
        }
      }, reporter);
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
    private List<String> urls;
    private @Nullable OkHttpClient okHttpClient;
    private @Nullable Transport transport;
    private TokenProvider tokenProvider = TokenProvider.NONE;
    /** Set by {@link #clientId(String)}; null: each built client draws a random UUID. */
    private @Nullable String clientId;
    private NetworkMonitor networkMonitor = NetworkMonitor.ALWAYS_AVAILABLE;
    private EventListener eventListener = EventListener.NONE;
    private @Nullable Executor callbackExecutor;
    private @Nullable Executor tokenExecutor;
    private @Nullable Executor completionExecutor;
    private Executor contextExecutor = DefaultExecutors.pool();
    private Clock clock = Clock.SYSTEM;
    private @Nullable Scheduler scheduler;
    private @Nullable RandomSource random;
    private BackoffPolicy backoff = ExponentialBackoff.DEFAULT;
    private ErrorPolicy errorPolicy = ErrorPolicy.DEFAULT;
    private long heartbeatIntervalNanos = TimeUnit.SECONDS.toNanos(25);
    private long pongTimeoutNanos = TimeUnit.SECONDS.toNanos(10);
    private long handshakeTimeoutNanos = TimeUnit.SECONDS.toNanos(15);
    private long closeTimeoutNanos = TimeUnit.SECONDS.toNanos(5);
    private int maxInboundMessageBytes = 1 << 20;
    private boolean compression;
    private int outboxMaxMessages = 10_000;
    private long outboxMaxBytes = 8L << 20;
    private long writeHighWaterBytes = 1L << 20;
    private int maxInFlight = 1_000;
    private long readHoldTimeoutNanos = TimeUnit.SECONDS.toNanos(30);
    private long unackedThresholdNanos;
    private long silenceThresholdNanos;

    private Builder(String url) {
      this.urls = Collections.singletonList(validateUrl(url));
    }

    private Builder copy() {
      Builder b = new Builder(urls.get(0));
      b.urls = urls;
      b.okHttpClient = okHttpClient;
      b.transport = transport;
      b.tokenProvider = tokenProvider;
      b.clientId = clientId;
      b.networkMonitor = networkMonitor;
      b.eventListener = eventListener;
      b.callbackExecutor = callbackExecutor;
      b.tokenExecutor = tokenExecutor;
      b.completionExecutor = completionExecutor;
      b.contextExecutor = contextExecutor;
      b.clock = clock;
      b.scheduler = scheduler;
      b.readHoldTimeoutNanos = readHoldTimeoutNanos;
      b.unackedThresholdNanos = unackedThresholdNanos;
      b.silenceThresholdNanos = silenceThresholdNanos;
      b.random = random;
      b.backoff = backoff;
      b.errorPolicy = errorPolicy;
      b.heartbeatIntervalNanos = heartbeatIntervalNanos;
      b.pongTimeoutNanos = pongTimeoutNanos;
      b.handshakeTimeoutNanos = handshakeTimeoutNanos;
      b.closeTimeoutNanos = closeTimeoutNanos;
      b.maxInboundMessageBytes = maxInboundMessageBytes;
      b.compression = compression;
      b.outboxMaxMessages = outboxMaxMessages;
      b.outboxMaxBytes = outboxMaxBytes;
      b.writeHighWaterBytes = writeHighWaterBytes;
      b.maxInFlight = maxInFlight;
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

    /** The server URL: the one endpoint. */
    public Builder url(String url) {
      this.urls = Collections.singletonList(validateUrl(url));
      return this;
    }

    /**
     * Several endpoints of one service (the nodes of a server cluster, say), in order of
     * preference. The first attempt goes to the first. An attempt that fails moves the next
     * attempt to the next endpoint, after the usual paced wait, wrapping round after the last;
     * so with every endpoint down the client cycles through them at the backoff's pace. A
     * connection that is lost is first retried on the endpoint it was on, unless the server closed
     * it with 1001, 1012 or 1013 (going away, restarting, overloaded): then the next endpoint.
     * The client stays on whichever endpoint it connects to, and comes back to the first when the
     * round reaches it. {@link CorridorClient#endpoint()} tells the current one.
     *
     * @throws IllegalArgumentException if the list is empty, has duplicates or an invalid URL
     */
    public Builder endpoints(List<String> urls) {
      if (urls.isEmpty()) throw new IllegalArgumentException("no endpoints");
      List<String> checked = new ArrayList<>(urls.size());
      for (String u : urls) {
        String url = validateUrl(u);
        if (checked.contains(url)) throw new IllegalArgumentException("endpoint listed twice: " + url);
        checked.add(url);
      }
      this.urls = Collections.unmodifiableList(checked);
      return this;
    }

    /**
     * The OkHttp client to derive sockets from, to share its connection pool, dispatcher, DNS, TLS
     * and proxy settings. Its ping interval is ignored (the heartbeat replaces it); everything else
     * applies as set, so consider what the default sets: one client shared by all Corridor
     * clients, with no read or write timeout (the heartbeat detects dead links), {@code
     * TCP_NODELAY}, and no dispatcher limit. OkHttp counts each open WebSocket as a running call of
     * the dispatcher for as long as it is open, so a client whose dispatcher allows 64 calls (the
     * default) can hold at most 64 open sockets, Corridor's included.
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
     * deduplication on it. Default: a random UUID drawn for each client that {@link #build()}
     * returns, so no two clients share one (a builder reused, or one from
     * {@link CorridorClient#newBuilder()}, yields a fresh id every time). An id set here is used by
     * every client built from this builder and copied by {@code newBuilder()}: give two clients
     * the same id only if they never run at the same time, since the server hands the session to
     * the newer one and deduplicates their publishes against each other. Persist one per install
     * to resume across process restarts. 1 to 128 characters.
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
     * Where {@link StateListener}s and subscription listeners (unless their
     * {@link SubscribeOptions.Builder#executor} says otherwise) are called. Android apps pass the
     * main-thread executor ({@code CorridorAndroid.install} sets it). It should run tasks in
     * submission order. Default: a background thread per client at a time, in order, from a
     * shared daemon pool.
     *
     * <p>Corridor never runs its own work on this executor and never blocks, parks or floods it:
     * messages are delivered in slices of at most 256 messages or 4 ms, after which the delivery
     * re-posts itself behind whatever else the executor has queued. A listener may
     * block (on a {@code send} or {@code request} future, say): futures complete on Corridor's own
     * threads, not here. If the executor refuses a task, the failure is reported to
     * {@link EventListener#callbackFailed} and that callback is lost.
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

    /**
     * Time source for every timer and deadline: heartbeat, backoff, TTLs, timeouts. Default
     * {@link Clock#SYSTEM} ({@code System.nanoTime}). The default scheduler runs on this clock, so
     * the two always share one time base. On Android, {@code System.nanoTime} stops while the
     * device is in deep sleep; a clock on {@code SystemClock.elapsedRealtimeNanos()} keeps counting,
     * so TTLs expire and backoff waits end on real elapsed time ({@code CorridorAndroid.install}
     * sets one). Tests use
     * {@link dev.corridor.testing.FakeTime}. A clock that throws is reported and replaced by the
     * system clock for that reading.
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Timers. Default: one daemon thread shared by every client, on this client's {@link #clock}:
     * a task is due when the clock reaches its deadline, and tasks whose deadline passed while the
     * device slept run within 2 s of it waking. A scheduler set here must run on the same time
     * base as the clock (as {@link dev.corridor.testing.FakeTime} does). Its tasks only hand work
     * to the client; if it throws, Corridor's own timer is used instead.
     */
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

    /**
     * Largest inbound message accepted. Checked where it protects memory: each frame's declared
     * length is compared with what is left of the limit as soon as the frame's header arrives,
     * before any of its payload is read or any memory is set aside for it, and a compressed message
     * is inflated only up to the limit. A larger message is reported as
     * {@link CorridorException.Kind#MESSAGE_TOO_LARGE}, the connection is closed with 1009 and
     * re-established. Default 1 MiB.
     */
    public Builder maxInboundMessageBytes(int bytes) {
      if (bytes < 1024) throw new IllegalArgumentException("maxInboundMessageBytes must be >= 1024: " + bytes);
      this.maxInboundMessageBytes = bytes;
      return this;
    }

    /**
     * Offers {@code permessage-deflate} (RFC 7692) for messages from the server. Default false.
     * When the server accepts, its compressed messages are inflated in bounded steps and refused
     * (1009) as soon as they inflate past {@link #maxInboundMessageBytes}, so a small compressed
     * frame cannot exhaust memory; Corridor's own messages are sent uncompressed, which the
     * extension allows. Protocol v1's envelopes are protobuf and compress poorly, and inflation
     * costs CPU on every message: enable it only for payloads that compress well (JSON, text).
     * Without it, a server that imposes an extension anyway is refused before any frame is read.
     */
    public Builder compression(boolean enabled) {
      this.compression = enabled;
      return this;
    }

    /**
     * Bounds of the outbox, counting messages waiting to be written and messages written but not
     * yet acknowledged. Default 10,000 messages and 8 MiB. Each message is charged its payload,
     * topic and key plus 128 bytes, about what the outbox holds per message on a 64-bit JVM, so
     * the byte bound also bounds the heap the outbox uses. When full, the lowest-priority, oldest
     * waiting messages are evicted for a message of equal or higher priority; otherwise the new
     * message is refused.
     */
    public Builder outboxCapacity(int maxMessages, long maxBytes) {
      if (maxMessages < 1) throw new IllegalArgumentException("maxMessages must be >= 1: " + maxMessages);
      if (maxBytes < 1024) throw new IllegalArgumentException("maxBytes must be >= 1024: " + maxBytes);
      this.outboxMaxMessages = maxMessages;
      this.outboxMaxBytes = maxBytes;
      return this;
    }

    /**
     * Longest time a full RELIABLE subscription queue may hold back the socket's reads. Holding
     * reads is the backpressure that makes a fast server wait for a slow listener (and while reads
     * are held, the heartbeat does not count the silence against the link). Past this time the
     * client stops waiting: it reports {@link CorridorException.Kind#SLOW_CONSUMER}, drops the
     * connection and reconnects, and the subscription resumes from its last delivered message,
     * so nothing is lost or repeated. Default 30 s.
     */
    public Builder readHoldTimeout(long timeout, TimeUnit unit) {
      this.readHoldTimeoutNanos = positiveNanos("readHoldTimeout", timeout, unit);
      return this;
    }

    /**
     * Raises {@link StateListener#onHealthChanged} when the oldest message not yet acknowledged has
     * waited longer than {@code unacknowledged}, or nothing has arrived from the server for longer
     * than {@code silence}, and again when that is over; 0 turns a signal off. Default: both off.
     * The ages themselves are always in {@link ClientStats}. Pick them from what the app's users
     * notice: a trading screen might use 2 s and 5 s; a chat app 10 s and 0. Neither may be
     * negative.
     */
    public Builder healthThresholds(long unacknowledged, long silence, TimeUnit unit) {
      if (unacknowledged < 0 || silence < 0) {
        throw new IllegalArgumentException("healthThresholds must be >= 0: " + unacknowledged + ", "
            + silence + " " + unit);
      }
      this.unackedThresholdNanos = unit.toNanos(unacknowledged);
      this.silenceThresholdNanos = unit.toNanos(silence);
      return this;
    }

    /**
     * Bytes queued in the socket above which the client stops writing and keeps messages in the
     * outbox until the socket drains. Default 1 MiB, well under OkHttp's 16 MiB queue limit (which
     * closes the socket). Must be between 1 KiB and 8 MiB.
     */
    public Builder writeHighWater(long bytes) {
      if (bytes < 1024 || bytes > (8L << 20)) {
        throw new IllegalArgumentException("writeHighWater must be 1 KiB - 8 MiB: " + bytes);
      }
      this.writeHighWaterBytes = bytes;
      return this;
    }

    /**
     * Most acknowledged messages written and not yet acknowledged, unless the server's Welcome says
     * otherwise. Default 1,000.
     */
    public Builder maxInFlight(int messages) {
      if (messages < 1) throw new IllegalArgumentException("maxInFlight must be >= 1: " + messages);
      this.maxInFlight = messages;
      return this;
    }

    /** For tests: where the client's serial context runs (a direct executor runs it inline). */
    Builder contextExecutor(Executor executor) {
      this.contextExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /** For tests: where send and request futures complete. */
    Builder completionExecutor(Executor executor) {
      this.completionExecutor = requireNonNull(executor, "executor");
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
        OkHttpClient base = okHttpClient != null ? okHttpClient : DefaultOkHttp.client();
        t = new OkHttpTransport(base, maxInboundMessageBytes, compression, DefaultExecutors.pool(),
            SystemScheduler.INSTANCE, closeTimeoutNanos);
      }
      String id = clientId != null ? clientId : UUID.randomUUID().toString();
      return new CorridorClient(this, t, id);
    }

    private static long positiveNanos(String name, long value, TimeUnit unit) {
      requireNonNull(unit, "unit");
      long nanos = unit.toNanos(value);
      if (nanos <= 0) throw new IllegalArgumentException(name + " must be positive: " + value + " " + unit);
      return nanos;
    }
  }

}
