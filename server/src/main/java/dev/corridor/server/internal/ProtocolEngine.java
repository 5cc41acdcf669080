package dev.corridor.server.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Discontinuity;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Pong;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.PublishAck;
import dev.corridor.proto.v1.Request;
import dev.corridor.proto.v1.Response;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.Subscribed;
import dev.corridor.proto.v1.SubscriptionMode;
import dev.corridor.proto.v1.TopicPosition;
import dev.corridor.proto.v1.Welcome;
import dev.corridor.server.ClientPublish;
import dev.corridor.server.ClientRequest;
import dev.corridor.server.PublishHandler;
import dev.corridor.server.Refusal;
import dev.corridor.server.Reply;
import dev.corridor.server.RequestHandler;
import dev.corridor.server.ServerFaults;
import dev.corridor.server.TopicPolicy;
import dev.corridor.server.TopicUse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Protocol v1, server side, independent of any WebSocket library: sessions and resume tokens,
 * per-topic sequences with epochs and bounded replay history, deduplication of client sequences
 * with acknowledgements, Ping/Pong, Request/Response, errors, inbound rate limits, LATEST
 * conflation by max rate, and slow-consumer handling. The WebSocket server feeds it bytes through
 * {@link Connection}s.
 *
 * <p>Thread-safe: one lock guards all protocol state, and sends never block. The application's
 * handlers run outside it: a publish is acknowledged (and counts in a resumed session's
 * {@code last_client_sequence}) only once its handler's stage has completed.
 */
public final class ProtocolEngine implements ServerFaults {
  /** The socket under one connection, as the engine sees it. */
  public interface Peer {
    /** Queues a binary message; false when the peer's outgoing queue is full (slow consumer). */
    boolean send(byte[] frame);

    /** Starts a clean close. */
    void close(int code, String reason);

    /** Drops the connection at once (no close frame). */
    void disconnect();
  }

  private final ServerSettings config;
  private final TopicPolicy topicPolicy;
  private final PublishHandler publishHandler;
  private final RequestHandler requestHandler;
  private final ScheduledExecutorService timers;
  private final LongSupplier clock;
  private final int maxSubscriptions;
  private final ServerMetrics metrics;
  /** Handler stages not completed yet (publishes and requests). Guarded by lock. */
  private int inFlight;
  private volatile boolean dropAcks;
  private volatile long ackDelayMillis;
  private final SecureRandom tokens = new SecureRandom();
  private final Object lock = new Object();

  // Guarded by lock.
  private final Map<String, TopicLog> topics = new HashMap<>();
  private final Map<String, ServerSession> sessions = new HashMap<>();
  /** Per client id: acknowledged publishes handed to the handler and not answered yet. */
  private final Map<String, Integer> pendingByClient = new HashMap<>();
  /**
   * Per client: its latest rejections, by client sequence (at most {@link #REMEMBERED_REJECTIONS}).
   * A rejection sent on a connection that then dropped may never have arrived, so a resumed
   * session is told only up to below the lowest of them, and a resend is answered with it again.
   */
  private final Map<String, java.util.TreeMap<Long, Error>> rejections = new HashMap<>();
  private static final int REMEMBERED_REJECTIONS = 1_000;
  /** Set by {@link #drain()}: no new connections, publishes or requests are taken. */
  private boolean draining;
  /** Each client id's connection that said Hello last, while it is open. */
  private final Map<String, Connection> liveByClient = new HashMap<>();
  /** Per client id: the sequences received (deduplication) and those whose handling completed. */
  private final Map<String, ClientSequences> received = new HashMap<>();
  private final Map<String, ClientSequences> completed = new HashMap<>();
  private final Set<Connection> connections = new LinkedHashSet<>();
  /** Every socket not yet closed, including those whose close the engine has started. */
  private final Set<Connection> sockets = new java.util.HashSet<>();
  private long epochBase = 1;
  private long sessionCounter;

