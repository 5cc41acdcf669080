package dev.corridor.internal.session;

import dev.corridor.Clock;
import dev.corridor.Discontinuity;
import dev.corridor.EventListener;
import dev.corridor.MessageListener;
import dev.corridor.Scheduler;
import dev.corridor.SubscribeOptions;
import dev.corridor.Subscription;
import dev.corridor.internal.DiscontinuityAccess;
import dev.corridor.internal.Feedback;
import dev.corridor.internal.Guarded;
import dev.corridor.internal.MessageAccess;
import dev.corridor.Message;
import dev.corridor.internal.codec.DeliverReader;
import dev.corridor.internal.codec.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import dev.corridor.internal.connection.Counters;
import dev.corridor.internal.connection.Link;
import dev.corridor.internal.connection.Links;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.time.SerialExecutor;
import dev.corridor.internal.time.SerialTimer;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.DeliverAck;
import dev.corridor.proto.v1.ReplayRequest;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.Subscribed;
import dev.corridor.proto.v1.SubscriptionMode;
import dev.corridor.proto.v1.TopicPosition;
import dev.corridor.proto.v1.Unsubscribe;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import dev.corridor.internal.connection.ReadGate;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Server-to-client delivery: subscriptions, per-topic sequences and epochs, duplicate and gap
 * detection, replay requests, batched acknowledgements and restoration after reconnects. Lives in
 * the client's serial context (except {@link #subscribe}, callable from any thread).
 */
public final class Subscriptions {
  /** A cumulative DeliverAck is sent after this many deliveries ... */
  public static final int ACK_EVERY = 512;
  /**
   * ... and no delivery waits longer than this for its acknowledgement. The timer is armed by the
   * first delivery after it last fired and is not reset by the acknowledgements sent every
   * {@link #ACK_EVERY}: a steady stream costs the timer thread a wake-up per period, not one per
   * acknowledgement (at a million messages a second, 5 instead of about 2,000).
   */
  public static final long ACK_DELAY_MILLIS = 200;
  /** How long a requested replay may take before the gap is reported as a discontinuity. */
  public static final long REPLAY_TIMEOUT_MILLIS = 10_000;

  private final SerialContext context;
  private final Scheduler scheduler;
  private final Executor callbacks;
  private final Guarded.Reporter reporter;
  private final EventListener events;
  private final Counters counters;
  private final ReadGate gate;
  private final SerialTimer ackTimer;
  /** Topics with a live subscription; guards against two subscriptions to one topic. */
  private final Set<String> topics = ConcurrentHashMap.newKeySet();

  // Owned by the serial context.
  private final Map<String, InboundStream> streams = new LinkedHashMap<>();
  /** The stream of the last delivery, to skip the map for runs of one topic; null when {@code streams} changed. */
  private @Nullable InboundStream lastDelivered;
  /** Streams whose listener drain waits for the end of the current burst. */
  private final List<InboundStream> deferredDrains = new ArrayList<>();
  /** Topics unsubscribed while disconnected, to unsubscribe on a resumed session. */
  private final Set<String> pendingUnsubscribes = new HashSet<>();
  /** Where subscriptions and acks may be written now, if anywhere. */
  private final Links links;
  /** Where refusals go when the listener does not take them. */
  private final Feedback feedback;
  private long nextRequestId = 1;

  public Subscriptions(Clock clock, Scheduler scheduler, SerialContext context, Executor callbacks,
      EventListener events, Counters counters, ReadGate gate,
      Guarded.Reporter reporter, Links links, Feedback feedback) {
    this.links = links;
    this.feedback = feedback;
    this.reporter = reporter;
    this.context = context;
    this.scheduler = scheduler;
    this.callbacks = callbacks;
    this.events = events;
    this.counters = counters;
    this.gate = gate;
    this.ackTimer = new SerialTimer(scheduler, context, this::sendAcks);
  }

