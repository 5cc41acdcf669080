package dev.corridor.sample.server;

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
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Protocol v1, server side, independent of any WebSocket library: sessions and resume tokens,
 * per-topic sequences with epochs and bounded replay history, deduplication of client sequences
 * with acknowledgements, Ping/Pong, Request/Response, errors, inbound rate limits, LATEST
 * conflation by max rate, and slow-consumer handling. The WebSocket server feeds it bytes through
 * {@link Connection}s. Thread-safe: one lock guards all state; sends never block.
 */
public final class ProtocolEngine {
  /** The socket under one connection, as the engine sees it. */
  public interface Peer {
    /** Queues a binary message; false when the peer's outgoing queue is full (slow consumer). */
    boolean send(byte[] frame);

    /** Starts a clean close. */
    void close(int code, String reason);

    /** Drops the connection at once (no close frame). */
    void disconnect();
  }

  /** What a client wants to do with a topic. */
  public enum TopicUse {
    /** Subscribe to it (or ask for a replay of it). */
    SUBSCRIBE,
    /** Publish to it. */
    PUBLISH
  }

  /**
   * Why the application refuses a topic: the Error sent back (with {@code ref.topic} for a
   * Subscribe, {@code ref.client_sequence} for a Publish), never retryable.
   */
  public record Refusal(ErrorCode code, String message) {
    /** {@code ERROR_CODE_UNKNOWN_TOPIC}, "unknown topic: TOPIC" followed by {@code hint} if any. */
    public static Refusal unknownTopic(String topic, String hint) {
      return new Refusal(ErrorCode.ERROR_CODE_UNKNOWN_TOPIC,
          "unknown topic: " + topic + (hint.isEmpty() ? "" : " (" + hint + ")"));
    }

    /** {@code ERROR_CODE_FORBIDDEN} with {@code message}. */
    public static Refusal forbidden(String message) {
      return new Refusal(ErrorCode.ERROR_CODE_FORBIDDEN, message);
    }
  }

  /** What the application behind the feed does with client messages. */
  public interface Application {
    /** Applies a publish; returns null to accept it, or an error message to reject it. */
    String onPublish(String clientId, Publish publish);

    /** Answers a request; null for an unknown method. */
    Response onRequest(String clientId, Request request);

    /**
     * Whether {@code clientId} may use {@code topic} so: null accepts, a {@link Refusal} refuses
     * with its code and message. Asked before every Subscribe, ReplayRequest and Publish (before
     * {@link #onPublish}). The default accepts every topic, for applications without a fixed set.
     */
    default Refusal checkTopic(String clientId, String topic, TopicUse use) {
      return null;
    }
  }

  /** Faults the chaos controller may switch on. Read under the engine's lock. */
  public static final class Faults {
    public volatile boolean dropAcks;
    public volatile long ackDelayMillis;
  }

  private final ServerConfig config;
  private final Application application;
  private final ScheduledExecutorService timers;
  private final LongSupplier clock;
  private final Faults faults = new Faults();
  private final SecureRandom tokens = new SecureRandom();
  private final Object lock = new Object();

  // Guarded by lock.
  private final Map<String, TopicLog> topics = new HashMap<>();
  private final Map<String, ServerSession> sessions = new HashMap<>();
  private final Map<String, ClientSequences> clients = new HashMap<>();
  private final Set<Connection> connections = new LinkedHashSet<>();
  private long epochBase = 1;
  private long sessionCounter;

  public ProtocolEngine(ServerConfig config, Application application, ScheduledExecutorService timers,
      LongSupplier clock) {
    this.config = config;
    this.application = application;
    this.timers = timers;
    this.clock = clock;
  }

  public Faults faults() {
    return faults;
  }

  /** A new socket. It must say Hello first. */
  public Connection open(Peer peer) {
    Connection c = new Connection(peer);
    synchronized (lock) {
      if (connections.size() >= config.maxConnections()) {
        c.send(error(ErrorCode.ERROR_CODE_OVERLOADED, "too many connections", true, 2_000));
        peer.close(1013, "overloaded; retry-after=2");
        c.closed = true;
        return c;
      }
      connections.add(c);
    }
    return c;
  }

  public int connectionCount() {
    synchronized (lock) {
      return connections.size();
    }
  }

