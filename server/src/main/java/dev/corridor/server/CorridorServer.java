package dev.corridor.server;

import dev.corridor.server.internal.Backplane;
import dev.corridor.server.internal.JettyEndpoint;
import dev.corridor.server.internal.ProtocolEngine;
import dev.corridor.server.internal.ServerMetrics;
import dev.corridor.server.internal.ServerSettings;
import dev.corridor.server.internal.TopicGrants;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.jspecify.annotations.Nullable;

/**
 * A protocol v1 server on Jetty 12's core WebSocket (no servlet layer). It checks the upgrade
 * (subprotocol {@code corridor.v1}, a signed token or a shared one, Origin allow-list) and runs the protocol for
 * each socket: sessions with resume tokens, per-topic sequences with epochs and bounded replay
 * history, acknowledged and deduplicated publishes, request/response, and limits on message size,
 * inbound rate, queued messages and connections.
 *
 * <pre>{@code
 * CorridorServer server = CorridorServer.builder()
 *     .port(8080)
 *     .topicPolicy((clientId, topic, use) -> topic.startsWith("quotes.") ? null
 *         : Refusal.unknownTopic(topic, "this server has quotes.<symbol>"))
 *     .build();
 * server.start();
 * server.publish("quotes.AAPL", "AAPL", bytes); // to every subscriber, and into the history
 * }</pre>
 *
 * <p>It can be stopped and started again on the same port; sessions and history survive that in
 * memory. Thread-safe.
 */
public final class CorridorServer implements AutoCloseable {
  /** The WebSocket subprotocol of protocol v1. */
  public static final String SUBPROTOCOL = "corridor.v1";

  private final ServerSettings settings;
  private final String path;
  private final @Nullable TokenVerifier tokens;
  private final ScheduledThreadPoolExecutor timers;
  private final ProtocolEngine engine;
  private final ServerMetrics metrics;
  private final Backplane backplane;
  private final ServerEngine engineKind;
  /** Handler completions and ledger writes, which may wait on the engine's store. */
  private final java.util.concurrent.ThreadPoolExecutor work;
  /** Messages handed to Jetty and not yet written, over every connection. */
  private final java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
  private Server server;
  private int port;

