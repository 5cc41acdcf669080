package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat's rule while a full RELIABLE queue holds the socket's reads, in virtual time: the
 * silence is the client's own, so the link is not declared dead; the hold itself is bounded by
 * readHoldTimeout, after which the client reports SLOW_CONSUMER and reconnects.
 */
class ReadHoldHeartbeatTest {
  private final Harness h = new Harness();
  /** The listener's executor, never run: the queue stays full. */
  private final List<Runnable> neverRun = new ArrayList<>();

  private void fillTheQueue() {
    h.server.autoPong = false; // the link is silent: only the hold keeps it alive
    h.start(h.builder().readHoldTimeout(60, TimeUnit.SECONDS));
    h.states.skipTo(CONNECTED);
    h.client.subscribe("t", m -> {}, SubscribeOptions.builder().queueCapacity(4).executor(neverRun::add).build());
    // Exactly the capacity: the queue is full and holds reads, and no further read is attempted
    // (which would wait on this thread).
    for (int i = 0; i < 4; i++) h.server.publishToStream("t", "", "m" + i);
  }

  @Test
  void aSilentLinkIsNotDeclaredDeadWhileReadsAreHeld() {
    fillTheQueue();
    // Past interval + pong timeout (35 s) without a Pong, still short of the 60-s hold bound.
    h.advance(59_000);
    assertThat(h.client.state()).isEqualTo(CONNECTED);
    assertThat(h.events.log).noneMatch(e -> e.startsWith("connectionLost"));
  }

  @Test
  void theHoldEndsAtTheReadHoldTimeoutWithSlowConsumerAndAReconnect() {
    fillTheQueue();
    h.advanceExactly(60_000, CONNECTED);
    StateChange lost = h.states.assertFailure(CONNECTED, WAITING_TO_RETRY, CorridorException.Kind.SLOW_CONSUMER);
    assertThat(lost.cause()).isEqualTo(StateChange.Cause.READS_HELD_TOO_LONG);
    h.advance(lost.retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
  }

  @Test
  void withoutAHoldTheSameSilenceIsADeadLink() {
    h.server.autoPong = false;
    h.startConnected();
    h.advance(TimeUnit.SECONDS.toMillis(25 + 10));
    h.states.assertFailure(CONNECTED, WAITING_TO_RETRY, CorridorException.Kind.HEARTBEAT_TIMEOUT);
  }
}
