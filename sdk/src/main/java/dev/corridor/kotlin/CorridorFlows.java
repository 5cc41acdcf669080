package dev.corridor.kotlin;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.EventListener;
import dev.corridor.StateChange;
import kotlinx.coroutines.channels.BufferOverflow;
import kotlinx.coroutines.flow.FlowKt;
import kotlinx.coroutines.flow.MutableSharedFlow;
import kotlinx.coroutines.flow.MutableStateFlow;
import kotlinx.coroutines.flow.SharedFlow;
import kotlinx.coroutines.flow.SharedFlowKt;
import kotlinx.coroutines.flow.StateFlow;
import kotlinx.coroutines.flow.StateFlowKt;

/**
 * Kotlin flows over a {@link CorridorClient}. From Kotlin:
 *
 * <pre>{@code
 * val state: StateFlow<ConnectionState> = CorridorFlows.state(client)
 * lifecycleScope.launch { state.collect { render(it) } }
 * }</pre>
 *
 * Each call registers one listener for the client's lifetime: call once per client and share the
 * flow.
 */
public final class CorridorFlows {
  /** Events buffered for slow collectors before the oldest are dropped. */
  public static final int EVENT_BUFFER = 256;

  private CorridorFlows() {}

  /**
   * The client's state as a {@code StateFlow}. Like every {@code StateFlow} it is conflated: a slow
   * collector sees the newest state, not every intermediate one (use {@link #events} for those).
   */
  public static StateFlow<ConnectionState> state(CorridorClient client) {
    MutableStateFlow<ConnectionState> flow = StateFlowKt.MutableStateFlow(client.state());
    client.addEventListener(new EventListener() {
      @Override
      public void stateChanged(StateChange change) {
        flow.setValue(change.current());
      }
    });
    // A change between reading the state above and registering is caught by re-reading it.
    flow.setValue(client.state());
    return FlowKt.asStateFlow(flow);
  }

  /**
   * The client's events as a hot {@code SharedFlow}. Emission never blocks the client: a collector
   * more than {@link #EVENT_BUFFER} events behind loses the oldest ones.
   */
  public static SharedFlow<CorridorEvent> events(CorridorClient client) {
    MutableSharedFlow<CorridorEvent> flow =
        SharedFlowKt.MutableSharedFlow(0, EVENT_BUFFER, BufferOverflow.DROP_OLDEST);
    client.addEventListener(new EventListener() {
      private void emit(CorridorEvent.Type type, long attempt, long nanos, long smoothed, int bytes,
          StateChange change, Throwable error) {
        flow.tryEmit(new CorridorEvent(type, attempt, nanos, smoothed, bytes, change, error));
      }

      @Override
      public void attemptStarted(long attempt) {
        emit(CorridorEvent.Type.ATTEMPT_STARTED, attempt, -1, -1, -1, null, null);
      }

      @Override
      public void attemptSucceeded(long attempt, long connectNanos) {
        emit(CorridorEvent.Type.ATTEMPT_SUCCEEDED, attempt, connectNanos, -1, -1, null, null);
      }

      @Override
      public void attemptFailed(long attempt, CorridorException error) {
        emit(CorridorEvent.Type.ATTEMPT_FAILED, attempt, -1, -1, -1, null, error);
      }

      @Override
      public void connectionLost(CorridorException error) {
        emit(CorridorEvent.Type.CONNECTION_LOST, -1, -1, -1, -1, null, error);
      }

      @Override
      public void stateChanged(StateChange change) {
        emit(CorridorEvent.Type.STATE_CHANGED, -1, -1, -1, -1, change, null);
      }

      @Override
      public void rttMeasured(long rttNanos, long smoothedRttNanos) {
        emit(CorridorEvent.Type.RTT_MEASURED, -1, rttNanos, smoothedRttNanos, -1, null, null);
      }

      @Override
      public void messageSent(int bytes) {
        emit(CorridorEvent.Type.MESSAGE_SENT, -1, -1, -1, bytes, null, null);
      }

      @Override
      public void messageReceived(int bytes) {
        emit(CorridorEvent.Type.MESSAGE_RECEIVED, -1, -1, -1, bytes, null, null);
      }

      @Override
      public void protocolError(CorridorException error) {
        emit(CorridorEvent.Type.PROTOCOL_ERROR, -1, -1, -1, -1, null, error);
      }

      @Override
      public void callbackFailed(Throwable error) {
        emit(CorridorEvent.Type.CALLBACK_FAILED, -1, -1, -1, -1, null, error);
      }
    });
    return FlowKt.asSharedFlow(flow);
  }
}
