package dev.corridor.internal.connection;

import dev.corridor.Clock;
import dev.corridor.Scheduler;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.time.SerialTimer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Connection health as an application sees it: how long the oldest message accepted by
 * {@code send} has waited without being acknowledged (or, best effort, written), and how long ago
 * the last message arrived. Both ages are readable from any thread; when one crosses the
 * threshold the application set (either way), the {@link Sink} hears of it.
 *
 * <p>Threading: every method but the two age readers runs in the client's serial context. Per
 * inbound message it only records a timestamp (an ordered store); per send and per end of a
 * message, a deque operation. One timer does the rest, as the heartbeat's does: it fires at the
 * earliest possible crossing and re-arms itself when traffic has moved that point on.
 */
public final class HealthWatch {
  /** Hears when a threshold is crossed, in the serial context. */
  public interface Sink {
    void healthChanged(boolean sendsDelayed, boolean inboundSilent, long oldestUnackedAgeMillis,
        long lastInboundAgeMillis);
  }

  /** Something that waits in the outbox; its acceptance time and end are tracked here. */
  public interface Tracked {
    long acceptedNanos();

    boolean isFinished();
  }

  private static final long NONE = Long.MIN_VALUE;
  private static final AtomicLongFieldUpdater<HealthWatch> LAST_INBOUND =
      AtomicLongFieldUpdater.newUpdater(HealthWatch.class, "lastInboundNanos");
  private static final AtomicLongFieldUpdater<HealthWatch> OLDEST =
      AtomicLongFieldUpdater.newUpdater(HealthWatch.class, "oldestAcceptedNanos");

  private final Clock clock;
  private final long unackedThresholdNanos;
  private final long silenceThresholdNanos;
  private final Sink sink;
  private final SerialTimer timer;

  /** Messages not yet finished, in acceptance order (finished ones are dropped from the head). */
  private final ArrayDeque<Tracked> waiting = new ArrayDeque<>();
  /** Clock nanos of the last inbound message, or NONE. Written in the context, read anywhere. */
  private volatile long lastInboundNanos = NONE;
  /** Acceptance nanos of the oldest unfinished message, or NONE. As above. */
  private volatile long oldestAcceptedNanos = NONE;
  /** Size at which finished messages behind an unfinished head are swept out of {@link #waiting}. */
  private int compactAt = 1024;
  private boolean sendsDelayed;
  private boolean inboundSilent;
  /** Clock nanos the timer is set for, while it is pending. */
  private long timerAtNanos;

  /** A threshold of 0 disables that signal. */
  public HealthWatch(Clock clock, Scheduler scheduler, SerialContext context,
      long unackedThresholdNanos, long silenceThresholdNanos, Sink sink) {
    this.clock = clock;
    this.unackedThresholdNanos = unackedThresholdNanos;
    this.silenceThresholdNanos = silenceThresholdNanos;
    this.sink = sink;
    this.timer = new SerialTimer(scheduler, context, this::evaluate);
  }

  /** A message was accepted at {@code t.acceptedNanos()}. */
  public void accepted(Tracked t) {
    waiting.addLast(t);
    if (waiting.size() >= compactAt) {
      // A message that waits long (low priority under load) must not make the deque grow with
      // the finished ones behind it: sweep them, at amortised constant cost per message.
      waiting.removeIf(Tracked::isFinished);
      compactAt = Math.max(1024, 2 * waiting.size());
    }
    if (waiting.size() == 1) {
      OLDEST.lazySet(this, t.acceptedNanos());
      if (unackedThresholdNanos > 0) armBy(t.acceptedNanos() + unackedThresholdNanos);
    }
  }

  /** A message ended (acknowledged, written best effort, expired, superseded, dropped, closed). */
  public void finished() {
    Tracked head = waiting.peekFirst();
    if (head == null || !head.isFinished()) return;
    while (head != null && head.isFinished()) {
      waiting.pollFirst();
      head = waiting.peekFirst();
    }
    OLDEST.lazySet(this, head == null ? NONE : head.acceptedNanos());
    if (sendsDelayed) evaluate(); // may be healthy again at once
  }

  /** An inbound message arrived at {@code nowNanos}. Cheap: once per message. */
  public void inbound(long nowNanos) {
    boolean first = lastInboundNanos == NONE;
    LAST_INBOUND.lazySet(this, nowNanos);
    if (inboundSilent) {
      evaluate();
    } else if (first && silenceThresholdNanos > 0) {
      armBy(nowNanos + silenceThresholdNanos);
    }
  }

  /** Age of the oldest unfinished message in ms, 0 when none waits. Any thread. */
  public long oldestUnackedAgeMillis() {
    long oldest = oldestAcceptedNanos;
    return oldest == NONE ? 0 : Math.max(0, (clock.nanoTime() - oldest) / 1_000_000);
  }

  /** Ms since the last inbound message, or -1 before the first. Any thread. */
  public long lastInboundAgeMillis() {
    long last = lastInboundNanos;
    return last == NONE ? -1 : Math.max(0, (clock.nanoTime() - last) / 1_000_000);
  }

  public void stop() {
    timer.cancel();
  }

  private void evaluate() {
    long now = clock.nanoTime();
    long oldest = oldestAcceptedNanos;
    long last = lastInboundNanos;
    boolean delayed = unackedThresholdNanos > 0 && oldest != NONE && now - oldest >= unackedThresholdNanos;
    boolean silent = silenceThresholdNanos > 0 && last != NONE && now - last >= silenceThresholdNanos;
    if (delayed != sendsDelayed || silent != inboundSilent) {
      sendsDelayed = delayed;
      inboundSilent = silent;
      sink.healthChanged(delayed, silent, oldestUnackedAgeMillis(), lastInboundAgeMillis());
    }
    long next = Long.MAX_VALUE;
    if (!delayed && unackedThresholdNanos > 0 && oldest != NONE) next = oldest + unackedThresholdNanos - now;
    if (!silent && silenceThresholdNanos > 0 && last != NONE) {
      next = Math.min(next, last + silenceThresholdNanos - now);
    }
    if (next == Long.MAX_VALUE) {
      timer.cancel();
    } else {
      timerAtNanos = now + next;
      timer.start(next);
    }
  }

  /** Makes sure the timer fires no later than {@code atNanos}. */
  private void armBy(long atNanos) {
    if (timer.isPending() && timerAtNanos - atNanos <= 0) return;
    timerAtNanos = atNanos;
    timer.start(atNanos - clock.nanoTime());
  }
}
