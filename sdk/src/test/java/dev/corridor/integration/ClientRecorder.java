package dev.corridor.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorException;
import dev.corridor.EventListener;
import dev.corridor.StateChange;
import dev.corridor.StateListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records what a client reports, for tests on real sockets.
 *
 * <ul>
 *   <li>As a {@link StateListener} (called on the client's callback executor, asynchronously) it
 *       queues every change; {@link #awaitChange} takes them one by one, waiting at most
 *       {@link CorridorTestServer#TIMEOUT_SECONDS}.
 *   <li>As an {@link EventListener} (called synchronously in the client's serial context) it keeps
 *       a log of changes that is complete as soon as anything the client did after them is
 *       observed, e.g. a Pong reaching the server. {@link #stateChangesSoFar()} reads it.
 * </ul>
 */
final class ClientRecorder extends EventListener implements StateListener {
  private final BlockingQueue<StateChange> changes = new LinkedBlockingQueue<>();
  private final List<StateChange> syncChanges = new ArrayList<>();
  private final BlockingQueue<CorridorException> protocolErrors = new LinkedBlockingQueue<>();
  private final List<CorridorException> allErrors = new ArrayList<>();
  private final List<Throwable> callbackFailures = new ArrayList<>();
  private final BlockingQueue<Long> rtts = new LinkedBlockingQueue<>();

  // ---- StateListener ----

  @Override
  public void onStateChanged(StateChange change) {
    changes.add(change);
  }

  // ---- EventListener ----

  @Override
  public synchronized void stateChanged(StateChange change) {
    syncChanges.add(change);
    if (change.error() != null) allErrors.add(change.error());
  }

  @Override
  public synchronized void attemptFailed(long attempt, CorridorException error) {
    allErrors.add(error);
  }

  @Override
  public synchronized void connectionLost(CorridorException error) {
    allErrors.add(error);
  }

  @Override
  public void protocolError(CorridorException error) {
    synchronized (this) {
      allErrors.add(error);
    }
    protocolErrors.add(error);
  }

  @Override
  public synchronized void callbackFailed(Throwable error) {
    callbackFailures.add(error);
  }

  @Override
  public void rttMeasured(long rttNanos, long smoothedRttNanos) {
    rtts.add(rttNanos);
  }

  // ---- Assertions ----

  /** Takes the next state change, asserting where it came from, went to and why. */
  StateChange awaitChange(ConnectionState from, ConnectionState to, StateChange.Cause cause)
      throws InterruptedException {
    StateChange change = changes.poll(CorridorTestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(change).as("state change %s -> %s (%s) within %s s; changes so far: %s",
        from, to, cause, CorridorTestServer.TIMEOUT_SECONDS, stateChangesSoFar()).isNotNull();
    assertThat(change.previous()).as("previous state of %s", change).isEqualTo(from);
    assertThat(change.current()).as("new state of %s", change).isEqualTo(to);
    assertThat(change.cause()).as("cause of %s", change).isEqualTo(cause);
    return change;
  }

  /** As {@link #awaitChange(ConnectionState, ConnectionState, StateChange.Cause)}, with an error of {@code kind}. */
  StateChange awaitFailure(ConnectionState from, ConnectionState to, StateChange.Cause cause,
      CorridorException.Kind kind) throws InterruptedException {
    StateChange change = awaitChange(from, to, cause);
    assertThat(change.error()).as("error of %s", change).isNotNull();
    assertThat(change.error().kind()).as("error kind of %s", change).isEqualTo(kind);
    return change;
  }

  /** Takes the next state change, whatever it is. */
  StateChange awaitNextChange() throws InterruptedException {
    StateChange change = changes.poll(CorridorTestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(change).as("a state change within %s s; changes so far: %s",
        CorridorTestServer.TIMEOUT_SECONDS, stateChangesSoFar()).isNotNull();
    return change;
  }

  /** Takes the next round-trip time measured by the heartbeat, in ns. */
  long awaitRttNanos() throws InterruptedException {
    Long rtt = rtts.poll(CorridorTestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(rtt).as("RTT measured within %s s", CorridorTestServer.TIMEOUT_SECONDS).isNotNull();
    return rtt;
  }

  /** Takes the next protocol error reported to the event listener. */
  CorridorException awaitProtocolError() throws InterruptedException {
    CorridorException error = protocolErrors.poll(CorridorTestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(error).as("protocol error within %s s", CorridorTestServer.TIMEOUT_SECONDS).isNotNull();
    return error;
  }

  /** Every state change the client has made, in order, as seen synchronously by the event listener. */
  synchronized List<StateChange> stateChangesSoFar() {
    return new ArrayList<>(syncChanges);
  }

  /** Every error reported so far, through state changes, attempt failures, lost connections and protocol errors. */
  synchronized List<CorridorException> errorsSoFar() {
    return new ArrayList<>(allErrors);
  }

  /** What the client reported to {@link EventListener#callbackFailed} so far. */
  synchronized List<Throwable> callbackFailuresSoFar() {
    return new ArrayList<>(callbackFailures);
  }

  /** State changes delivered to the state listener and not yet taken. */
  List<StateChange> pendingChanges() {
    return new ArrayList<>(changes);
  }
}