  /** Snapshot of the open connections (for chaos). */
  public List<Connection> connections() {
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
      for (Connection c : connections) {
        Subscription s = c.subscriptions.get(topic);
        if (s != null) c.deliver(s, d);
      }
    }
  }

  /** Forgets sessions, client sequences and history: every stream starts a new epoch. */
  public void loseState() {
    synchronized (lock) {
      sessions.clear();
      clients.clear();
      epochBase++;
      for (TopicLog log : topics.values()) log.newEpoch(epochBase);
    }
  }

  /** Cuts every topic's history down to its newest {@code keep} messages. */
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
    final Map<String, Subscribe> subscriptions = new HashMap<>();
    final Map<String, Long> acked = new HashMap<>();
    Connection live;

    ServerSession(String token, String clientId) {
      this.token = token;
      this.clientId = clientId;
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
  public final class Connection {
    private final Peer peer;
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private ServerSession session;
    private boolean closed;
    /** Chaos: neither reads nor writes (a half-open link). */
    private volatile boolean stalled;
    private double tokensLeft = config.maxInboundPerSecond() * 2.0;
    private long lastRefillMillis = clock.getAsLong();

    Connection(Peer peer) {
      this.peer = peer;
    }

    public void stall() {
      stalled = true;
    }

    public boolean isStalled() {
      return stalled;
    }

    public void disconnect() {
      peer.disconnect();
    }

    /** A binary message from the client. */
    public void onMessage(byte[] bytes) {
      if (stalled) return;
      synchronized (lock) {
        if (closed) return;
        boolean withinRate = takeToken();
        Envelope e;
        try {
          e = Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException ex) {
          send(error(ErrorCode.ERROR_CODE_PROTOCOL, "malformed envelope", false, 0));
          fail(1002, "malformed envelope");
          return;
        }
        if (e.getProtocolVersion() != 1) {
          send(error(ErrorCode.ERROR_CODE_UNSUPPORTED_VERSION, "protocol version 1 only", false, 0));
          fail(1002, "unsupported version");
          return;
        }
        if (!withinRate) {
          if (e.hasPublish() && e.getPublish().getClientSequence() > 0 && session != null) {
            // Refuse just this publish, retryably: the client keeps it and resends it later.
            send(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_RATE_LIMITED)
                .setMessage("over " + config.maxInboundPerSecond() + " messages/s").setRetryable(true)
                .setRetryAfterMs(1_000).setClientSequence(e.getPublish().getClientSequence())).build());
          } else {
            fail(4029, "rate limited; retry-after=1");
          }
          return;
        }
        if (session == null && !e.hasHello()) {
          send(error(ErrorCode.ERROR_CODE_PROTOCOL, "Hello expected first", false, 0));
          fail(1002, "Hello expected first");
          return;
        }
        switch (e.getKindCase()) {
          case HELLO -> onHello(e.getHello());
          case PUBLISH -> onPublish(e.getPublish());
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
          case REQUEST -> onRequest(e.getRequest());
          default -> send(error(ErrorCode.ERROR_CODE_PROTOCOL, "unexpected " + e.getKindCase(), false, 0));
        }
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
      ServerSession s = sessions.get(hello.getResumeToken().toStringUtf8());
      boolean resumed = s != null && s.clientId.equals(hello.getClientId());
      if (!resumed) {
        byte[] raw = new byte[18];
        tokens.nextBytes(raw);
        s = new ServerSession(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw),
            hello.getClientId());
        sessions.put(s.token, s);
      }
      if (s.live != null && s.live != this) {
        s.live.fail(1008, "session taken over by a newer connection");
      }
      s.live = this;
      session = s;
      ClientSequences seqs = clients.computeIfAbsent(hello.getClientId(), id -> new ClientSequences());
      send(env().setWelcome(Welcome.newBuilder()
          .setSessionId("s" + (++sessionCounter))
          .setResumeToken(ByteString.copyFromUtf8(s.token))
          .setResumed(resumed)
          .setHeartbeatIntervalMs(config.heartbeatHintMillis())
          .setMaxMessageBytes(config.maxMessageBytes())
          // Fewer than the rate limit's burst, so a reconnecting client's resend is never refused.
          .setMaxInflight(Math.max(1, Math.min(1_000, config.maxInboundPerSecond())))
          .setLastClientSequence(seqs.cumulative)
          .setServerTimeMs(clock.getAsLong())).build());
      if (resumed) {
        for (Subscribe sub : s.subscriptions.values()) subscriptions.put(sub.getTopic(), new Subscription(sub));
        for (TopicPosition p : hello.getPositionsList()) {
          if (s.subscriptions.containsKey(p.getTopic())) replay(p, null);
        }
      } else {
        s.subscriptions.clear();
      }
    }

    private void onPublish(Publish p) {
      String clientId = session.clientId;
      Refusal refusal = application.checkTopic(clientId, p.getTopic(), TopicUse.PUBLISH);
      if (p.getDelivery() == DeliveryMode.DELIVERY_MODE_BEST_EFFORT || p.getClientSequence() == 0) {
        if (refusal != null) {
          // Best effort has no sequence to refer to; the topic is what the client can match.
          send(env().setError(Error.newBuilder().setCode(refusal.code()).setMessage(refusal.message())
              .setTopic(p.getTopic())).build());
        } else if (p.getDeadlineMs() == 0 || p.getDeadlineMs() >= clock.getAsLong()) {
          application.onPublish(clientId, p);
        }
        return;
      }
      ClientSequences seqs = clients.computeIfAbsent(clientId, id -> new ClientSequences());
      if (seqs.settle(p.getClientSequence(), config.dedupeWindow())) {
        boolean late = p.getDeadlineMs() != 0 && p.getDeadlineMs() < clock.getAsLong();
        if (refusal == null && !late) {
          String rejection = application.onPublish(clientId, p);
          if (rejection != null) refusal = new Refusal(ErrorCode.ERROR_CODE_REJECTED, rejection);
        }
        if (refusal != null) {
          send(env().setError(Error.newBuilder().setCode(refusal.code())
              .setMessage(refusal.message()).setClientSequence(p.getClientSequence())).build());
        }
      }
      // Duplicates are acknowledged again: the first ack may be what was lost.
      ack(seqs.cumulative, p.getClientSequence());
    }

    private void ack(long cumulative, long sequence) {
      if (faults.dropAcks) return;
      Envelope ack = env().setPublishAck(PublishAck.newBuilder().setCumulative(cumulative)
          .addSequences(sequence)).build();
      long delay = faults.ackDelayMillis;
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
      Refusal refusal = application.checkTopic(session.clientId, topic, TopicUse.SUBSCRIBE);
      if (refusal == null) return false;
      send(env().setError(Error.newBuilder().setCode(refusal.code()).setMessage(refusal.message())
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
        send(env().setDiscontinuity(Discontinuity.newBuilder().setTopic(from.getTopic()).setFrom(from)
            .setEpoch(log.epoch()).setNextSequence(log.oldestSequence()).setReason(reason)).build());
        replay = log.all();
      }
      if (answering != null) subscribed(answering, log);
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

    private void onRequest(Request r) {
      Response response = application.onRequest(session.clientId, r);
      if (response == null) {
        response = Response.newBuilder().setStatus(Response.Status.STATUS_NOT_FOUND)
            .setMessage("unknown method " + r.getMethod()).build();
      }
      send(env().setResponse(response.toBuilder().setRequestId(r.getRequestId())).build());
    }

    /** Delivers per the subscription's mode: LATEST with a max rate keeps only the newest. */
    private void deliver(Subscription s, Deliver d) {
      if (session == null || stalled) return;
      long now = clock.getAsLong();
      if (s.latest && s.minIntervalMillis > 0 && now - s.lastSentMillis < s.minIntervalMillis) {
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
      send(e.toByteArray());
    }

    private void send(byte[] frame) {
      if (closed || stalled) return;
      if (!peer.send(frame)) fail(4008, "slow consumer: " + config.maxOutgoingMessages() + " messages queued");
    }

    private void fail(int code, String reason) {
      if (closed) return;
      closed = true;
      connections.remove(this);
      peer.close(code, reason);
    }
  }

  private static Envelope error(ErrorCode code, String message, boolean retryable, int retryAfterMs) {
    return env().setError(Error.newBuilder().setCode(code).setMessage(message).setRetryable(retryable)
        .setRetryAfterMs(retryAfterMs)).build();
  }

  private static Envelope.Builder env() {
    return Envelope.newBuilder().setProtocolVersion(1);
  }
}
