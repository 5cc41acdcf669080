package dev.corridor.bench.recovery;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorException;
import dev.corridor.EventListener;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's record of a recovery run: its attempts and state changes on the proxy's clock, and
 * the outcomes of its counter sends. Events arrive on the client's state thread in order; sends
 * complete on Corridor's threads; both are read once the client is closed.
 */
final class ClientProbe extends EventListener {
  /** One attempt start or state change, {@code atMillis} after the proxy's t = 0. */
  record Event(long atMillis, ConnectionState from, ConnectionState to, StateChange.Cause cause, String error) {
    boolean isAttempt() {
      return to == null;
    }

    boolean entersConnected() {
      return to == ConnectionState.CONNECTED;
    }

    boolean leavesConnected() {
      return from == ConnectionState.CONNECTED && to != null;
    }

    @Override
    public String toString() {
      String t = String.format(Locale.ROOT, "%9.3f  ", atMillis / 1000.0);
      return isAttempt() ? t + "attempt" : t + from + " -> " + to + " (" + cause + (error.isEmpty() ? "" : ": " + error) + ")";
    }
  }

  final String id;
  private final long originNanos;
  private final List<Event> events = new ArrayList<>();
  private final AtomicInteger acked = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile String firstFailure = "";
  /** Counts down once, when the client reaches a terminal state. */
  final CountDownLatch terminal = new CountDownLatch(1);

  ClientProbe(String id, long originNanos) {
    this.id = id;
    this.originNanos = originNanos;
  }

  private long now() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - originNanos);
  }

  @Override
  public void attemptStarted(long attempt) {
    synchronized (events) {
      events.add(new Event(now(), null, null, null, ""));
    }
  }

  @Override
  public void stateChanged(StateChange change) {
    CorridorException e = change.error();
    String error = e == null ? "" : e.getMessage();
    synchronized (events) {
      events.add(new Event(now(), change.previous(), change.current(), change.cause(), error));
    }
    if (change.current().isTerminal()) terminal.countDown();
  }

  /** Records the outcome of one counter send; {@code done} counts down for every send. */
  void sendEnded(SendResult result, Throwable error, CountDownLatch done) {
    if (error == null && result.outcome() == SendResult.Outcome.ACKNOWLEDGED) {
      acked.incrementAndGet();
    } else {
      if (failed.getAndIncrement() == 0) firstFailure = error != null ? error.toString() : result.toString();
    }
    done.countDown();
  }

  List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  int acked() {
    return acked.get();
  }

  int failed() {
    return failed.get();
  }

  String firstFailure() {
    return firstFailure;
  }

  /** Attempt starts in [from, to) ms. */
  List<Long> attemptsBetween(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (Event e : events()) if (e.isAttempt() && e.atMillis() >= from && e.atMillis() < to) out.add(e.atMillis());
    return out;
  }

  /** The first entry into CONNECTED at or after {@code from} ms, or null. */
  Event firstConnectedAfter(long from) {
    for (Event e : events()) if (e.entersConnected() && e.atMillis() >= from) return e;
    return null;
  }

  /** The first departure from CONNECTED at or after {@code from} ms, or null. */
  Event firstLossAfter(long from) {
    for (Event e : events()) if (e.leavesConnected() && e.atMillis() >= from) return e;
    return null;
  }
}
