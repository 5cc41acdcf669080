package dev.corridor.fakes;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.fakes.FakeTransport.FakeSocket;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Discontinuity;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Pong;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.PublishAck;
import dev.corridor.proto.v1.Response;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.Subscribed;
import dev.corridor.proto.v1.TopicPosition;
import dev.corridor.proto.v1.Welcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * A protocol v1 server over {@link FakeTransport}, with fault hooks, for virtual-time tests. By
 * default it accepts every upgrade with {@code corridor.v1}, answers Hello with Welcome, Ping with
 * Pong and Request with an echo, acknowledges publishes at once (deduplicating by client
 * sequence), keeps sessions across connections, and serves topic streams with a replay history.
 * Everything happens synchronously, in the same virtual instant.
 */
public final class FakeServer {
  public final FakeTransport transport = new FakeTransport();
  /** Whether to accept the upgrade automatically. */
  public boolean autoAccept = true;
  /** Whether a Subscribe is answered at all (false: it is lost, as if the link dropped first). */
  public boolean answerSubscribes = true;
  /** Subscriptions refused with these Errors (topic already set), by topic. */
  public final Map<String, Error> refusedTopics = new HashMap<>();

  /** Refuses subscriptions to {@code topic} from now on. */
  public void refuseTopic(String topic, ErrorCode code, String message, boolean retryable) {
    refusedTopics.put(topic, Error.newBuilder().setCode(code).setMessage(message).setRetryable(retryable)
        .setTopic(topic).build());
  }

  /** Refuses every new connection at once, as a server that is down does. */
  public boolean refusing;
  /** Endpoints (URLs) that refuse new connections, as nodes that are down do. */
  public final Set<String> downEndpoints = new HashSet<>();
  /** Whether to answer Hello with Welcome automatically. */
  public boolean autoWelcome = true;
  /** Whether to answer Ping with Pong automatically. */
  public boolean autoPong = true;
  /** Whether to acknowledge accepted publishes at once. */
  public boolean autoAck = true;
  /** Whether to answer requests (with their payload echoed). */
  public boolean autoRespond = true;
  /** Whether a Hello's resume token restores its session (false: every session is new). */
  public boolean keepSessions = true;
  public int heartbeatHintMs;
  public int maxMessageBytes;
  public int maxInflight;
  /** Fault: drops the link (reset) right after receiving a publish for which this returns true. */
  public IntPredicate dropAfterPublish = n -> false;
  /** Fault: a half-open link; what the client sends is recorded but never processed. */
  public boolean blackhole;
  /** Whether the Welcome carries the cumulative ack (false: the client must resend to learn it). */
  public boolean cumulativeInWelcome = true;
  /** Fault: client sequences to reject with a non-retryable Error. */
  public final Set<Long> rejectSequences = new HashSet<>();

  /** Every envelope received, in order. */
  public final List<Envelope> received = new ArrayList<>();
  /** Wall-clock time at which each of {@link #received} arrived, by {@link #clock}. */
  public final List<Long> receivedAtMillis = new ArrayList<>();
  /** The server's clock (the harness gives it the fake time). */
  public java.util.function.LongSupplier clock = () -> 0L;
  /** Acknowledged publishes accepted, in order of acceptance: exactly once each. */
  public final List<Publish> accepted = new ArrayList<>();
  /** Best-effort publishes received. */
  public final List<Publish> bestEffort = new ArrayList<>();
  /** Acknowledged publishes received again (deduplicated, not accepted twice). */
  public int duplicatePublishes;
  /** Highest sequence such that every sequence up to it was accepted. */
  public long cumulative;
  private final Set<Long> acceptedSequences = new HashSet<>();
  private int publishCount;

  private final Map<String, Stream> streams = new HashMap<>();
  /** Session state by resume token. */
  private final Map<String, ServerSession> sessions = new HashMap<>();
  private ServerSession current;
  private FakeSocket currentSocket;
  private int sessionCounter;

  /** One topic's history. */
  public static final class Stream {
    public long epoch = 1;
    public long nextSequence = 1;
    /** Retained history, oldest first. */
    public final List<Deliver> history = new ArrayList<>();
    public long lastAcked;
  }

  private static final class ServerSession {
    final String token;
    final Map<String, Subscribe> subscriptions = new LinkedHashMap<>();

    ServerSession(String token) {
      this.token = token;
    }
  }

  public FakeServer() {
    transport.onOpen(socket -> {
      if (refusing || downEndpoints.contains(socket.request.url())) {
        socket.listener.onFailure(new java.net.ConnectException("Connection refused"), -1, null);
      } else if (autoAccept) {
        accept(socket);
      }
    });
  }

