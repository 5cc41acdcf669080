package dev.corridor;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CLOSING;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.StateChange.Cause.CLOSE_COMPLETED;
import static dev.corridor.StateChange.Cause.CLOSE_REQUESTED;
import static dev.corridor.StateChange.Cause.CONNECTION_LOST;
import static dev.corridor.StateChange.Cause.RETRY_TIMER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Application code that throws (a backoff policy, a random source, a network monitor) is reported
 * to {@link EventListener#callbackFailed} and replaced by its documented fallback; it never
 * leaves the client half way through a transition. Virtual time.
 */
class ThrowingApplicationCodeTest {
  private final Harness h = new Harness();

  @AfterEach
  void nothingUnexpected() {
    h.states.assertNoMoreChanges();
  }

  /** Connects with {@code builder}, lets the server close, and returns the change to WAITING_TO_RETRY. */
  private StateChange connectedThenClosedByServer(CorridorClient.Builder builder) {
    h.start(builder);
    h.states.assertState(IDLE, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    h.server.transport.last().serverClose(1011, "restarting");
    assertThat(h.client.state()).as("state after the server's close").isEqualTo(WAITING_TO_RETRY);
    return h.states.assertState(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST);
  }

  @Test
  void aBackoffPolicyThatThrowsAfterAServerCloseIsReportedAndTheDefaultBackoffReconnects() {
    IllegalStateException bug = new IllegalStateException("backoff bug");
    StateChange waiting = connectedThenClosedByServer(h.builder().backoff(new BackoffPolicy() {
      @Override
      public long delayMillis(int step, long outageMillis, RandomSource random) {
        throw bug;
      }

      @Override
      public int steadyStep() {
        return 3;
      }
    }));
    assertThat(h.events.callbackFailures).containsExactly(bug);
    assertThat(waiting.retryDelayMillis()).as("ExponentialBackoff.DEFAULT's first delay at random 0")
        .isEqualTo(1_000);
    h.advanceExactly(1_000, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(h.server.transport.openCount()).isEqualTo(2);
  }

  @Test
  void aBackoffPolicyWhoseSteadyStepThrowsOrReturnsNegativeDelaysIsReportedAndReconnects() {
    IllegalStateException bug = new IllegalStateException("steadyStep bug");
    StateChange waiting = connectedThenClosedByServer(h.builder().backoff(new BackoffPolicy() {
      @Override
      public long delayMillis(int step, long outageMillis, RandomSource random) {
        return -5;
      }

      @Override
      public int steadyStep() {
        throw bug;
      }
    }));
    assertThat(h.events.callbackFailures).hasSize(2);
    assertThat(h.events.callbackFailures.get(0)).isSameAs(bug);
    assertThat(h.events.callbackFailures.get(1)).hasMessageContaining("negative delay: -5");
    assertThat(waiting.retryDelayMillis()).isEqualTo(1_000);
    h.advance(waiting.retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void aRandomSourceThatThrowsIsReportedAndJitterFallsBackToJavaUtilRandom() {
    IllegalStateException bug = new IllegalStateException("random bug");
    StateChange waiting = connectedThenClosedByServer(h.builder().random(() -> {
      throw bug;
    }));
    assertThat(h.events.callbackFailures).contains(bug);
    assertThat(waiting.retryDelayMillis()).as("a jittered first delay of the default backoff")
        .isBetween(200L, 1_000L);
    h.advance(waiting.retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void closeReachesClosedWhenTheNetworkMonitorsStopThrows() {
    IllegalStateException bug = new IllegalStateException("unregister failed");
    RecordingMonitor monitor = new RecordingMonitor(bug);
    h.start(h.builder().networkMonitor(monitor));
    h.states.assertState(IDLE, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);

    h.client.close();
    h.states.assertState(CONNECTED, CLOSING, CLOSE_REQUESTED);
    h.server.transport.last().listener.onClosed(1000, "");

    assertThat(h.client.state()).as("state after the server's close answer").isEqualTo(CLOSED);
    h.states.assertState(CLOSING, CLOSED, CLOSE_COMPLETED);
    assertThat(monitor.calls).containsExactly("start", "stop");
    assertThat(h.events.callbackFailures).containsExactly(bug);
  }

  @Test
  void closeBeforeConnectNeverStopsAMonitorThatWasNeverStarted() {
    RecordingMonitor monitor = new RecordingMonitor(null);
    h.client = h.builder().networkMonitor(monitor).build();
    h.client.addStateListener(h.states);

    h.client.close();

    h.states.assertState(IDLE, CLOSED, CLOSE_REQUESTED);
    assertThat(monitor.calls).as("calls into the network monitor").isEmpty();
    assertThat(h.events.callbackFailures).isEmpty();
  }

  /** Records its calls; {@code stop()} throws {@code stopFailure} if given. */
  private static final class RecordingMonitor implements NetworkMonitor {
    final List<String> calls = new ArrayList<>();
    private final RuntimeException stopFailure;

    RecordingMonitor(RuntimeException stopFailure) {
      this.stopFailure = stopFailure;
    }

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public void start(Listener listener) {
      calls.add("start");
    }

    @Override
    public void stop() {
      calls.add("stop");
      if (stopFailure != null) throw stopFailure;
    }
  }
}
