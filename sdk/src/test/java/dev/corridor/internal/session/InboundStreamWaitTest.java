package dev.corridor.internal.session;

import static dev.corridor.internal.session.InboundStream.MAX_WAIT_NANOS;
import static dev.corridor.internal.session.InboundStream.MIN_WAIT_NANOS;
import static dev.corridor.internal.session.InboundStream.nextWait;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The drain's adaptive wait for the next message (the wait itself runs in real time, by design). */
class InboundStreamWaitTest {
  @Test
  void aRewardedWaitDoublesUpToTheMaximum() {
    long w = MIN_WAIT_NANOS;
    w = nextWait(w, true);
    assertThat(w).isEqualTo(2 * MIN_WAIT_NANOS);
    for (int i = 0; i < 20; i++) w = nextWait(w, true);
    assertThat(w).isEqualTo(MAX_WAIT_NANOS);
  }

  @Test
  void aWaitThatRunsOutIsQuarteredDownToTheMinimum() {
    long w = MAX_WAIT_NANOS;
    w = nextWait(w, false);
    assertThat(w).isEqualTo(MAX_WAIT_NANOS / 4);
    for (int i = 0; i < 20; i++) w = nextWait(w, false);
    assertThat(w).isEqualTo(MIN_WAIT_NANOS);
  }

  @Test
  void aSparseStreamKeepsTheShortestWait() {
    // Each burst of one message ends with a wait that runs out: the wait never grows.
    long w = MIN_WAIT_NANOS;
    for (int i = 0; i < 100; i++) w = nextWait(w, false);
    assertThat(w).isEqualTo(MIN_WAIT_NANOS);
  }

  @Test
  void oneMissAfterADenseRunDoesNotDropTheWaitToTheMinimum() {
    long w = MAX_WAIT_NANOS;
    w = nextWait(w, false);
    assertThat(w).isGreaterThan(MIN_WAIT_NANOS);
    assertThat(nextWait(w, true)).isEqualTo(MAX_WAIT_NANOS / 2);
  }
}
