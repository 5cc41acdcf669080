package dev.corridor.internal;

import dev.corridor.CorridorException;
import dev.corridor.EventListener;
import dev.corridor.StateChange;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards events to every registered {@link EventListener}, swallowing what they throw so that a
 * faulty listener cannot break the client's serial context.
 */
public final class EventFanout extends EventListener {
  private final CopyOnWriteArrayList<EventListener> listeners = new CopyOnWriteArrayList<>();

  public void add(EventListener listener) {
    if (listener != EventListener.NONE) listeners.add(listener);
  }

  public void remove(EventListener listener) {
    listeners.remove(listener);
  }

  private interface Call {
    void on(EventListener l);
  }

  private void each(Call call) {
    for (EventListener l : listeners) {
      try {
        call.on(l);
      } catch (Throwable ignored) {
        // Documented: event listeners must not throw; if they do, the client carries on.
      }
    }
  }

  @Override
  public void attemptStarted(long attempt) {
    each(l -> l.attemptStarted(attempt));
  }

  @Override
  public void attemptSucceeded(long attempt, long connectNanos) {
    each(l -> l.attemptSucceeded(attempt, connectNanos));
  }

  @Override
  public void attemptFailed(long attempt, CorridorException error) {
    each(l -> l.attemptFailed(attempt, error));
  }

  @Override
  public void connectionLost(CorridorException error) {
    each(l -> l.connectionLost(error));
  }

  @Override
  public void stateChanged(StateChange change) {
    each(l -> l.stateChanged(change));
  }

  @Override
  public void rttMeasured(long rttNanos, long smoothedRttNanos) {
    each(l -> l.rttMeasured(rttNanos, smoothedRttNanos));
  }

  @Override
  public void messageSent(int bytes) {
    if (listeners.isEmpty()) return;
    each(l -> l.messageSent(bytes));
  }

  @Override
  public void messageReceived(int bytes) {
    if (listeners.isEmpty()) return;
    each(l -> l.messageReceived(bytes));
  }

  @Override
  public void protocolError(CorridorException error) {
    each(l -> l.protocolError(error));
  }

  @Override
  public void callbackFailed(Throwable error) {
    each(l -> l.callbackFailed(error));
  }

  @Override
  public void sendEnded(String topic, dev.corridor.SendResult.Outcome outcome) {
    if (listeners.isEmpty()) return;
    each(l -> l.sendEnded(topic, outcome));
  }

  @Override
  public void duplicateDropped(String topic, long sequence) {
    each(l -> l.duplicateDropped(topic, sequence));
  }

  @Override
  public void gapDetected(String topic, long expectedSequence, long receivedSequence) {
    each(l -> l.gapDetected(topic, expectedSequence, receivedSequence));
  }

  @Override
  public void discontinuity(dev.corridor.Discontinuity discontinuity) {
    each(l -> l.discontinuity(discontinuity));
  }
}
