package dev.corridor.integration;

import dev.corridor.CorridorException;
import dev.corridor.Discontinuity;
import dev.corridor.EventListener;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records the thread every {@link EventListener} method runs on. Those methods run inside the
 * client's serial context, so this shows which threads run the client's own work.
 */
final class EventThreads extends EventListener {
  /** How often each event ran on each thread, keyed "event @ thread". */
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  private void record(String event) {
    calls.computeIfAbsent(event + " @ " + Thread.currentThread().getName(), k -> new AtomicInteger())
        .incrementAndGet();
  }

  /** Every "event @ thread" seen so far with its count, sorted. */
  Map<String, Integer> snapshot() {
    Map<String, Integer> out = new TreeMap<>();
    calls.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Total calls of {@code event} seen so far, on any thread. */
  int count(String event) {
    int n = 0;
    for (Map.Entry<String, AtomicInteger> e : calls.entrySet()) {
      if (e.getKey().startsWith(event + " @ ")) n += e.getValue().get();
    }
    return n;
  }

  @Override
  public void attemptStarted(long attempt) {
    record("attemptStarted");
  }

  @Override
  public void attemptSucceeded(long attempt, long connectNanos) {
    record("attemptSucceeded");
  }

  @Override
  public void attemptFailed(long attempt, CorridorException error) {
    record("attemptFailed");
  }

  @Override
  public void connectionLost(CorridorException error) {
    record("connectionLost");
  }

  @Override
  public void stateChanged(StateChange change) {
    record("stateChanged");
  }

  @Override
  public void rttMeasured(long rttNanos, long smoothedRttNanos) {
    record("rttMeasured");
  }

  @Override
  public void messageSent(int bytes) {
    record("messageSent");
  }

  @Override
  public void messageReceived(int bytes) {
    record("messageReceived");
  }

  @Override
  public void protocolError(CorridorException error) {
    record("protocolError");
  }

  @Override
  public void callbackFailed(Throwable error) {
    record("callbackFailed");
  }

  @Override
  public void sendEnded(String topic, SendResult.Outcome outcome) {
    record("sendEnded");
  }

  @Override
  public void duplicateDropped(String topic, long sequence) {
    record("duplicateDropped");
  }

  @Override
  public void gapDetected(String topic, long expectedSequence, long receivedSequence) {
    record("gapDetected");
  }

  @Override
  public void discontinuity(Discontinuity discontinuity) {
    record("discontinuity");
  }
}
