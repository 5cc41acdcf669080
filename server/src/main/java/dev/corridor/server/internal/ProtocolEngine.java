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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Protocol v1, server side, independent of any WebSocket library: sessions and resume tokens,
 * per-topic sequences with epochs and bounded replay history, deduplication of client sequences
 * with acknowledgements, Ping/Pong, Request/Response, errors, inbound rate limits, LATEST
 * conflation by max rate, and slow-consumer handling. The WebSocket server feeds it bytes through
 * {@link Connection}s; the state shared with other nodes (streams, sessions, publish ledgers) is in
 * its {@link Backplane}.
 *
 * <p>Threading: one lock guards this node's protocol state, and sends never block. A connection's
 * messages are handled one at a time on the thread that delivers them; what talks to the backplane
 * (which may block on the network) and the application's handlers run outside the lock. A publish
 * is acknowledged (and counts in a Welcome's {@code last_client_sequence}) only once its handling
 * has completed and the backplane has recorded it.
 */
public final class ProtocolEngine implements ServerFaults, Backplane.Listener {
  /** The socket under one connection, as the engine sees it. */
  public interface Peer {
    /** Queues a binary message; false when the peer's outgoing queue is full (slow consumer). */
    boolean send(byte[] frame);

    /** Starts a clean close. */
    void close(int code, String reason);

    /** Drops the connection at once (no close frame). */
    void disconnect();
  }

  /** How long a client told the store is unavailable waits before trying again. */
  static final int UNAVAILABLE_RETRY_MS = 1_000;
  /** How soon a ledger write that failed is tried again. */
  private static final long STORE_RETRY_MS = 200;

  private final ServerSettings config;
  private final TopicPolicy topicPolicy;
  private final PublishHandler publishHandler;
  private final RequestHandler requestHandler;
  private final ScheduledExecutorService timers;
  private final Executor work;
  private final LongSupplier clock;
  private final int maxSubscriptions;
  private final ServerMetrics metrics;
  private final Backplane backplane;
  private final Object lock;
  private volatile boolean dropAcks;
  private volatile long ackDelayMillis;
  private final SecureRandom tokens = new SecureRandom();

  // Guarded by lock.
  /** Handler stages and ledger writes not completed yet (publishes and requests). */
  private int inFlight;
  /** Set by {@link #drain()}: no new connections, publishes or requests are taken. */
  private boolean draining;
  /** Each client key's connection that said Hello last, while it is open. */
  private final Map<String, Connection> liveByClient = new HashMap<>();
  private final Set<Connection> connections = new LinkedHashSet<>();
  /** Every socket not yet closed, including those whose close the engine has started. */
  private final Set<Connection> sockets = new HashSet<>();
  /** The topics this node's connections subscribe to, and how far it has delivered each. */
  private final Map<String, Tail> tails = new HashMap<>();
  private long sessionCounter;

  /** An engine on its own in-memory backplane; handler completions run on {@code timers}. */
  public ProtocolEngine(ServerSettings config, TopicPolicy topicPolicy, PublishHandler publishHandler,
      RequestHandler requestHandler, ScheduledExecutorService timers, LongSupplier clock) {
    this(config, topicPolicy, publishHandler, requestHandler, timers, clock, new Object());
  }

  private ProtocolEngine(ServerSettings config, TopicPolicy topicPolicy, PublishHandler publishHandler,
      RequestHandler requestHandler, ScheduledExecutorService timers, LongSupplier clock, Object lock) {
    this(config, topicPolicy, publishHandler, requestHandler, timers, timers, clock, 1_000,
        new ServerMetrics(null, ServerMetrics::topicGroup), new InMemoryBackplane(lock, config), lock);
  }

  /**
   * @param lock the engine's lock; an in-memory backplane shares it
   * @param work where handler completions and ledger writes run (they may block on the backplane)
   */
  public ProtocolEngine(ServerSettings config, TopicPolicy topicPolicy, PublishHandler publishHandler,
      RequestHandler requestHandler, ScheduledExecutorService timers, Executor work, LongSupplier clock,
      int maxSubscriptions, ServerMetrics metrics, Backplane backplane, Object lock) {
    this.config = config;
    this.topicPolicy = topicPolicy;
    this.publishHandler = publishHandler;
    this.requestHandler = requestHandler;
    this.timers = timers;
    this.work = work;
    this.clock = clock;
    this.maxSubscriptions = maxSubscriptions;
    this.metrics = metrics;
    this.backplane = backplane;
    this.lock = lock;
    metrics.gauge("corridor.server.connections", "Open connections", this, ProtocolEngine::connectionCount);
    backplane.start(this);
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
  public Connection open(Peer peer, @Nullable TopicGrants grants, String subject) {
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

  /**
   * Appends a message to {@code topic}; every node delivers it to its subscribers. Returns once the
   * backplane has it.
   *
   * @throws Backplane.Unavailable if the backplane cannot be reached
   */
  public void publish(String topic, String key, byte[] payload) {
    backplane.append(topic, key, ByteString.copyFrom(payload), clock.getAsLong());
  }

  /** From the backplane: a message appended to a topic this node watches. */
  @Override
  public void appended(Deliver d) {
    synchronized (lock) {
      Tail t = tails.get(d.getTopic());
      if (t == null) return;
      if (d.getEpoch() != t.epoch) {
        t.epoch = d.getEpoch(); // the stream started again (its store lost it)
        t.cursor = 0;
      }
      if (d.getSequence() <= t.cursor) return; // told twice
      t.cursor = d.getSequence();
      // A copy: a send that finds a slow consumer closes it, which removes it from the set.
      for (Connection c : new ArrayList<>(t.subscribers)) {
        Subscription s = c.subscriptions.get(d.getTopic());
        if (s != null) c.deliver(s, d);
      }
    }
  }

  /** Forgets sessions, client sequences and history: every stream starts a new epoch. */
  @Override
  public void loseState() {
    backplane.loseState();
  }

  /** Cuts every topic's history down to its newest {@code keep} messages. */
  @Override
  public void trimHistories(int keep) {
    backplane.trimHistories(keep);
  }

  /** Stops watching topics this node has no subscriber for any more. */
  public void forgetIdleTopics() {
    synchronized (lock) {
      tails.entrySet().removeIf(e -> {
        if (!e.getValue().subscribers.isEmpty()) return false;
        backplane.unwatch(e.getKey());
        return true;
      });
    }
  }

  /** One watched topic on this node. Guarded by lock. */
  private static final class Tail {
    long epoch;
    /** The last sequence this node has delivered. */
    long cursor;
    final Set<Connection> subscribers = new LinkedHashSet<>();

    Tail(long epoch, long cursor) {
      this.epoch = epoch;
      this.cursor = cursor;
    }
  }

  /** A session as this connection holds it: resume token, client id, key, subscriptions. */
  private static final class ServerSession {
    final String token;
    final String clientId;
    /** What per-client state is keyed by: the client id, within the token's subject if any. */
    final String key;
    final Map<String, Subscribe> subscriptions = new LinkedHashMap<>();

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
    /** While its replay is read: what the tail delivered meanwhile, sent after the replay. */
    List<Deliver> held;

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
    /** A Hello is being answered (its backplane reads are under way). */
    private boolean greeting;
    private boolean closed;
    /** Chaos: neither reads nor writes (a half-open link). */
    private volatile boolean stalled;
    private double tokensLeft = config.maxInboundPerSecond() * 2.0;
    private long lastRefillMillis = clock.getAsLong();

    /** What the connection's token grants; null when it restricts nothing. */
    private final @Nullable TopicGrants grants;

    /** The token's subject, or "" without a token. */
    private final String subject;

    Connection(Peer peer, @Nullable TopicGrants grants, String subject) {
      this.peer = peer;
      this.grants = grants;
      this.subject = subject;
    }

    /** The per-client key for {@code clientId} on this connection. */
    private String keyOf(String clientId) {
      return subject.isEmpty() ? clientId : subject + '\u0000' + clientId;
    }

    /** The token's verdict first, then the application's. */
    private @Nullable Refusal check(String clientId, String topic, TopicUse use) {
      if (grants != null && !grants.allows(topic, use)) {
        return Refusal.forbidden("your token does not permit " + (use == TopicUse.SUBSCRIBE
            ? "subscribing to " : "publishing to ") + topic);
      }
      return topicPolicy.check(clientId, topic, use);
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

    /**
     * A binary message from the client. The caller delivers one connection's messages one at a
     * time; this returns once the message has been handled (a publish: handed to the handler).
     */
    public void onMessage(byte[] bytes) {
      if (stalled) return;
      Runnable outsideTheLock;
      synchronized (lock) {
        outsideTheLock = handle(bytes);
      }
      if (outsideTheLock == null) return;
      try {
        outsideTheLock.run();
      } catch (Backplane.Unavailable e) {
        synchronized (lock) {
          unavailable();
        }
      }
    }

    /** The store is out of reach: this client is told to come back later. Caller holds the lock. */
    private void unavailable() {
      metrics.drop(ServerMetrics.Drop.UNAVAILABLE);
      send(error(ErrorCode.ERROR_CODE_OVERLOADED, "the server's store is unavailable", true, UNAVAILABLE_RETRY_MS));
      fail(1013, "try again later; retry-after=1");
    }

    /** Handles one message under the lock; returns what must run after it is released, or null. */
    private @Nullable Runnable handle(byte[] bytes) {
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
        case HELLO -> {
          return onHello(e.getHello());
        }
        case PUBLISH -> {
          return onPublish(e.getPublish());
        }
        case SUBSCRIBE -> {
          return onSubscribe(e.getSubscribe());
        }
        case UNSUBSCRIBE -> {
          String topic = e.getUnsubscribe().getTopic();
          detach(topic);
          session.subscriptions.remove(topic);
          String token = session.token;
          return () -> backplane.unsubscribed(token, topic);
        }
        case REPLAY_REQUEST -> {
          TopicPosition from = e.getReplayRequest().getFrom();
          if (refused(from.getTopic())) return null;
          return () -> replay(from);
        }
        case DELIVER_ACK -> { } // history is bounded by count and age, not by what was acknowledged
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
        forget();
        if (sockets.remove(this) && sockets.isEmpty()) lock.notifyAll();
      }
    }

    /** Caller holds the lock: this connection takes no more part. */
    private void forget() {
      connections.remove(this);
      if (session != null) liveByClient.remove(session.key, this);
      for (String topic : subscriptions.keySet()) {
        Tail t = tails.get(topic);
        if (t != null) t.subscribers.remove(this);
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

    private @Nullable Runnable onHello(Hello hello) {
      if (session != null || greeting) {
        send(error(ErrorCode.ERROR_CODE_PROTOCOL, "second Hello", false, 0));
        return null;
      }
      if (hello.getClientId().isEmpty()) {
        send(error(ErrorCode.ERROR_CODE_PROTOCOL, "client_id required", false, 0));
        fail(1002, "client_id required");
        return null;
      }
      greeting = true;
      String clientId = hello.getClientId();
      String key = keyOf(clientId);
      String offered = hello.getResumeToken().toStringUtf8();
      return () -> {
        Backplane.Ledger ledger = backplane.ledger(key);
        if (ledger.pending()) {
          // Its earlier publishes are still being applied (here or on another node): the Welcome's
          // last_client_sequence could not yet say which of them the server has.
          synchronized (lock) {
            send(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_OVERLOADED)
                .setMessage("this client's publishes are still being applied").setRetryable(true)
                .setRetryAfterMs(1_000)).build());
            fail(1013, "try again later; retry-after=1");
          }
          return;
        }
        Backplane.StoredSession stored = offered.isEmpty() ? null : backplane.session(offered);
        boolean resumed = stored != null && stored.clientKey().equals(key);
        String token = resumed ? offered : newToken();
        if (!resumed) backplane.createSession(token, key);
        List<Subscribe> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        synchronized (lock) {
          if (closed) return;
          ServerSession s = new ServerSession(token, clientId, key);
          Connection before = liveByClient.put(key, this);
          if (before != null && before != this && before.session != null && before.session.token.equals(token)) {
            before.fail(1008, "session taken over by a newer connection");
          }
          session = s;
          greeting = false;
          long last = ledger.cumulative();
          // A resumed session (a client that still holds its unacknowledged messages) is told only
          // up to below its lowest remembered rejection, so that it sends that message again and is
          // answered with the rejection. A new session gets the whole mark, so that a restarted
          // client never reuses a sequence the server has seen.
          if (resumed && ledger.lowestRejection() > 0) last = Math.min(last, ledger.lowestRejection() - 1);
          send(env().setWelcome(Welcome.newBuilder()
              .setSessionId("s" + (++sessionCounter))
              .setResumeToken(ByteString.copyFromUtf8(token))
              .setResumed(resumed)
              .setHeartbeatIntervalMs(config.heartbeatHintMillis())
              .setMaxMessageBytes(config.maxMessageBytes())
              // Fewer than the rate limit's burst, so a reconnecting client's resend is never refused.
              .setMaxInflight(Math.max(1, Math.min(1_000, config.maxInboundPerSecond())))
              .setLastClientSequence(last)
              .setServerTimeMs(clock.getAsLong())).build());
          if (resumed) {
            // Asked again: this connection's token (or the policy) may no longer grant what the
            // session had.
            for (Subscribe sub : stored.subscriptions().values()) {
              if (refused(sub.getTopic())) {
                dropped.add(sub.getTopic());
              } else {
                s.subscriptions.put(sub.getTopic(), sub);
                kept.add(sub);
              }
            }
          }
        }
        for (String topic : dropped) backplane.unsubscribed(token, topic);
        Map<String, TopicPosition> positions = new HashMap<>();
        for (TopicPosition p : hello.getPositionsList()) positions.put(p.getTopic(), p);
        for (Subscribe sub : kept) {
          attach(sub, positions.get(sub.getTopic()), false);
        }
      };
    }

    /** Returns the publish's handling, to run outside the lock, or null. */
    private @Nullable Runnable onPublish(Publish p) {
      String clientId = session.clientId;
      String key = session.key;
      Refusal refusal = check(clientId, p.getTopic(), TopicUse.PUBLISH);
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
        if (publishHandler == PublishHandler.APPEND_TO_TOPIC) {
          return () -> publish(p.getTopic(), p.getKey(), p.getPayload().toByteArray());
        }
        ClientPublish publish = clientPublish(clientId, subject, p);
        return () -> call(publish); // nothing to acknowledge
      }
      long sequence = p.getClientSequence();
      if (draining) {
        // Not taken: the client keeps it and sends it again, to this node's successor.
        send(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_OVERLOADED)
            .setMessage("the server is shutting down").setRetryable(true).setRetryAfterMs(1_000)
            .setClientSequence(sequence)).build());
        return null;
      }
      inFlight++;
      return publishTask(p, clientId, key, refusal, late);
    }

    /** The handling of an acknowledged publish, counted in flight already; ends the count unless handed over. */
    private Runnable publishTask(Publish p, String clientId, String key, @Nullable Refusal refusal, boolean late) {
      long sequence = p.getClientSequence();
      return () -> {
        boolean handedOver = false;
        boolean open;
        synchronized (lock) {
          open = !closed;
        }
        try {
          handedOver = open && handle(p, clientId, key, refusal, late);
        } catch (Backplane.Unavailable e) {
          synchronized (lock) {
            metrics.drop(ServerMetrics.Drop.UNAVAILABLE);
            // Not stored, not acknowledged: the client keeps it and sends it again later.
            send(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_OVERLOADED)
                .setMessage("the server's store is unavailable").setRetryable(true)
                .setRetryAfterMs(UNAVAILABLE_RETRY_MS).setClientSequence(sequence)).build());
          }
        } finally {
          if (!handedOver) {
            synchronized (lock) {
              handlerDone();
            }
          }
        }
      };
    }

    /**
     * Claims the publish in the ledger and handles it. Returns true if its completion was handed to
     * the application's stage (which then ends the in-flight count).
     */
    private boolean handle(Publish p, String clientId, String key, @Nullable Refusal refusal, boolean late) {
      long sequence = p.getClientSequence();
      Backplane.Claim claim = backplane.claim(key, sequence);
      switch (claim.state()) {
        case SETTLED -> {
          // A duplicate whose handling is over: answered again (the first answer may be what was lost).
          synchronized (lock) {
            if (claim.rejection() != null) send(env().setError(claim.rejection()).build());
            ack(claim.cumulative(), sequence);
          }
          return false;
        }
        case PENDING -> {
          if (claim.elsewhere()) {
            // Another node is handling it and will tell the client's connection there, not this
            // one: look again shortly, until it is settled (or its node is gone and it is ours).
            synchronized (lock) {
              if (closed) return false;
              inFlight++;
            }
            timers.schedule(() -> work.execute(() -> publishTask(p, clientId, key, refusal, late).run()),
                STORE_RETRY_MS, TimeUnit.MILLISECONDS);
          }
          return false; // answered when its handling is over
        }
        case NEW -> { }
      }
      if (refusal != null || late) {
        if (late) metrics.drop(ServerMetrics.Drop.EXPIRED);
        Error rejection = refusal == null ? null : Error.newBuilder().setCode(errorCode(refusal))
            .setMessage(refusal.message()).setClientSequence(sequence).build();
        settle(key, sequence, rejection, false);
        return false;
      }
      metrics.publishAccepted(p.getTopic());
      if (publishHandler == PublishHandler.APPEND_TO_TOPIC) {
        long cumulative;
        try {
          cumulative = backplane.appendAndComplete(key, sequence, p.getTopic(), p.getKey(), p.getPayload(),
              clock.getAsLong());
        } catch (Backplane.Unavailable e) {
          releaseLater(key, sequence, claim.token());
          throw e;
        }
        synchronized (lock) {
          completed(key, sequence, null, cumulative);
        }
        return false;
      }
      ClientPublish publish = clientPublish(clientId, subject, p);
      // The completion runs on the server's work threads, so that an application completing its
      // stage while holding a lock of its own never meets the engine's lock (or the store) on its thread.
      call(publish).whenCompleteAsync((ignored, failure) -> {
        Error rejection = null;
        if (failure != null) {
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          String reason = cause instanceof PublishHandler.Rejected ? String.valueOf(cause.getMessage())
              : "the server could not apply this publish";
          rejection = Error.newBuilder().setCode(ErrorCode.ERROR_CODE_REJECTED).setMessage(reason)
              .setClientSequence(sequence).build();
        }
        settle(key, sequence, rejection, true);
      }, work);
      return true;
    }

    /** Calls the handler; a handler that throws is a failed stage. */
    private CompletionStage<Void> call(ClientPublish publish) {
      try {
        CompletionStage<Void> stage = publishHandler.onPublish(publish);
        if (stage == null) throw new NullPointerException("PublishHandler returned null");
        return stage;
      } catch (Throwable e) { // an Error too: the publish must still be answered
        return CompletableFuture.failedFuture(e);
      }
    }

    void ack(long cumulative, long sequence) {
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

    private @Nullable Runnable onSubscribe(Subscribe sub) {
      if (refused(sub.getTopic())) return null; // not recorded: a resumed session does not bring it back
      if (!subscriptions.containsKey(sub.getTopic()) && subscriptions.size() >= maxSubscriptions) {
        send(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_FORBIDDEN)
            .setMessage("at most " + maxSubscriptions + " subscriptions per connection").setRetryable(false)
            .setTopic(sub.getTopic())).build());
        return null;
      }
      session.subscriptions.put(sub.getTopic(), sub);
      String token = session.token;
      boolean replays = sub.hasFrom() && sub.getFrom().getEpoch() != 0
          && sub.getMode() != SubscriptionMode.SUBSCRIPTION_MODE_LATEST;
      return () -> {
        backplane.subscribed(token, sub);
        attach(sub, replays ? sub.getFrom() : null, true);
      };
    }

    /**
     * Outside the lock: makes this connection a subscriber of {@code sub}'s topic from where this
     * node has delivered it, after replaying what followed {@code from} (null: no replay), and
     * answers with Subscribed if {@code answer}. While the history is read, what the tail delivers
     * is held back and sent after the replay, so that nothing falls between the two.
     */
    private void attach(Subscribe sub, @Nullable TopicPosition from, boolean answer) {
      String topic = sub.getTopic();
      Subscription s = new Subscription(sub);
      long joinedAt;
      long joinedEpoch;
      while (true) {
        boolean watched;
        synchronized (lock) {
          watched = tails.containsKey(topic);
        }
        Backplane.Position position = watched ? null : backplane.position(topic);
        synchronized (lock) {
          if (closed) return;
          Tail t = tails.get(topic);
          if (t == null) {
            if (position == null) continue; // forgotten meanwhile: look again
            t = new Tail(position.epoch(), position.nextSequence() - 1);
            tails.put(topic, t);
            backplane.watch(topic, t.epoch, t.cursor);
          }
          if (from != null) s.held = new ArrayList<>();
          subscriptions.put(topic, s);
          t.subscribers.add(this);
          if (from == null) {
            if (answer) subscribed(sub, t.epoch, t.cursor + 1);
            return;
          }
          joinedAt = t.cursor;
          joinedEpoch = t.epoch;
        }
        break;
      }
      // Read after joining: it holds everything up to joinedAt, which the tail had already seen.
      Backplane.History history = backplane.read(topic, from.getEpoch(), from.getSequence());
      synchronized (lock) {
        if (closed || subscriptions.get(topic) != s) return;
        replayed(from, history, history.position().epoch() == joinedEpoch ? joinedAt : Long.MAX_VALUE,
            answer ? sub : null);
        List<Deliver> held = s.held;
        s.held = null;
        for (Deliver d : held) deliver(s, d);
      }
    }

    /** A ReplayRequest: what followed {@code from}, or a discontinuity and what is held. */
    private void replay(TopicPosition from) {
      Backplane.History history = backplane.read(from.getTopic(), from.getEpoch(), from.getSequence());
      synchronized (lock) {
        Tail t = tails.get(from.getTopic());
        long upTo = t != null && t.epoch == history.position().epoch() ? t.cursor : Long.MAX_VALUE;
        replayed(from, history, upTo, null);
      }
    }

    /** Caller holds the lock. Sends the replay of {@code history} up to {@code upTo}. */
    private void replayed(TopicPosition from, Backplane.History history, long upTo, @Nullable Subscribe answering) {
      Backplane.Position at = history.position();
      if (!history.continuous()) {
        Discontinuity.Reason reason = from.getEpoch() != at.epoch()
            ? Discontinuity.Reason.REASON_EPOCH_CHANGED : Discontinuity.Reason.REASON_HISTORY_TRIMMED;
        metrics.discontinuity(reason == Discontinuity.Reason.REASON_EPOCH_CHANGED ? "epoch_changed" : "history_trimmed");
        send(env().setDiscontinuity(Discontinuity.newBuilder().setTopic(from.getTopic()).setFrom(from)
            .setEpoch(at.epoch()).setNextSequence(at.oldestSequence()).setReason(reason)).build());
      }
      long next = upTo == Long.MAX_VALUE ? at.nextSequence() : upTo + 1;
      if (answering != null) subscribed(answering, at.epoch(), next);
      int sent = 0;
      for (Deliver d : history.messages()) {
        if (d.getSequence() >= next) break;
        send(env().setDeliver(d.toBuilder().setReplay(true)).build());
        sent++;
      }
      metrics.replayed(sent);
    }

    /** Sends the application's refusal of subscribing to {@code topic}, if it refuses; true then. */
    private boolean refused(String topic) {
      Refusal refusal = check(session.clientId, topic, TopicUse.SUBSCRIBE);
      if (refusal == null) return false;
      send(env().setError(Error.newBuilder().setCode(errorCode(refusal)).setMessage(refusal.message())
          .setRetryable(false).setTopic(topic)).build());
      return true;
    }

    private void subscribed(Subscribe sub, long epoch, long nextSequence) {
      send(env().setSubscribed(Subscribed.newBuilder().setTopic(sub.getTopic())
          .setRequestId(sub.getRequestId()).setEpoch(epoch).setNextSequence(nextSequence)).build());
    }

    /** Caller holds the lock. */
    private void detach(String topic) {
      subscriptions.remove(topic);
      Tail t = tails.get(topic);
      if (t != null) t.subscribers.remove(this);
    }

    /** Returns the call of the application's handler, to run outside the lock. */
    private @Nullable Runnable onRequest(Request r) {
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
          stage = CompletableFuture.failedFuture(e);
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
        }, work);
      };
    }

    /** Delivers per the subscription's mode: LATEST with a max rate keeps only the newest. */
    private void deliver(Subscription s, Deliver d) {
      if (session == null || stalled) return;
      if (s.held != null) {
        if (s.held.size() >= config.maxOutgoingMessages()) {
          metrics.drop(ServerMetrics.Drop.SLOW_CONSUMER);
          fail(4008, "slow consumer: " + config.maxOutgoingMessages() + " messages queued");
        } else {
          s.held.add(d);
        }
        return;
      }
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
      forget();
      peer.close(code, reason);
    }
  }

  /**
   * Records the end of a claimed publish's handling in the ledger, then tells the client. A write
   * the store refuses is tried again until it succeeds: the publish's effect has happened, so its
   * record must follow. Ends the in-flight count if {@code counted}.
   */
  private void settle(String key, long sequence, @Nullable Error rejection, boolean counted) {
    long cumulative;
    try {
      cumulative = backplane.complete(key, sequence, rejection);
    } catch (Backplane.Unavailable e) {
      metrics.drop(ServerMetrics.Drop.UNAVAILABLE);
      timers.schedule(() -> work.execute(() -> settle(key, sequence, rejection, counted)),
          STORE_RETRY_MS, TimeUnit.MILLISECONDS);
      return;
    } catch (RuntimeException e) {
      if (counted) {
        synchronized (lock) {
          handlerDone();
        }
      }
      throw e;
    }
    synchronized (lock) {
      try {
        completed(key, sequence, rejection, cumulative);
      } finally {
        if (counted) handlerDone();
      }
    }
  }

  /** Gives a claim back once the store answers again, so that the client's resend is taken afresh. */
  private void releaseLater(String key, long sequence, String token) {
    timers.schedule(() -> work.execute(() -> {
      try {
        backplane.release(key, sequence, token);
      } catch (Backplane.Unavailable e) {
        releaseLater(key, sequence, token);
      }
    }), STORE_RETRY_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Caller holds the lock. The handling of the publish {@code sequence} of the client keyed {@code
   * key} is over and recorded: rejected with {@code rejection} (null: accepted). Tells the client on
   * its live connection on this node, if any; otherwise it learns from its next Welcome.
   */
  private void completed(String key, long sequence, @Nullable Error rejection, long cumulative) {
    Connection live = liveByClient.get(key);
    if (live == null || live.closed) return;
    if (rejection != null) live.send(env().setError(rejection).build());
    live.ack(cumulative, sequence);
  }

  private String newToken() {
    byte[] raw = new byte[18];
    tokens.nextBytes(raw);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
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
