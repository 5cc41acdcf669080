package dev.corridor.internal;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorException;
import dev.corridor.EventListener;
import dev.corridor.StateChange;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards events to every registered {@link EventListener}, swallowing what they throw so that a
 * faulty listener cannot break the client's serial context. What no listener takes over (an
 * application callback that threw, a protocol error, the client failing) goes to {@link Feedback}.
 */
public final class EventFanout extends EventListener {
  private final CopyOnWriteArrayList<EventListener> listeners = new CopyOnWriteArrayList<>();
  private final Feedback feedback;
  /** Whether some listener overrides the method; recomputed on every add and remove. */
  private volatile boolean handlesCallbackFailures;
  private volatile boolean handlesProtocolErrors;
  private volatile boolean handlesStateChanges;

  public EventFanout(Feedback feedback) {
    this.feedback = feedback;
  }

  public Feedback feedback() {
    return feedback;
  }

  public void add(EventListener listener) {
    if (listener != EventListener.NONE) listeners.add(listener);
    recompute();
  }

  public void remove(EventListener listener) {
    listeners.remove(listener);
    recompute();
  }

  private synchronized void recompute() {
    boolean callbacks = false;
    boolean protocol = false;
    boolean states = false;
    for (EventListener l : listeners) {
      if (l instanceof Feedback.Observer) continue;
      callbacks |= Feedback.overrides(l, EventListener.class, "callbackFailed");
      protocol |= Feedback.overrides(l, EventListener.class, "protocolError");
      states |= Feedback.overrides(l, EventListener.class, "stateChanged");
    }
    handlesCallbackFailures = callbacks;
    handlesProtocolErrors = protocol;
    handlesStateChanges = states;
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
    if (change.current() == ConnectionState.FAILED && !handlesStateChanges) {
      CorridorException error = change.error();
      feedback.log(Feedback.Kind.CLIENT_FAILED, "the client failed for good (" + change.cause() + ")"
          + (error == null ? "" : ": " + error.getMessage()), error);
    }
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
    if (!handlesProtocolErrors) {
      feedback.log(Feedback.Kind.PROTOCOL_ERROR, "protocol error from the server: " + error.getMessage());
    }
  }

  @Override
  public void callbackFailed(Throwable error) {
    each(l -> l.callbackFailed(error));
    if (!handlesCallbackFailures) {
      feedback.log(Feedback.Kind.CALLBACK_FAILED, "application code called by Corridor threw " + error, error);
    }
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