  private CorridorServer(Builder b) {
    this.settings = b.settings;
    this.path = b.path;
    this.tokens = b.tokens;
    this.port = b.settings.port();
    this.timers = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "corridor-server-timer");
      t.setDaemon(true);
      return t;
    });
    timers.setRemoveOnCancelPolicy(true);
    this.metrics = new ServerMetrics(b.registry, b.topicTag);
    java.util.concurrent.atomic.AtomicInteger workers = new java.util.concurrent.atomic.AtomicInteger();
    this.work = new java.util.concurrent.ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "corridor-server-work-" + workers.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    work.allowCoreThreadTimeOut(true);
    Object lock = new Object();
    this.engineKind = b.engine;
    this.backplane = b.engine.create(lock, settings, timers);
    this.engine = new ProtocolEngine(settings, b.topicPolicy, b.publishHandler, b.requestHandler, timers,
        work, b.clock, b.maxSubscriptions, metrics, backplane, lock);
    timers.scheduleWithFixedDelay(engine::forgetIdleTopics, 30, 30, TimeUnit.SECONDS);
    metrics.gauge("corridor.server.queued", "Messages queued to clients, not yet written", queued,
        java.util.concurrent.atomic.AtomicLong::get);
  }

  /** A builder with the defaults: loopback, a free port, path {@code /v1}, no token. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts listening; after a {@link #stop()}, on the port it had before.
   *
   * @throws IOException if the port cannot be bound
   */
  public synchronized void start() throws IOException {
    if (server != null) return;
    backplane.connect(); // Redis must be reachable for the node to start
    engine.undrain();
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("corridor-server");
    threads.setDaemon(true);
    Server s = new Server(threads);
    ServerConnector connector = new ServerConnector(s);
    connector.setHost(settings.host());
    connector.setPort(port);
    connector.setReuseAddress(true);
    // Jetty's default (0) leaves the JDK's backlog of 50: a herd of reconnecting clients overflows
    // it, and each dropped SYN is retried a second later (seen in the real-socket herd benchmark).
    connector.setAcceptQueueSize(1024);
    s.addConnector(connector);
    s.setHandler(WebSocketUpgradeHandler.from(s, container -> {
      container.setMaxBinaryMessageSize(settings.maxMessageBytes());
      container.setMaxTextMessageSize(settings.maxMessageBytes());
      container.setIdleTimeout(Duration.ofMinutes(5));
      container.addMapping(path, this::upgrade);
    }));
    s.setStopTimeout(0);
    try {
      s.start();
    } catch (IOException e) {
      stopQuietly(s);
      throw e;
    } catch (Exception e) {
      stopQuietly(s);
      throw new IOException("the server did not start", e);
    }
    port = connector.getLocalPort();
    server = s;
  }

  /**
   * Shuts down gracefully, as for a rolling deploy: refuses new connections (HTTP 503), waits up
   * to {@code timeout} for the application to answer the publishes and requests it was handed
   * (so that their acknowledgements and responses go out), then closes every connection with
   * 1012 (service restart), which sends Corridor clients with several endpoints to the next one
   * at once, and stops listening. What the client had not had acknowledged, it resends wherever
   * it connects next.
   *
   * @return whether every handler answered within the timeout
   */
  public boolean shutdown(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (this) {
      if (server == null) return true;
    }
    engine.drain(); // until the next start(): new upgrades get 503, new work is refused
    boolean answered = engine.awaitHandlers(Math.max(0, deadline - System.nanoTime()));
    engine.closeAll(1012, "service restart");
    // The close handshakes get until the deadline (at least a moment) before the sockets go.
    engine.awaitNoConnections(Math.max(TimeUnit.MILLISECONDS.toNanos(200), deadline - System.nanoTime()));
    stop();
    return answered;
  }

  /** Drops every connection and stops listening. Sessions and history are kept for a restart. */
  public synchronized void stop() {
    if (server == null) return;
    for (ServerFaults.Connection c : engine.connections()) c.disconnect();
    stopQuietly(server);
    server = null;
  }

  /** Stops, for good: also the server's threads and its engine's connections. */
  @Override
  public synchronized void close() {
    stop();
    backplane.close();
    timers.shutdownNow();
    work.shutdownNow();
  }

  /** The engine this server keeps its state in. */
  public ServerEngine engine() {
    return engineKind;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The port listened on (after {@link #start()}, the one picked if 0 was asked for). */
  public synchronized int port() {
    return port;
  }

  /** {@code ws://host:port/path}. */
  public String url() {
    return "ws://" + settings.host() + ":" + port() + path;
  }

  /** The address listened on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(settings.host(), port());
  }

  /**
   * Appends a message to {@code topic} (next sequence, into the history) and delivers it to every
   * subscriber, on every node sharing the engine. {@code key} is the message's key ("" for none),
   * which a client's LATEST subscription and its superseding rules go by. With the Redis engine
   * it returns once Redis has stored the message (a round trip).
   *
   * @throws EngineUnavailableException if the engine's Redis cannot be reached (nothing was
   *     stored) or did not answer in time (it may have been)
   */
  public void publish(String topic, String key, byte[] payload) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    try {
      engine.publish(topic, key, payload.clone());
    } catch (Backplane.Unavailable e) {
      throw new EngineUnavailableException("the server's engine did not confirm storing the message", e);
    }
  }

  /** Connections open now. */
  public int connectionCount() {
    return engine.connectionCount();
  }

  /** Fault injection for tests and demonstrations; never for production. */
  public ServerFaults faults() {
    return engine;
  }

  private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response,
      org.eclipse.jetty.util.Callback callback) {
    if (engine.isDraining()) {
      metrics.handshake("draining");
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "shutting down");
      return null;
    }
    if (!request.hasSubProtocol(SUBPROTOCOL)) {
      metrics.handshake("bad_subprotocol");
      Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
          "Sec-WebSocket-Protocol must offer " + SUBPROTOCOL);
      return null;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && !settings.allowedOrigins().isEmpty() && !settings.allowedOrigins().contains(origin)) {
      metrics.handshake("forbidden_origin");
      Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "origin not allowed");
      return null;
    }
    String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (settings.token() != null && (auth == null || !java.security.MessageDigest.isEqual(
        auth.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        ("Bearer " + settings.token()).getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
      // Never echo what was sent.
      metrics.handshake("unauthorized");
      Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401, "bad or missing token");
      return null;
    }
    TopicGrants grants = null;
    String subject = "";
    if (tokens != null) {
      TokenVerifier.Verified verified = auth != null && auth.startsWith("Bearer ")
          ? tokens.verify(auth.substring("Bearer ".length()).trim()) : null;
      if (verified == null) {
        // The same answer for a missing, malformed, unsigned, forged, expired or misdirected
        // token, and never the token itself.
        metrics.handshake("unauthorized");
        Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401, "invalid or expired token");
        return null;
      }
      grants = verified.grants();
      subject = verified.subject();
    }
    metrics.handshake("accepted");
    response.setAcceptedSubProtocol(SUBPROTOCOL);
    return new JettyEndpoint(engine, settings.maxOutgoingMessages(), grants, subject, queued, metrics);
  }

  private static void stopQuietly(Server s) {
    try {
      s.stop();
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
    }
  }

  /** Builds a {@link CorridorServer}. */
  public static final class Builder {
    private ServerSettings settings = ServerSettings.defaults();
    private String path = "/v1";
    private TopicPolicy topicPolicy = TopicPolicy.ANY;
    private PublishHandler publishHandler = PublishHandler.REFUSE_ALL;
    private RequestHandler requestHandler = RequestHandler.NONE;
    private LongSupplier clock = System::currentTimeMillis;
    private @Nullable TokenVerifier tokens;
    private int maxSubscriptions = 1_000;
    private @Nullable MeterRegistry registry;
    private Function<String, String> topicTag = ServerMetrics::topicGroup;
    private ServerEngine engine = ServerEngine.inMemory();

    private Builder() {}

    /** The interface to bind. Default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface. */
    public Builder host(String host) {
      settings = settings.withHost(Objects.requireNonNull(host, "host"));
      return this;
    }

    /** The port to bind. Default 0: a free one, which {@link #port()} then tells. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0-65535: " + port);
      settings = settings.withPort(port);
      return this;
    }

    /** The path clients connect to. Default {@code /v1}. */
    public Builder path(String path) {
      if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with /: " + path);
      this.path = path;
      return this;
    }

    /**
     * One shared bearer token every client must present ({@code Authorization: Bearer ...});
     * others are refused at the upgrade with 401. For demos and closed deployments; production
     * servers verify signed, expiring tokens with {@link #tokenVerifier}. Default: none.
     */
    public Builder bearerToken(String token) {
      if (token.isEmpty()) throw new IllegalArgumentException("token is empty");
      settings = settings.withToken(token);
      return this;
    }

    /**
     * Requires a signed token (JWT) on every upgrade, verified by {@code verifier}, and enforces
     * the topic permissions it carries. Default: none.
     */
    public Builder tokenVerifier(TokenVerifier verifier) {
      this.tokens = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /**
     * The {@code Origin} values accepted (browsers send one); an upgrade from any other origin is
     * refused with 403. Default: none listed, which accepts any.
     */
    public Builder allowedOrigins(String... origins) {
      settings = settings.withAllowedOrigins(new ArrayList<>(Arrays.asList(origins)));
      return this;
    }

    /**
     * Replay history kept per topic: at most {@code messages}, none older than {@code maxAge}.
     * Default 5,000 messages and 10 minutes. A client that comes back later than that gets a
     * discontinuity, not a silent gap.
     */
    public Builder history(int messages, long maxAge, TimeUnit unit) {
      if (messages < 1) throw new IllegalArgumentException("messages must be >= 1: " + messages);
      settings = settings.withHistory(messages, unit.toMillis(maxAge));
      return this;
    }

    /**
     * Limits per connection: the largest inbound message (larger closes with 1009; at least 1
     * KiB), inbound messages per second (bursts of twice that; above it, 4029 with a retry hint,
     * or a retryable RATE_LIMITED error for a publish), and messages queued to a client that reads
     * too slowly (above it, 4008); and connections in all (above it, OVERLOADED and 1013).
     * Defaults 256 KiB, 500/s, 20,000 and 2,000.
     */
    public Builder limits(int maxMessageBytes, int maxInboundPerSecond, int maxQueuedMessages,
        int maxConnections) {
      if (maxInboundPerSecond < 1 || maxQueuedMessages < 0 || maxConnections < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
      settings = settings.withLimits(maxMessageBytes, maxInboundPerSecond, maxQueuedMessages, maxConnections);
      return this;
    }

    /**
     * Subscriptions one connection may hold; a Subscribe beyond it is refused (FORBIDDEN, with the
     * topic). Default 1,000.
     */
    public Builder maxSubscriptions(int max) {
      if (max < 1) throw new IllegalArgumentException("max must be >= 1: " + max);
      this.maxSubscriptions = max;
      return this;
    }

    /**
     * Where the server's Micrometer meters go, all named {@code corridor.server.*}: {@code
     * connections} and {@code queued} (gauges), {@code handshakes} by {@code outcome}, {@code
     * messages.in} and {@code messages.out} by envelope {@code kind}, {@code published} and
     * {@code delivered} by {@code topic}, {@code replayed}, {@code discontinuities} by {@code
     * reason} and {@code drops} by {@code reason} (slow_consumer, rate_limited, too_large,
     * malformed, conflated, expired). Default: none.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The {@code topic} tag of a topic's meters. Default: the part before the first dot
     * ({@code quotes.AAPL} is {@code quotes}), so that per-client topics do not multiply the
     * meters.
     */
    public Builder metricsTopicTag(Function<String, String> tag) {
      this.topicTag = Objects.requireNonNull(tag, "tag");
      return this;
    }

    /**
     * Where topics, sessions and publish deduplication are kept. Default {@link
     * ServerEngine#inMemory()}; {@link ServerEngine#redis} for several nodes.
     */
    public Builder engine(ServerEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /** Who may use which topic. Default {@link TopicPolicy#ANY}. */
    public Builder topicPolicy(TopicPolicy policy) {
      this.topicPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** What client publishes do. Default {@link PublishHandler#REFUSE_ALL}. */
    public Builder onPublish(PublishHandler handler) {
      this.publishHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** What answers client requests. Default {@link RequestHandler#NONE}. */
    public Builder onRequest(RequestHandler handler) {
      this.requestHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Wall-clock time in ms, for timestamps, history age and rate limits. For tests. */
    public Builder clock(LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public CorridorServer build() {
      if (tokens != null && settings.token() != null) {
        throw new IllegalStateException("set a bearerToken or a tokenVerifier, not both");
      }
      return new CorridorServer(this);
    }
  }
}