  public void accept(FakeSocket socket) {
    socket.inbox = message -> handle(socket, message);
    socket.acceptUpgrade("corridor.v1");
  }

  private void handle(FakeSocket socket, byte[] message) {
    Envelope e = parse(message);
    received.add(e);
    receivedAtMillis.add(clock.getAsLong());
    if (blackhole) return;
    switch (e.getKindCase()) {
      case HELLO:
        if (autoWelcome) welcome(socket, e.getHello());
        break;
      case PING:
        if (autoPong) {
          socket.receive(env().setPong(Pong.newBuilder().setNonce(e.getPing().getNonce())
              .setPingSentAtMs(e.getPing().getSentAtMs())).build().toByteArray());
        }
        break;
      case PUBLISH:
        onPublish(socket, e.getPublish());
        break;
      case SUBSCRIBE:
        onSubscribe(socket, e.getSubscribe());
        break;
      case UNSUBSCRIBE:
        if (current != null) current.subscriptions.remove(e.getUnsubscribe().getTopic());
        break;
      case REPLAY_REQUEST:
        replay(socket, e.getReplayRequest().getFrom(), false);
        break;
      case DELIVER_ACK:
        for (TopicPosition p : e.getDeliverAck().getPositionsList()) stream(p.getTopic()).lastAcked = p.getSequence();
        break;
      case REQUEST:
        if (autoRespond) {
          socket.receive(env().setResponse(Response.newBuilder()
              .setRequestId(e.getRequest().getRequestId())
              .setStatus(Response.Status.STATUS_OK)
              .setPayload(e.getRequest().getPayload())).build().toByteArray());
        }
        break;
      default:
        break;
    }
  }

  /** Answers a Hello (restoring the session if its token is known and sessions are kept). */
  public void welcome(FakeSocket socket) {
    welcome(socket, Hello.getDefaultInstance());
  }

  private void welcome(FakeSocket socket, Hello hello) {
    String token = hello.getResumeToken().toStringUtf8();
    ServerSession session = keepSessions ? sessions.get(token) : null;
    boolean resumed = session != null;
    if (session == null) {
      session = new ServerSession("token-" + (++sessionCounter));
      sessions.put(session.token, session);
    }
    current = session;
    currentSocket = socket;
    socket.receive(env().setWelcome(Welcome.newBuilder()
        .setSessionId("s" + sessionCounter)
        .setResumeToken(ByteString.copyFromUtf8(session.token))
        .setResumed(resumed)
        .setHeartbeatIntervalMs(heartbeatHintMs)
        .setMaxMessageBytes(maxMessageBytes)
        .setMaxInflight(maxInflight)
        .setLastClientSequence(cumulativeInWelcome ? cumulative : 0)).build().toByteArray());
    if (resumed) {
      for (TopicPosition p : hello.getPositionsList()) {
        if (session.subscriptions.containsKey(p.getTopic())) replay(socket, p, false);
      }
    }
  }

  private void onPublish(FakeSocket socket, Publish p) {
    publishCount++;
    if (p.getDelivery() == dev.corridor.proto.v1.DeliveryMode.DELIVERY_MODE_BEST_EFFORT) {
      bestEffort.add(p);
    } else if (rejectSequences.contains(p.getClientSequence())) {
      socket.receive(env().setError(Error.newBuilder().setCode(ErrorCode.ERROR_CODE_REJECTED)
          .setMessage("rejected by test").setClientSequence(p.getClientSequence())).build().toByteArray());
      markAccepted(p.getClientSequence()); // settled: counts towards the cumulative ack
    } else if (!markAccepted(p.getClientSequence())) {
      duplicatePublishes++;
    } else {
      accepted.add(p);
    }
    if (dropAfterPublish.test(publishCount)) {
      socket.failWithIo("test: link dropped after publish " + publishCount);
      return;
    }
    if (autoAck && p.getClientSequence() > 0) {
      socket.receive(env().setPublishAck(PublishAck.newBuilder().setCumulative(cumulative)
          .addSequences(p.getClientSequence())).build().toByteArray());
    }
  }

  private boolean markAccepted(long sequence) {
    if (sequence <= cumulative || !acceptedSequences.add(sequence)) return false;
    while (acceptedSequences.remove(cumulative + 1)) cumulative++;
    return true;
  }

  private void onSubscribe(FakeSocket socket, Subscribe sub) {
    if (!answerSubscribes) return;
    Error refusal = refusedTopics.get(sub.getTopic());
    if (refusal != null) {
      socket.receive(env().setError(refusal).build().toByteArray());
      return;
    }
    if (current != null) current.subscriptions.put(sub.getTopic(), sub);
    Stream s = stream(sub.getTopic());
    if (sub.hasFrom() && sub.getFrom().getEpoch() != 0) {
      if (!replay(socket, sub.getFrom(), true)) return;
    }
    socket.receive(env().setSubscribed(Subscribed.newBuilder().setTopic(sub.getTopic())
        .setRequestId(sub.getRequestId()).setEpoch(s.epoch).setNextSequence(s.nextSequence))
        .build().toByteArray());
  }

