package dev.corridor.internal.session;

import dev.corridor.Discontinuity;
import dev.corridor.EventListener;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.SubscribeOptions;
import dev.corridor.Subscription;
import dev.corridor.internal.Feedback;
import dev.corridor.internal.Guarded;
import dev.corridor.internal.connection.ReadGate;
import dev.corridor.internal.time.SerialTimer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One subscription's inbound stream: its position, its sequence checks and its queue towards the
 * application. Sequence state is touched only in the serial context; the queue is shared with the
 * listener's executor under the queue's lock.
 */
final class InboundStream implements Subscription {
  /** Most messages a drain takes from the queue under one acquisition of its lock. */
  static final int BATCH = 64;
  /**
   * A drain delivers at most this many messages, or for at most {@link #SLICE_NANOS}, and then
   * re-posts itself behind whatever else its executor has queued: a dense stream never holds a
   * main thread for more than a slice (Android's frame is 16 ms).
   */
  static final int SLICE_MESSAGES = 256;
  static final long SLICE_NANOS = 4_000_000;
  final String topic;
  /** {@link #topic} in UTF-8, to match deliveries against without decoding theirs. */
  private final byte[] topicUtf8;
  final SubscribeOptions options;
  private final MessageListener listener;
  private final Executor executor;
  private final EventListener events;
  private final ReadGate gate;
  private final Subscriptions owner;

  // Serial context only.
  /** True once the epoch is known (from Subscribed, a delivery, or a Discontinuity). */
  boolean positioned;
  /** Sent a Subscribe on the current server session. */
  boolean subscribedInSession;
  /** Waiting for the server to replay a gap. */
  boolean awaitingReplay;
  /** Deliveries handed to the application since the last DeliverAck. */
  int unacked;
  /** Claimed a drain that waits for the end of the burst (in the owner's list). Serial context. */
  boolean drainDeferred;
  /** Messages queued since the drain was claimed; guarded by the queue's lock. */
  private int heldBack;
  /** Gives up on a requested replay that does not come; created by the owner. */
  @Nullable SerialTimer replayTimer;
  /** The server confirmed the subscription on the current server session. */
  boolean confirmed;
  /** The server refused it and said the refusal will not pass: not requested again. */
  boolean refusedForGood;
  /** Where the subscription stands: written in the serial context, read anywhere. */
  private volatile Subscription.State state = Subscription.State.SUBSCRIBING;
  /** Whether refusals are logged, because the listener does not take them itself. */
  private final boolean logsRejections;

  /** Epoch and sequence of the last message handed to the application. Written in the serial context. */
  private volatile long epoch;
  private volatile long lastSequence;

  // Guarded by `queue`.
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private final Map<String, Message> latest = new LinkedHashMap<>();
  private boolean drainScheduled;
  /** The thread inside {@link #startDrain}, so a drain can tell that it runs inline; else null. */
  private volatile @Nullable Thread starting;
  private boolean full;
  /** Written under the lock; read without it by a drain delivering a batch. */
  private volatile boolean cancelled;
  /** The drain as a task, made once rather than per hand-off. */
  private final Runnable drainTask = this::drain;
  /** The drain's batch; only the one running drain touches it. */
  private final Object[] batch = new Object[BATCH];

  InboundStream(String topic, SubscribeOptions options, MessageListener listener, Executor executor,
      EventListener events, ReadGate gate, Subscriptions owner) {
    this.topic = topic;
    this.topicUtf8 = topic.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    this.options = options;
    this.listener = listener;
    this.executor = executor;
    this.events = events;
    this.gate = gate;
    this.owner = owner;
    this.logsRejections = listener instanceof Feedback.Observer
        || !Feedback.overrides(listener, MessageListener.class, "onRejected");
  }

  @Override
  public Subscription.State state() {
    return state;
  }

  /** Serial context: moves to {@code next} and tells the listener, on its executor. */
  void moveTo(Subscription.State next) {
    Subscription.State previous = state;
    if (previous == next || previous == Subscription.State.UNSUBSCRIBED) return;
    state = next;
    tellListener(l -> l.onStateChanged(next));
  }

  /** Calls the listener on its executor, outside the message queue; what it throws is reported. */
  private void tellListener(java.util.function.Consumer<MessageListener> call) {
    Guarded.execute(executor, () -> {
      try {
        call.accept(listener);
      } catch (Throwable t) {
        owner.callbackFailed(t);
      }
    }, owner.reporter());
  }