  public ProtocolEngine(ServerSettings config, TopicPolicy topicPolicy, PublishHandler publishHandler,
      RequestHandler requestHandler, ScheduledExecutorService timers, LongSupplier clock) {
    this(config, topicPolicy, publishHandler, requestHandler, timers, clock, 1_000,
        new ServerMetrics(null, ServerMetrics::topicGroup));
  }

  public ProtocolEngine(ServerSettings config, TopicPolicy topicPolicy, PublishHandler publishHandler,
      RequestHandler requestHandler, ScheduledExecutorService timers, LongSupplier clock,
      int maxSubscriptions, ServerMetrics metrics) {
    this.maxSubscriptions = maxSubscriptions;
    this.metrics = metrics;
    metrics.gauge("corridor.server.connections", "Open connections", this, ProtocolEngine::connectionCount);
    this.config = config;
    this.topicPolicy = topicPolicy;
    this.publishHandler = publishHandler;
    this.requestHandler = requestHandler;
    this.timers = timers;
    this.clock = clock;
  }

  @Override
  public void dropAcks(boolean on) {
    dropAcks = on;
  }

  @Override
  public void delayAcks(long millis) {
    ackDelayMillis = Math.max(0, millis);
  }

  /** A new socket without a token. It must say Hello first. */
  public Connection open(Peer peer) {
    return open(peer, null, "");
  }

  /**
   * A new socket whose token, for {@code subject} ("" without a token), granted {@code grants}
   * (null: the token restricts no topic).
   * A client's sessions, deduplication and acknowledgements belong to its client id within its
   * subject: another token's holder cannot take them over by saying the same client id.
   */
  public Connection open(Peer peer, TopicGrants grants, String subject) {
    Connection c = new Connection(peer, grants, subject);
    synchronized (lock) {
      if (draining) {
        metrics.handshake("draining");
        peer.close(1012, "service restart");
        c.closed = true;
        return c;
      }
      if (connections.size() >= config.maxConnections()) {
        metrics.handshake("overloaded");
        c.send(error(ErrorCode.ERROR_CODE_OVERLOADED, "too many connections", true, 2_000));
        peer.close(1013, "overloaded; retry-after=2");
        c.closed = true;
        return c;
      }
      connections.add(c);
      sockets.add(c);
    }
    return c;
  }

  public int connectionCount() {
    synchronized (lock) {
      return connections.size();
    }
  }

  /** Snapshot of the open connections. */
  @Override
  public List<ServerFaults.Connection> connections() {
    synchronized (lock) {
      return new ArrayList<>(connections);
    }
  }

  /** Appends a message to {@code topic} and delivers it to every subscriber. */
  public void publish(String topic, String key, byte[] payload) {
    synchronized (lock) {
      TopicLog log = topic(topic);
      Deliver d = log.append(key, ByteString.copyFrom(payload), clock.getAsLong(),
          config.historySize(), config.historyAgeMillis());
      // A copy: a send that finds a slow consumer closes it, which removes it from the set.
      for (Connection c : new ArrayList<>(connections)) {
        Subscription s = c.subscriptions.get(topic);
        if (s != null) c.deliver(s, d);
      }
    }
  }

  /** Forgets sessions, client sequences and history: every stream starts a new epoch. */
  @Override
  public void loseState() {
    synchronized (lock) {
      sessions.clear();
      received.clear();
      rejections.clear();
      completed.clear();
      epochBase++;
      for (TopicLog log : topics.values()) log.newEpoch(epochBase);
    }
  }

  /** Cuts every topic's history down to its newest {@code keep} messages. */
  @Override
  public void trimHistories(int keep) {
    synchronized (lock) {
      for (TopicLog log : topics.values()) log.trim(keep, Long.MIN_VALUE);
    }
  }

  private TopicLog topic(String name) {
    return topics.computeIfAbsent(name, t -> new TopicLog(t, epochBase));
  }

  /** Per-session state kept across connections for resume. */
  private static final class ServerSession {
    final String token;
    final String clientId;
    /** What per-client state is keyed by: the client id, within the token's subject if any. */
    final String key;
    final Map<String, Subscribe> subscriptions = new HashMap<>();
    final Map<String, Long> acked = new HashMap<>();
    Connection live;