  /**
   * Replays {@code from}'s topic after its position, or sends a Discontinuity when the history no
   * longer reaches back that far or the epoch changed. Returns false if nothing was replayed.
   */
  private boolean replay(FakeSocket socket, TopicPosition from, boolean thenSubscribed) {
    Stream s = stream(from.getTopic());
    long oldest = s.history.isEmpty() ? s.nextSequence : s.history.get(0).getSequence();
    Discontinuity.Reason reason = null;
    if (from.getEpoch() != s.epoch) {
      reason = Discontinuity.Reason.REASON_EPOCH_CHANGED;
    } else if (from.getSequence() + 1 < oldest) {
      reason = Discontinuity.Reason.REASON_HISTORY_TRIMMED;
    }
    if (reason != null) {
      socket.receive(env().setDiscontinuity(Discontinuity.newBuilder().setTopic(from.getTopic())
          .setFrom(from).setEpoch(s.epoch).setNextSequence(oldest).setReason(reason)).build().toByteArray());
      for (Deliver d : s.history) socket.receive(env().setDeliver(d.toBuilder().setReplay(true)).build().toByteArray());
      if (thenSubscribed) {
        socket.receive(env().setSubscribed(Subscribed.newBuilder().setTopic(from.getTopic())
            .setEpoch(s.epoch).setNextSequence(s.nextSequence)).build().toByteArray());
      }
      return false;
    }
    for (Deliver d : s.history) {
      if (d.getSequence() > from.getSequence()) {
        socket.receive(env().setDeliver(d.toBuilder().setReplay(true)).build().toByteArray());
      }
    }
    return true;
  }

  public Stream stream(String topic) {
    return streams.computeIfAbsent(topic, t -> new Stream());
  }

  /** Appends a message to {@code topic}'s history and delivers it if the client is subscribed. */
  public Deliver publishToStream(String topic, String key, String payload) {
    Stream s = stream(topic);
    Deliver d = Deliver.newBuilder().setTopic(topic).setEpoch(s.epoch).setSequence(s.nextSequence++)
        .setKey(key).setPayload(ByteString.copyFromUtf8(payload)).build();
    s.history.add(d);
    if (isSubscribed(topic)) currentSocket.receive(env().setDeliver(d).build().toByteArray());
    return d;
  }

  /** Fault: delivers {@code d} (again, or out of order) on the current socket. */
  public void deliverRaw(Deliver d) {
    currentSocket.receive(env().setDeliver(d).build().toByteArray());
  }

  /** Fault: appends to history without delivering (the client sees a gap at the next one). */
  public Deliver appendSilently(String topic, String payload) {
    Stream s = stream(topic);
    Deliver d = Deliver.newBuilder().setTopic(topic).setEpoch(s.epoch).setSequence(s.nextSequence++)
        .setPayload(ByteString.copyFromUtf8(payload)).build();
    s.history.add(d);
    return d;
  }

  /** Fault: forgets all but the newest {@code keep} messages of {@code topic}. */
  public void trimHistory(String topic, int keep) {
    List<Deliver> h = stream(topic).history;
    while (h.size() > keep) h.remove(0);
  }

  /** Fault: starts a new epoch for {@code topic}, losing its history. */
  public void newEpoch(String topic) {
    Stream s = stream(topic);
    s.epoch++;
    s.nextSequence = 1;
    s.history.clear();
  }

  /** Fault: forgets every session (as a server restart without persistence would). */
  public void forgetSessions() {
    sessions.clear();
  }

  public boolean isSubscribed(String topic) {
    return current != null && currentSocket != null && currentSocket.isOpen()
        && current.subscriptions.containsKey(topic);
  }

  public static byte[] connectionError(ErrorCode code, boolean retryable, int retryAfterMs) {
    return env().setError(Error.newBuilder().setCode(code).setRetryable(retryable)
        .setRetryAfterMs(retryAfterMs).setMessage("test")).build().toByteArray();
  }

  public static Envelope.Builder env() {
    return Envelope.newBuilder().setProtocolVersion(1);
  }

  public static Envelope parse(byte[] bytes) {
    try {
      return Envelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("client sent a malformed envelope", e);
    }
  }

  public List<Envelope> receivedOfKind(Envelope.KindCase kind) {
    List<Envelope> out = new ArrayList<>();
    for (Envelope e : received) if (e.getKindCase() == kind) out.add(e);
    return out;
  }
}