  @Override
  public String topic() {
    return topic;
  }

  /** True if {@code length} bytes of {@code frame} at {@code offset} are this stream's topic. */
  boolean topicIs(byte[] frame, int offset, int length) {
    byte[] t = topicUtf8;
    if (length != t.length) return false;
    for (int i = 0; i < length; i++) {
      if (frame[offset + i] != t[i]) return false;
    }
    return true;
  }

  @Override
  public void unsubscribe() {
    owner.unsubscribe(this);
  }

  @Override
  public long epoch() {
    return epoch;
  }

  @Override
  public long lastSequence() {
    return lastSequence;
  }

  private final java.util.concurrent.atomic.AtomicBoolean unsubscribed =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** True the first time only. */
  boolean markUnsubscribed() {
    return unsubscribed.compareAndSet(false, true);
  }

  void position(long epoch, long lastSequence) {
    // Once per message: ordered stores, no fence; other threads read the position a moment later at most.
    if (epoch != this.epoch) EPOCH.lazySet(this, epoch);
    LAST_SEQUENCE.lazySet(this, lastSequence);
    this.positioned = true;
  }

  private static final java.util.concurrent.atomic.AtomicLongFieldUpdater<InboundStream> EPOCH =
      java.util.concurrent.atomic.AtomicLongFieldUpdater.newUpdater(InboundStream.class, "epoch");
  private static final java.util.concurrent.atomic.AtomicLongFieldUpdater<InboundStream> LAST_SEQUENCE =
      java.util.concurrent.atomic.AtomicLongFieldUpdater.newUpdater(InboundStream.class, "lastSequence");

  boolean reliable() {
    return options.mode() == SubscribeOptions.Mode.RELIABLE;
  }

  /** What {@link #deliver} asks of its caller. */
  static final int NOTHING = 0;
  /** A drain is claimed: start it at the end of the burst. */
  static final int START_LATER = 1;
  /** Start the drain now (the burst is long, or the queue is full). */
  static final int START_NOW = 2;

  /**
   * Queues a message for the application and advances the position, and says whether the drain
   * must be started: at the end of the socket's burst normally, so that a burst costs the listener
   * one hand-off, or at once after {@link #BATCH} messages held back (or a full queue), so that a
   * long burst neither delays its first message much nor fills the queue waiting.
   */
  int deliver(Message m) {
    position(m.epoch(), m.sequence());
    unacked++;
    synchronized (queue) {
      if (cancelled) return NOTHING;
      if (reliable()) {
        queue.add(m);
        if (!full && queue.size() >= options.queueCapacity()) {
          full = true;
          gate.queueFull();
        }
      } else {
        // Conflate: a newer message for the same key replaces the waiting one and moves to the back,
        // so keys are served in the order of their latest update.
        String key = m.key().isEmpty() ? m.topic() : m.key();
        latest.remove(key);
        latest.put(key, m);
      }
      if (drainScheduled) {
        if (drainDeferred && (++heldBack >= BATCH || full)) return START_NOW;
        return NOTHING;
      }
      drainScheduled = true;
      heldBack = 1;
      return full ? START_NOW : START_LATER;
    }
  }

  /** Tells the listener the server refused the subscription (or logs it, if the listener does not care). */
  void rejected(String code, String message) {
    moveTo(Subscription.State.REJECTED);
    if (logsRejections) {
      owner.feedback().log(Feedback.Kind.SUBSCRIPTION_REJECTED, "subscription to " + topic
          + " refused by the server: " + code + (message.isEmpty() ? "" : ": " + message));
    }
    tellListener(l -> l.onRejected(code, message));
  }

  /** Tells the application the stream broke, in order with its messages. */
  void discontinuity(Discontinuity d) {
    if (d.nextSequence() > 0) position(d.epoch(), d.nextSequence() - 1); // 0: not known yet
    awaitingReplay = false;
    events.discontinuity(d);
    synchronized (queue) {
      if (cancelled) return;
      if (!reliable()) latest.clear();
      queue.add(d);
      if (!claimDrain()) return;
    }
    startDrain();
  }

  /** Caller holds the queue lock and has just queued something: true if a drain must be started. */
  private boolean claimDrain() {
    if (drainScheduled) return false;
    drainScheduled = true;
    return true;
  }

