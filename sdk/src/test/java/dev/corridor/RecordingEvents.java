package dev.corridor;

import java.util.ArrayList;
import java.util.List;

/** Records every event as a line of text plus the typed errors, for exact assertions. */
final class RecordingEvents extends EventListener {
  final List<String> log = new ArrayList<>();
  final List<CorridorException> protocolErrors = new ArrayList<>();
  final List<CorridorException> attemptErrors = new ArrayList<>();
  final List<Long> rttNanos = new ArrayList<>();
  final List<Long> smoothedRttNanos = new ArrayList<>();
  final List<Throwable> callbackFailures = new ArrayList<>();
  int messagesSent;
  int sendsEnded;
  int messagesReceived;

  @Override
  public synchronized void attemptStarted(long attempt) {
    log.add("attemptStarted " + attempt);
  }

  @Override
  public synchronized void attemptSucceeded(long attempt, long connectNanos) {
    log.add("attemptSucceeded " + attempt);
  }

  @Override
  public synchronized void attemptFailed(long attempt, CorridorException error) {
    log.add("attemptFailed " + attempt + " " + error.kind());
    attemptErrors.add(error);
  }

  @Override
  public synchronized void connectionLost(CorridorException error) {
    log.add("connectionLost " + error.kind());
  }

  @Override
  public synchronized void rttMeasured(long rtt, long smoothed) {
    rttNanos.add(rtt);
    smoothedRttNanos.add(smoothed);
  }

  @Override
  public synchronized void messageSent(int bytes) {
    messagesSent++;
  }

  @Override
  public synchronized void messageReceived(int bytes) {
    messagesReceived++;
  }

  @Override
  public synchronized void protocolError(CorridorException error) {
    protocolErrors.add(error);
  }

  @Override
  public synchronized void callbackFailed(Throwable error) {
    callbackFailures.add(error);
  }

  @Override
  public synchronized void sendEnded(String topic, SendResult.Outcome outcome) {
    sendsEnded++;
  }
}