    ServerSession(String token, String clientId, String key) {
      this.token = token;
      this.clientId = clientId;
      this.key = key;
    }
  }

  private static final class Subscription {
    final String topic;
    final boolean latest;
    final long minIntervalMillis;
    long lastSentMillis;
    Deliver pending;
    boolean flushScheduled;

    Subscription(Subscribe s) {
      this.topic = s.getTopic();
      this.latest = s.getMode() == SubscriptionMode.SUBSCRIPTION_MODE_LATEST;
      this.minIntervalMillis = s.getMaxRate() > 0 ? Math.max(1, 1000 / s.getMaxRate()) : 0;
    }
  }

  /** One socket's protocol state. */
  public final class Connection implements ServerFaults.Connection {
    private final Peer peer;
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private ServerSession session;
    private boolean closed;
    /** Chaos: neither reads nor writes (a half-open link). */
    private volatile boolean stalled;
    private double tokensLeft = config.maxInboundPerSecond() * 2.0;
    private long lastRefillMillis = clock.getAsLong();

    /** What the connection's token grants; null when it restricts nothing. */
    private final TopicGrants grants;

    /** The token's subject, or "" without a token. */
    private final String subject;

    Connection(Peer peer, TopicGrants grants, String subject) {
      this.peer = peer;
      this.grants = grants;
      this.subject = subject;
    }

    /** The per-client key for {@code clientId} on this connection. */
    private String keyOf(String clientId) {
      return subject.isEmpty() ? clientId : subject + '\u0000' + clientId;
    }

    /** The token's verdict first, then the application's. */
    private Refusal check(String topic, TopicUse use) {
      if (grants != null && !grants.allows(topic, use)) {
        return Refusal.forbidden("your token does not permit " + (use == TopicUse.SUBSCRIBE
            ? "subscribing to " : "publishing to ") + topic);
      }
      return topicPolicy.check(session.clientId, topic, use);
    }

    @Override
    public void stall() {
      stalled = true;
    }

    @Override
    public boolean isStalled() {
      return stalled;
    }

    @Override
    public void disconnect() {
      peer.disconnect();
    }

    /** A binary message from the client. */
    public void onMessage(byte[] bytes) {
      if (stalled) return;
      Runnable outsideTheLock;
      synchronized (lock) {
        outsideTheLock = handle(bytes);
      }
      // The application's handlers, called without the engine's lock.
      if (outsideTheLock != null) outsideTheLock.run();
    }