  /**
   * Hands the drain to the executor, outside the queue's lock so that a direct executor does not
   * call the listener under it. Serial context only.
   */
  void startDrain() {
    starting = Thread.currentThread();
    try {
      post();
    } finally {
      starting = null;
    }
  }

  /** Posts the drain; if the executor refuses it, the next message tries again. */
  private void post() {
    if (!Guarded.execute(executor, drainTask, owner.reporter())) {
      synchronized (queue) {
        drainScheduled = false;
      }
    }
  }

  /**
   * Runs on the listener's executor: delivers what is queued, in slices of at most
   * {@link #SLICE_MESSAGES} messages or {@link #SLICE_NANOS}, then re-posts itself. Reliable
   * messages are taken from the queue in batches of up to {@link #BATCH} under one acquisition of
   * its lock, so that the reader thread, which queues under the same lock, rarely finds it held;
   * conflated messages are taken one at a time, so that a newer one can still replace a waiting one.
   */
  private void drain() {
    // Run inline by startDrain() (a direct executor): nothing can arrive while this thread is here,
    // and the application asked for callbacks on the connection's thread, so no slices either.
    final boolean inline = starting == Thread.currentThread();
    final Object[] batch = this.batch;
    // Real time, not the client's Clock: this bounds a slice of a thread's time, it is no protocol timer.
    final long sliceStart = System.nanoTime();
    int delivered = 0;
    while (true) {
      int taken = 0;
      synchronized (queue) {
        if (!cancelled) {
          int most = inline ? BATCH : Math.min(BATCH, SLICE_MESSAGES - delivered);
          for (Object o; taken < most && (o = queue.poll()) != null; ) batch[taken++] = o;
          if (taken == 0 && !latest.isEmpty()) {
            Iterator<Message> it = latest.values().iterator();
            batch[taken++] = it.next();
            it.remove();
          }
        }
        if (taken == 0) {
          // Empty: give the thread back at once. It is never parked or put to sleep here, on an
          // application's executor or Corridor's; the next burst starts a new drain.
          drainScheduled = false;
          releaseIfFull();
          return;
        }
        if (full && queue.size() <= options.queueCapacity() / 2) releaseIfFull();
      }
      for (int i = 0; i < taken; i++) {
        Object next = batch[i];
        batch[i] = null;
        if (cancelled) continue; // unsubscribed while this batch was out: deliver no more
        try {
          if (next instanceof Message) {
            listener.onMessage((Message) next);
          } else {
            listener.onDiscontinuity((Discontinuity) next);
          }
        } catch (Throwable t) {
          owner.callbackFailed(t);
        }
        delivered++;
        if (!inline && i + 1 < taken && System.nanoTime() - sliceStart >= SLICE_NANOS) {
          putBack(batch, i + 1, taken);
          post();
          return;
        }
      }
      if (!inline && (delivered >= SLICE_MESSAGES || System.nanoTime() - sliceStart >= SLICE_NANOS)) {
        post(); // the slice is used up: let the executor run what else it has, then go on
        return;
      }
    }
  }

  /** Returns the undelivered rest of a batch to the front of the queue, in order. */
  private void putBack(Object[] batch, int from, int to) {
    synchronized (queue) {
      for (int i = to - 1; i >= from; i--) {
        Object o = batch[i];
        batch[i] = null;
        if (cancelled) continue;
        if (o instanceof Message && !reliable()) {
          Message m = (Message) o;
          String key = m.key().isEmpty() ? m.topic() : m.key();
          if (!latest.containsKey(key)) putFirst(key, m); // a newer one replaced it meanwhile
        } else {
          queue.addFirst(o);
        }
      }
    }
  }

  /** Caller holds the lock: puts a conflated message back in front of the others. */
  private void putFirst(String key, Message m) {
    Map<String, Message> rest = new LinkedHashMap<>(latest);
    latest.clear();
    latest.put(key, m);
    latest.putAll(rest);
  }

  /** Caller holds the queue lock. */
  private void releaseIfFull() {
    if (full) {
      full = false;
      gate.queueDrained();
    }
  }

  /** Stops delivery and frees any reader waiting on this stream's queue. */
  void cancel() {
    synchronized (queue) {
      cancelled = true;
      queue.clear();
      latest.clear();
      releaseIfFull();
    }
  }
}