  /** Registers a subscription from any thread; it is requested now if connected, else on connect. */
  public Subscription subscribe(String topic, MessageListener listener, SubscribeOptions options) {
    if (links.isTerminated()) throw new IllegalStateException("client is closed");
    if (!topics.add(topic)) throw new IllegalStateException("already subscribed to " + topic);
    Executor executor = options.executor() != null ? new SerialExecutor(options.executor()) : callbacks;
    InboundStream stream = new InboundStream(topic, options, listener, executor, events, gate, this);
    if (options.resumeEpoch() > 0 && options.mode() == SubscribeOptions.Mode.RELIABLE) {
      stream.position(options.resumeEpoch(), options.resumeSequence());
    }
    context.execute(() -> {
      if (links.isTerminated()) {
        stream.cancel();
        return;
      }
      streams.put(topic, stream);
      lastDelivered = null;
      pendingUnsubscribes.remove(topic);
      sendSubscribe(stream); // now if connected, else on connect
    });
    return stream;
  }

  void unsubscribe(InboundStream stream) {
    if (!stream.markUnsubscribed()) return;
    topics.remove(stream.topic); // at once, so that the topic may be subscribed again right away
    context.execute(() -> {
      stream.cancel();
      stream.moveTo(Subscription.State.UNSUBSCRIBED);
      if (stream.replayTimer != null) stream.replayTimer.cancel();
      if (streams.get(stream.topic) != stream) return; // already replaced by a new subscription
      streams.remove(stream.topic);
      lastDelivered = null;
      Link l = links.forMessages();
      if (l != null) {
        l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope()
            .setUnsubscribe(Unsubscribe.newBuilder().setTopic(stream.topic)).build()));
      } else {
        pendingUnsubscribes.add(stream.topic);
      }
    });
  }

  /** Last delivered positions of reliable streams, for the Hello. */
  List<TopicPosition> positions() {
    List<TopicPosition> out = new ArrayList<>();
    for (InboundStream s : streams.values()) {
      if (s.reliable() && s.positioned) out.add(position(s));
    }
    return out;
  }

  /**
   * A session is established. If the server kept it ({@code resumed}), it still knows our
   * subscriptions and replays from the Hello's positions; otherwise every subscription is
   * requested again from its last position.
   */
  void onConnected(boolean resumed) {
    Link link = links.forMessages();
    if (link == null) return;
    if (resumed) {
      for (String topic : pendingUnsubscribes) {
        link.send(EnvelopeCodec.encode(EnvelopeCodec.envelope()
            .setUnsubscribe(Unsubscribe.newBuilder().setTopic(topic)).build()));
      }
    } else {
      for (InboundStream s : streams.values()) {
        s.subscribedInSession = false;
        s.confirmed = false;
      }
    }
    pendingUnsubscribes.clear();
    for (InboundStream s : streams.values()) {
      s.unacked = 0; // the Hello's positions acknowledged everything delivered so far
      if (!s.subscribedInSession || !s.confirmed) {
        // Not asked for yet, or asked for but unanswered when the link dropped: the resumed
        // session may or may not have it, so ask (again) from our position.
        sendSubscribe(s);
      } else {
        s.moveTo(Subscription.State.SUBSCRIBED); // the resumed session kept it: no Subscribed comes
      }
    }
  }

  void onDisconnected() {
    ackTimer.cancel();
    for (InboundStream s : streams.values()) {
      if (s.state() == Subscription.State.SUBSCRIBED || s.state() == Subscription.State.SUBSCRIBING) {
        s.moveTo(Subscription.State.RESUBSCRIBING);
      }
      s.awaitingReplay = false; // the reconnect's resume asks for everything after our position
      if (s.replayTimer != null) s.replayTimer.cancel();
    }
  }

  /** A delivery read in place by the session's {@link DeliverReader} (the hot path: no objects made). */
  void onDeliver(DeliverReader r) {
    byte[] frame = r.frame();
    InboundStream s = lastDelivered;
    if (s == null || !s.topicIs(frame, r.topicOffset(), r.topicLength())) {
      s = find(frame, r.topicOffset(), r.topicLength());
      if (s == null) return; // unsubscribed; the server has not caught up yet
      lastDelivered = s;
    }
    if (!accept(s, r.epoch(), r.sequence(), r.replay())) return;
    String key = r.keyLength() == 0 ? "" : new String(frame, r.keyOffset(), r.keyLength(), StandardCharsets.UTF_8);
    delivered(s, MessageAccess.received(s.topic, key, r.epoch(), r.sequence(), r.timestampMillis(),
        r.replay(), frame, r.payloadOffset(), r.payloadLength()));
  }

  /** A delivery the generated parser made (a shape the reader leaves to it). */
  void onDeliver(Deliver d) {
    InboundStream s = streams.get(d.getTopic());
    if (s == null) return;
    lastDelivered = s;
    if (!accept(s, d.getEpoch(), d.getSequence(), d.getReplay())) return;
    delivered(s, MessageAccess.create(d));
  }

  /** The stream whose topic is these UTF-8 bytes, or null; without making a string for a few streams. */
  private @Nullable InboundStream find(byte[] frame, int offset, int length) {
    if (streams.size() <= 8) {
      for (InboundStream s : streams.values()) {
        if (s.topicIs(frame, offset, length)) return s;
      }
      return null;
    }
    return streams.get(new String(frame, offset, length, StandardCharsets.UTF_8));
  }

  /**
   * Checks a delivery's position against the stream's: true if it is the next one to hand over;
   * false for a duplicate (dropped) or, on a reliable stream, a gap (a replay is asked for).
   */
  private boolean accept(InboundStream s, long epoch, long sequence, boolean replay) {
    if (replay) counters.messagesReplayed++;
    if (s.positioned && epoch != s.epoch()) {
      if (!s.reliable()) {
        s.position(epoch, sequence - 1);
      } else {
        // The server moved to a new epoch without saying so first: report the break ourselves.
        discontinuity(s, Discontinuity.Reason.EPOCH_CHANGED, epoch, sequence);
      }
    }
    if (s.positioned) {
      long expected = s.lastSequence() + 1;
      if (sequence < expected) {
        counters.duplicatesDropped++;
        events.duplicateDropped(s.topic, sequence);
        return false;
      }
      if (sequence > expected && s.reliable()) {
        if (!s.awaitingReplay) requestReplay(s, expected, sequence);
        return false; // the replay brings it again, in order
      }
    }
    return true;
  }

  private void delivered(InboundStream s, Message m) {
    s.awaitingReplay = false;
    if (s.replayTimer != null) s.replayTimer.cancel();
    // The listener's drain starts at the end of the socket's burst (Session.endOfBurst), so that a
    // burst costs its listener one hand-off, not one per message.
    int start = s.deliver(m);
    if (start == InboundStream.START_LATER) {
      s.drainDeferred = true;
      deferredDrains.add(s);
    } else if (start == InboundStream.START_NOW) {
      s.drainDeferred = false; // if it is still in the list, startDeferredDrains skips it
      s.startDrain();
    }
    if (s.reliable()) {
      if (s.unacked >= ACK_EVERY) {
        sendAcks();
      } else if (!ackTimer.isPending()) {
        ackTimer.start(TimeUnit.MILLISECONDS.toNanos(ACK_DELAY_MILLIS));
      }
    }
  }

  /** Starts the drains held back during a burst. Serial context. */
  void startDeferredDrains() {
    if (deferredDrains.isEmpty()) return;
    for (int i = 0; i < deferredDrains.size(); i++) {
      InboundStream s = deferredDrains.get(i);
      if (!s.drainDeferred) continue; // started already, its burst grew long
      s.drainDeferred = false;
      s.startDrain();
    }
    deferredDrains.clear();
  }

  void onSubscribed(Subscribed subscribed) {
    InboundStream s = streams.get(subscribed.getTopic());
    if (s == null) return;
    if (!s.positioned) s.position(subscribed.getEpoch(), subscribed.getNextSequence() - 1);
    s.confirmed = true;
    s.moveTo(Subscription.State.SUBSCRIBED);
  }

  void onDiscontinuity(dev.corridor.proto.v1.Discontinuity d) {
    InboundStream s = streams.get(d.getTopic());
    if (s == null) return;
    discontinuity(s, reason(d.getReason()), d.getEpoch(), d.getNextSequence());
  }

  void onRejected(String topic, String code, String message, boolean retryable) {
    InboundStream s = streams.get(topic);
    if (s == null) return;
    s.subscribedInSession = false; // requested again on the next connection, even a resumed one
    s.confirmed = false;
    if (!retryable) s.refusedForGood = true; // ... unless the server said it will not pass
    s.rejected(code, message);
  }

  void terminate() {
    ackTimer.cancel();
    for (InboundStream s : streams.values()) {
      s.cancel();
      s.moveTo(Subscription.State.UNSUBSCRIBED);
      if (s.replayTimer != null) s.replayTimer.cancel();
    }
    streams.clear();
    lastDelivered = null;
    gate.openForever();
  }

  void callbackFailed(Throwable t) {
    reporter.callbackFailed(t);
  }

  Guarded.Reporter reporter() {
    return reporter;
  }

  Feedback feedback() {
    return feedback;
  }

  private void discontinuity(InboundStream s, Discontinuity.Reason reason, long epoch, long nextSequence) {
    counters.discontinuities++;
    if (s.replayTimer != null) s.replayTimer.cancel();
    s.discontinuity(DiscontinuityAccess.create(s.topic, reason, s.epoch(), s.lastSequence(), epoch, nextSequence));
  }

  private void requestReplay(InboundStream s, long expected, long received) {
    s.awaitingReplay = true;
    counters.gapsDetected++;
    events.gapDetected(s.topic, expected, received);
    Link l = links.forMessages();
    if (l != null) {
      l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope()
          .setReplayRequest(ReplayRequest.newBuilder().setFrom(position(s))).build()));
    }
    if (s.replayTimer == null) {
      s.replayTimer = new SerialTimer(scheduler, context, () -> {
        if (!s.awaitingReplay || streams.get(s.topic) != s) return;
        // The server neither replayed nor said it cannot: accept the stream from the next delivery.
        counters.discontinuities++;
        s.awaitingReplay = false;
        s.discontinuity(DiscontinuityAccess.create(s.topic, Discontinuity.Reason.GAP_NOT_FILLED, s.epoch(),
            s.lastSequence(), s.epoch(), 0));
        s.positioned = false;
      });
    }
    s.replayTimer.start(TimeUnit.MILLISECONDS.toNanos(REPLAY_TIMEOUT_MILLIS));
  }

  private void sendSubscribe(InboundStream s) {
    if (s.refusedForGood) return;
    Link l = links.forMessages();
    if (l == null) return;
    if (s.state() == Subscription.State.REJECTED) s.moveTo(Subscription.State.SUBSCRIBING);
    Subscribe.Builder sub = Subscribe.newBuilder()
        .setTopic(s.topic)
        .setMode(s.reliable() ? SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE : SubscriptionMode.SUBSCRIPTION_MODE_LATEST)
        .setMaxRate(s.options.maxRate())
        .setRequestId(nextRequestId++);
    if (s.reliable() && s.positioned) sub.setFrom(position(s));
    l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setSubscribe(sub).build()));
    s.subscribedInSession = true;
  }

  private void sendAcks() {
    Link l = links.forMessages();
    if (l == null) return;
    DeliverAck.Builder ack = DeliverAck.newBuilder();
    for (InboundStream s : streams.values()) {
      if (s.unacked > 0 && s.reliable()) {
        ack.addPositions(position(s));
        s.unacked = 0;
      }
    }
    if (ack.getPositionsCount() > 0) {
      l.send(EnvelopeCodec.encode(EnvelopeCodec.envelope().setDeliverAck(ack).build()));
    }
  }

  private static TopicPosition position(InboundStream s) {
    return TopicPosition.newBuilder().setTopic(s.topic).setEpoch(s.epoch()).setSequence(s.lastSequence()).build();
  }

  private static Discontinuity.Reason reason(dev.corridor.proto.v1.Discontinuity.Reason r) {
    switch (r) {
      case REASON_HISTORY_TRIMMED:
        return Discontinuity.Reason.HISTORY_TRIMMED;
      case REASON_EPOCH_CHANGED:
        return Discontinuity.Reason.EPOCH_CHANGED;
      case REASON_SESSION_LOST:
        return Discontinuity.Reason.SESSION_LOST;
      default:
        return Discontinuity.Reason.UNSPECIFIED;
    }
  }
}