    /** Handles one message under the lock; returns what must run after it is released, or null. */
    private Runnable handle(byte[] bytes) {
      {
        if (closed) return null;
        boolean withinRate = takeToken();
        Envelope e;
        try {
          e = Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException ex) {
          metrics.drop(ServerMetrics.Drop.MALFORMED);
          send(error(ErrorCode.ERROR_CODE_PROTOCOL, "malformed envelope", false, 0));
          fail(1002, "malformed envelope");
          return null;
        }
        metrics.received(e);
        if (e.getProtocolVersion() != 1) {
          send(error(ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION, "protocol version 1 only", false, 0));
          fail(1002, "unsupported version");
          return null;
        }
        if (!withinRate) {
          metrics.drop(ServerMetrics.Drop.RATE_LIMITED);
          if (e.hasPublish() && e.getPublish().getClientSequence() > 0 && session != null) {
            // Refuse just this publish, retryably: the client keeps it and resends it later.
            send(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_RATE_LIMITED)
                .setMessage("over " + config.maxInboundPerSecond() + " messages/s").setRetryable(true)
                .setRetryAfterMs(1_000).setClientSequence(e.getPublish().getClientSequence())).build());
          } else {
            fail(4029, "rate limited; retry-after=1");
          }
          return null;
        }
        if (session == null && !e.hasHello()) {
          send(error(ErrorCode.ERROR_CODE_PROTOCOL, "Hello expected first", false, 0));
          fail(1002, "Hello expected first");
          return null;
        }
        switch (e.getKindCase()) {
          case HELLO -> onHello(e.getHello());
          case PUBLISH -> {
            return onPublish(e.getPublish());
          }
          case SUBSCRIBE -> onSubscribe(e.getSubscribe());
          case UNSUBSCRIBE -> {
            subscriptions.remove(e.getUnsubscribe().getTopic());
            session.subscriptions.remove(e.getUnsubscribe().getTopic());
          }
          case REPLAY_REQUEST -> {
            if (!refused(e.getReplayRequest().getFrom().getTopic())) replay(e.getReplayRequest().getFrom(), null);
          }
          case DELIVER_ACK -> onDeliverAck(e.getDeliverAck().getPositionsList());
          case PING -> send(env().setPong(Pong.newBuilder().setNonce(e.getPing().getNonce())
              .setPingSentAtMs(e.getPing().getSentAtMs()).setSentAtMs(clock.getAsLong())).build());
          case PONG -> { }
          case REQUEST -> {
            return onRequest(e.getRequest());
          }
          default -> send(error(ErrorCode.ERROR_CODE_PROTOCOL, "unexpected " + e.getKindCase(), false, 0));
        }
        return null;
      }
    }

    /** A text message: protocol v1 is binary only. */
    public void onText() {
      synchronized (lock) {
        send(error(ErrorCode.ERROR_CODE_PROTOCOL, "binary frames only", false, 0));
        fail(1003, "binary frames only");
      }
    }

    /** The socket is gone. */
    public void onClose() {
      synchronized (lock) {
        closed = true;
        connections.remove(this);
        if (session != null) liveByClient.remove(session.key, this);
        if (sockets.remove(this) && sockets.isEmpty()) lock.notifyAll();
        if (session != null && session.live == this) session.live = null;
      }
    }

    private boolean takeToken() {
      long now = clock.getAsLong();
      double rate = config.maxInboundPerSecond();
      tokensLeft = Math.min(rate * 2, tokensLeft + (now - lastRefillMillis) * rate / 1000.0);
      lastRefillMillis = now;
      if (tokensLeft < 1) return false;
      tokensLeft--;
      return true;
    }

    private void onHello(Hello hello) {
      if (session != null) {
        send(error(ErrorCode.ERROR_CODE_PROTOCOL, "second Hello", false, 0));
        return;
      }
      if (hello.getClientId().isEmpty()) {
        send(error(ErrorCode.ERROR_CODE_PROTOCOL, "client_id required", false, 0));
        fail(1002, "client_id required");
        return;
      }
      String key = keyOf(hello.getClientId());
      if (pendingByClient.getOrDefault(key, 0) > 0) {
        // Its earlier publishes are still being applied: the Welcome's last_client_sequence could
        // not yet say which of them the server has. Come back in a moment.
        send(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_OVERLOADED)
            .setMessage("this client's publishes are still being applied").setRetryable(true)
            .setRetryAfterMs(1_000)).build());
        fail(1013, "try again later; retry-after=1");
        return;
      }
      ServerSession s = sessions.get(hello.getResumeToken().toStringUtf8());
      boolean resumed = s != null && s.key.equals(key);
      if (!resumed) {
        byte[] raw = new byte[18];
        tokens.nextBytes(raw);
        s = new ServerSession(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw),
            hello.getClientId(), key);
        sessions.put(s.token, s);
      }
      if (s.live != null && s.live != this) {
        s.live.fail(1008, "session taken over by a newer connection");
      }
      s.live = this;
      session = s;
      liveByClient.put(key, this);
      ClientSequences done = completed.computeIfAbsent(key, id -> new ClientSequences());
      send(env().setWelcome(Welcome.newBuilder()
          .setSessionId("s" + (++sessionCounter))
          .setResumeToken(ByteString.copyFromUtf8(s.token))
          .setResumed(resumed)
          .setHeartbeatIntervalMs(config.heartbeatHintMillis())
          .setMaxMessageBytes(config.maxMessageBytes())
          // Fewer than the rate limit's burst, so a reconnecting client's resend is never refused.
          .setMaxInflight(Math.max(1, Math.min(1_000, config.maxInboundPerSecond())))
          .setLastClientSequence(lastClientSequence(key, done, resumed))
          .setServerTimeMs(clock.getAsLong())).build());
      if (resumed) {
        // Asked again: this connection's token (or the policy) may no longer grant what the
        // session had.
        for (Subscribe sub : new ArrayList<>(s.subscriptions.values())) {
          if (refused(sub.getTopic())) {
            s.subscriptions.remove(sub.getTopic());
          } else {
            subscriptions.put(sub.getTopic(), new Subscription(sub));
          }
        }
        for (TopicPosition p : hello.getPositionsList()) {
          if (s.subscriptions.containsKey(p.getTopic())) replay(p, null);
        }
      } else {
        s.subscriptions.clear();
      }
    }

    /** Returns the call of the application's handler, to run outside the lock, or null. */
    private Runnable onPublish(Publish p) {
      String clientId = session.clientId;
      String key = session.key;
      Refusal refusal = check(p.getTopic(), TopicUse.PUBLISH);
      boolean late = p.getDeadlineMs() != 0 && p.getDeadlineMs() < clock.getAsLong();
      if (p.getDelivery() == DeliveryMode.DELIVERY_MODE_BEST_EFFORT || p.getClientSequence() == 0) {
        if (refusal != null) {
          // Best effort has no sequence to refer to; the topic is what the client can match.
          send(env().setError(Error.newBuilder().setCode(errorCode(refusal)).setMessage(refusal.message())
              .setTopic(p.getTopic())).build());
          return null;
        }
        if (late) {
          metrics.drop(ServerMetrics.Drop.EXPIRED);
          return null;
        }
        if (draining) return null; // best effort: may be dropped
        metrics.publishAccepted(p.getTopic());
        ClientPublish publish = clientPublish(clientId, subject, p);
        return () -> call(publish); // nothing to acknowledge
      }
      long sequence = p.getClientSequence();
      ClientSequences seen = received.computeIfAbsent(key, id -> new ClientSequences());
      ClientSequences done = completed.computeIfAbsent(key, id -> new ClientSequences());
      if (draining && !seen.isSettled(sequence)) {
        // Not taken: the client keeps it and sends it again, to this node's successor.
        send(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_OVERLOADED)
            .setMessage("the server is shutting down").setRetryable(true).setRetryAfterMs(1_000)
            .setClientSequence(sequence)).build());
        return null;
      }
      if (!seen.settle(sequence, config.dedupeWindow())) {
        // A duplicate. Answered again if its handling is over (the first answer may be what was
        // lost); otherwise the answer follows when it is over.
        if (done.isSettled(sequence)) {
          java.util.TreeMap<Long, Error> rejected = rejections.get(key);
          Error rejection = rejected == null ? null : rejected.get(sequence);
          if (rejection != null) send(env().setError(rejection).build());
          ack(done.cumulative, sequence);
        }
        return null;
      }
      if (late) metrics.drop(ServerMetrics.Drop.EXPIRED);
      if (refusal != null || late) {
        completed(key, sequence, refusal == null ? null : refusal.message(),
            refusal == null ? null : errorCode(refusal));
        return null;
      }
      metrics.publishAccepted(p.getTopic());
      ClientPublish publish = clientPublish(clientId, subject, p);
      inFlight++;
      pendingByClient.merge(key, 1, Integer::sum);
      // The completion is handed to the server's timer thread, so that an application completing
      // its stage while holding a lock of its own never meets the engine's lock on that thread.
      return () -> call(publish).whenCompleteAsync((ignored, failure) -> {
        String rejection = null;
        if (failure != null) {
          Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          rejection = cause instanceof PublishHandler.Rejected ? String.valueOf(cause.getMessage())
              : "the server could not apply this publish";
        }
        synchronized (lock) {
          try {
            completed(key, sequence, rejection, ErrorCode.ERROR_CODE_REJECTED);
          } finally {
            pendingByClient.computeIfPresent(key, (id, n) -> n > 1 ? n - 1 : null);
            handlerDone();
          }
        }
      }, timers);
    }

    /** Calls the handler; a handler that throws is a failed stage. */
    private CompletionStage<Void> call(ClientPublish publish) {
      try {
        CompletionStage<Void> stage = publishHandler.onPublish(publish);
        if (stage == null) throw new NullPointerException("PublishHandler returned null");
        return stage;
      } catch (Throwable e) { // an Error too: the publish must still be answered
        return java.util.concurrent.CompletableFuture.failedFuture(e);
      }
    }

    private void ack(long cumulative, long sequence) {
      if (dropAcks) return;
      Envelope ack = env().setPublishAck(PublishAck.newBuilder().setCumulative(cumulative)
          .addSequences(sequence)).build();
      long delay = ackDelayMillis;
      if (delay <= 0) {
        send(ack);
      } else {
        timers.schedule(() -> {
          synchronized (lock) {
            send(ack);
          }
        }, delay, TimeUnit.MILLISECONDS);
      }
    }

    private void onSubscribe(Subscribe sub) {
      if (refused(sub.getTopic())) return; // not recorded: a resumed session does not bring it back
      if (!subscriptions.containsKey(sub.getTopic()) && subscriptions.size() >= maxSubscriptions) {
        send(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_FORBIDDEN)
            .setMessage("at most " + maxSubscriptions + " subscriptions per connection").setRetryable(false)
            .setTopic(sub.getTopic())).build());
        return;
      }
      Subscription s = new Subscription(sub);
      subscriptions.put(sub.getTopic(), s);
      session.subscriptions.put(sub.getTopic(), sub);
      TopicLog log = topic(sub.getTopic());
      if (sub.hasFrom() && sub.getFrom().getEpoch() != 0 && !s.latest) {
        replay(sub.getFrom(), sub);
      } else {
        subscribed(sub, log);
      }
    }

    /** Sends the application's refusal of subscribing to {@code topic}, if it refuses; true then. */
    private boolean refused(String topic) {
      Refusal refusal = check(topic, TopicUse.SUBSCRIBE);
      if (refusal == null) return false;
      send(env().setError(Error.newBuilder().setCode(errorCode(refusal)).setMessage(refusal.message())
          .setRetryable(false).setTopic(topic)).build());
      return true;
    }

    private void subscribed(Subscribe sub, TopicLog log) {
      send(env().setSubscribed(Subscribed.newBuilder().setTopic(sub.getTopic())
          .setRequestId(sub.getRequestId()).setEpoch(log.epoch()).setNextSequence(log.nextSequence())).build());
    }

    /** Replays after {@code from}, or reports a discontinuity and replays what is held. */
    private void replay(TopicPosition from, Subscribe answering) {
      TopicLog log = topic(from.getTopic());
      List<Deliver> replay;
      if (log.canReplayAfter(from.getEpoch(), from.getSequence())) {
        replay = log.after(from.getSequence());
      } else {
        Discontinuity.Reason reason = from.getEpoch() != log.epoch()
            ? Discontinuity.Reason.REASON_EPOCH_CHANGED : Discontinuity.Reason.REASON_HISTORY_TRIMMED;
        metrics.discontinuity(reason == Discontinuity.Reason.REASON_EPOCH_CHANGED ? "epoch_changed" : "history_trimmed");
        send(env().setDiscontinuity(Discontinuity.newBuilder().setTopic(from.getTopic()).setFrom(from)
            .setEpoch(log.epoch()).setNextSequence(log.oldestSequence()).setReason(reason)).build());
        replay = log.all();
      }
      if (answering != null) subscribed(answering, log);
      metrics.replayed(replay.size());
      for (Deliver d : replay) send(env().setDeliver(d).build());
    }

    private void onDeliverAck(List<TopicPosition> positions) {
      for (TopicPosition p : positions) {
        session.acked.put(p.getTopic(), p.getSequence());
        // History every subscribed session has acknowledged is no longer needed for replay.
        long min = Long.MAX_VALUE;
        for (ServerSession s : sessions.values()) {
          if (s.subscriptions.containsKey(p.getTopic())) min = Math.min(min, s.acked.getOrDefault(p.getTopic(), 0L));
        }
        TopicLog log = topic(p.getTopic());
        if (min != Long.MAX_VALUE && min > 0 && p.getEpoch() == log.epoch()) {
          int keep = (int) Math.max(0, Math.min(config.historySize(), log.nextSequence() - 1 - min));
          log.trim(Math.max(keep, 1), Long.MIN_VALUE);
        }
      }
    }

    /** Returns the call of the application's handler, to run outside the lock. */
    private Runnable onRequest(Request r) {
      ClientRequest request = new ClientRequest(session.clientId, subject, r.getMethod(), r.getPayload().toByteArray());
      long id = r.getRequestId();
      if (draining) {
        send(env().setResponse(Response.newBuilder().setRequestId(id).setStatus(Response.Status.STATUS_UNAVAILABLE)
            .setMessage("the server is shutting down")).build());
        return null;
      }
      inFlight++;
      return () -> {
        CompletionStage<Reply> stage;
        try {
          stage = requestHandler.onRequest(request);
          if (stage == null) throw new NullPointerException("RequestHandler returned null");
        } catch (Throwable e) { // an Error too: the request must still be answered
          stage = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        stage.whenCompleteAsync((reply, failure) -> {
          Response response = failure != null || reply == null
              ? Response.newBuilder().setStatus(Response.Status.STATUS_ERROR)
                  .setMessage("the server could not answer " + request.method()).build()
              : response(reply);
          synchronized (lock) {
            try {
              if (!closed) send(env().setResponse(response.toBuilder().setRequestId(id)).build());
            } finally {
              handlerDone();
            }
          }
        }, timers);
      };
    }

    /** Delivers per the subscription's mode: LATEST with a max rate keeps only the newest. */
    private void deliver(Subscription s, Deliver d) {
      if (session == null || stalled) return;
      long now = clock.getAsLong();
      if (s.latest && s.minIntervalMillis > 0 && now - s.lastSentMillis < s.minIntervalMillis) {
        if (s.pending != null) metrics.drop(ServerMetrics.Drop.CONFLATED); // superseded unsent
        s.pending = d;
        if (!s.flushScheduled) {
          s.flushScheduled = true;
          timers.schedule(() -> flush(s), s.minIntervalMillis - (now - s.lastSentMillis), TimeUnit.MILLISECONDS);
        }
        return;
      }
      s.lastSentMillis = now;
      send(env().setDeliver(d).build());
    }

    private void flush(Subscription s) {
      synchronized (lock) {
        s.flushScheduled = false;
        Deliver d = s.pending;
        s.pending = null;
        if (d != null && subscriptions.get(s.topic) == s && !closed) {
          s.lastSentMillis = clock.getAsLong();
          send(env().setDeliver(d).build());
        }
      }
    }

    void send(Envelope e) {
      if (closed || stalled) return;
      if (peer.send(e.toByteArray())) {
        metrics.sent(e);
      } else {
        metrics.drop(ServerMetrics.Drop.SLOW_CONSUMER);
        fail(4008, "slow consumer: " + config.maxOutgoingMessages() + " messages queued");
      }
    }

    private void fail(int code, String reason) {
      if (closed) return;
      closed = true;
      connections.remove(this);
      if (session != null) liveByClient.remove(session.key, this);
      peer.close(code, reason);
    }
  }

  /**
   * Caller holds the lock. What a Welcome tells the client keyed {@code key} the server has:
   * every sequence whose handling is over; for a resumed session (a client that still holds its
   * unacknowledged messages) only up to below its lowest remembered rejection, so that it sends
   * that message again and is answered with the rejection. A client starting a new session gets
   * the whole mark, so that it never reuses a sequence the server has seen.
   */
  private long lastClientSequence(String key, ClientSequences done, boolean resumed) {
    java.util.TreeMap<Long, Error> rejected = rejections.get(key);
    if (!resumed || rejected == null || rejected.isEmpty()) return done.cumulative;
    return Math.min(done.cumulative, rejected.firstKey() - 1);
  }

  /**
   * Starts a graceful shutdown: from now on no connection, publish or request is taken (new
   * publishes get a retryable error, requests UNAVAILABLE, new sockets close 1012).
   */
  public void drain() {
    synchronized (lock) {
      draining = true;
    }
  }

  /** Whether a drain is under way. */
  public boolean isDraining() {
    synchronized (lock) {
      return draining;
    }
  }

  /** Ends a drain: a server started again takes connections, publishes and requests. */
  public void undrain() {
    synchronized (lock) {
      draining = false;
    }
  }

  /** Caller holds the lock. */
  private void handlerDone() {
    if (--inFlight == 0) lock.notifyAll();
  }

  /**
   * Waits until every publish and request handed to the application has been answered (so that
   * its acknowledgement or response has been queued), or until {@code timeoutNanos} have passed.
   * Returns whether none is left.
   */
  public boolean awaitHandlers(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (lock) {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  /**
   * Waits until every socket has closed (its close handshake done, or dropped), or {@code
   * timeoutNanos} have passed; whether none is left.
   */
  public boolean awaitNoConnections(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (lock) {
      while (!sockets.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  /** Closes every connection cleanly with {@code code} and {@code reason}. */
  public void closeAll(int code, String reason) {
    synchronized (lock) {
      for (Connection c : new ArrayList<>(connections)) c.fail(code, reason);
    }
  }

  /**
   * Caller holds the lock. The handling of the publish {@code sequence} of the client keyed
   * {@code clientId} (see {@link Connection#keyOf}) is over:
   * rejected with {@code rejection} (null: accepted). Tells the client on the session's live
   * connection, whichever that is now.
   */
  private void completed(String clientId, long sequence, String rejection, ErrorCode code) {
    ClientSequences done = completed.computeIfAbsent(clientId, id -> new ClientSequences());
    done.settle(sequence, config.dedupeWindow());
    Error error = rejection == null ? null
        : Error.newBuilder().setCode(code).setMessage(rejection).setClientSequence(sequence).build();
    if (error != null) {
      java.util.TreeMap<Long, Error> rejected = rejections.computeIfAbsent(clientId, id -> new java.util.TreeMap<>());
      rejected.put(sequence, error);
      if (rejected.size() > REMEMBERED_REJECTIONS) rejected.pollFirstEntry();
    }
    Connection live = liveByClient.get(clientId);
    // Without a live connection the client is told when it comes back (see lastClientSequence).
    if (live == null || live.closed) return;
    if (error != null) live.send(env().setError(error).build());
    live.ack(done.cumulative, sequence);
  }

  private static ClientPublish clientPublish(String clientId, String subject, Publish p) {
    return new ClientPublish(clientId, subject, p.getTopic(), p.getKey(), p.getPayload().toByteArray(),
        p.getClientSequence());
  }

  private static Response response(Reply reply) {
    Response.Status status = switch (reply.status()) {
      case OK -> Response.Status.STATUS_OK;
      case ERROR -> Response.Status.STATUS_ERROR;
      case NOT_FOUND -> Response.Status.STATUS_NOT_FOUND;
      case INVALID -> Response.Status.STATUS_INVALID;
      case UNAVAILABLE -> Response.Status.STATUS_UNAVAILABLE;
    };
    return Response.newBuilder().setStatus(status).setPayload(ByteString.copyFrom(reply.payload()))
        .setMessage(reply.message()).build();
  }

  private static ErrorCode errorCode(Refusal refusal) {
    return switch (refusal.code()) {
      case UNKNOWN_TOPIC -> ErrorCode.ERROR_CODE_UNKNOWN_TOPIC;
      case FORBIDDEN -> ErrorCode.ERROR_CODE_FORBIDDEN;
    };
  }

  private static Envelope error(ErrorCode code, String message, boolean retryable, int retryAfterMs) {
    return env().setError(Error.newBuilder().setCode(code).setMessage(message).setRetryable(retryable)
        .setRetryAfterMs(retryAfterMs)).build();
  }

  private static Envelope.Builder env() {
    return Envelope.newBuilder().setProtocolVersion(1);
  }
}
