package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {
  /** Just below 1: takes (almost) the whole jitter off. */
  private static final double ALMOST_ONE = Math.nextDown(1.0);

  /** The waits of steps 0 .. count-1 of an outage that began just now, at a fixed random value. */
  private static List<Long> delays(BackoffPolicy policy, double random, int count) {
    List<Long> out = new ArrayList<>();
    for (int step = 0; step < count; step++) out.add(policy.delayMillis(step, 0, () -> random));
    return out;
  }

  @Test
  void defaultCeilingsDoubleFromOneSecondToTheCadenceAtTheCap() {
    // Random 0 gives each ceiling itself below the cap, and the low end of the spread at the cap.
    assertThat(delays(ExponentialBackoff.DEFAULT, 0.0, 6))
        .containsExactly(1000L, 2000L, 4000L, 2875L, 5175L, 5175L);
    assertThat(ExponentialBackoff.DEFAULT.steadyStep()).isEqualTo(4);
  }

  @Test
  void jitterAppliesToTheFirstStepAndSpreadsTheFirstWaitAtTheCapWidely() {
    assertThat(delays(ExponentialBackoff.DEFAULT, ALMOST_ONE, 6))
        .containsExactly(200L, 400L, 800L, 8625L, 6325L, 6325L);
    assertThat(delays(ExponentialBackoff.DEFAULT, 0.5, 5))
        .containsExactly(600L, 1200L, 2400L, 5750L, 5750L);
  }

  @Test
  void afterTheSlowAfterTimeEveryWaitIsDrawnAroundTheSlowDelay() {
    ExponentialBackoff d = ExponentialBackoff.DEFAULT;
    long twoMinutes = TimeUnit.MINUTES.toMillis(2);
    assertThat(d.delayMillis(4, twoMinutes - 1, () -> 0.5)).isEqualTo(5750);
    assertThat(d.delayMillis(4, twoMinutes, () -> 0.5)).isEqualTo(30_000);
    assertThat(d.delayMillis(0, twoMinutes, () -> 0.0)).isEqualTo(18_000);
    assertThat(d.delayMillis(4, twoMinutes, () -> ALMOST_ONE)).isEqualTo(42_000);
    ExponentialBackoff never = d.toBuilder().slowAfter(0, TimeUnit.SECONDS).build();
    assertThat(never.delayMillis(4, TimeUnit.HOURS.toMillis(5), () -> 0.5)).isEqualTo(5750);
  }

  @Test
  void fullJitterCanReachZeroBelowTheCapAndNoJitterIsExact() {
    ExponentialBackoff full = ExponentialBackoff.builder().jitter(1.0).build();
    assertThat(delays(full, ALMOST_ONE, 2)).containsExactly(0L, 0L);
    ExponentialBackoff none = ExponentialBackoff.builder().jitter(0.0).build();
    assertThat(delays(none, 0.9, 6)).containsExactly(1000L, 2000L, 4000L, 5750L, 5750L, 5750L);
  }

  @Test
  void customMultiplierAndCap() {
    ExponentialBackoff b = ExponentialBackoff.builder()
        .initialDelay(100, TimeUnit.MILLISECONDS).multiplier(1.6).maxDelay(300, TimeUnit.MILLISECONDS)
        .jitter(0).build();
    assertThat(delays(b, 0.0, 4)).containsExactly(100L, 160L, 256L, 300L);
    assertThat(b.steadyStep()).isEqualTo(4);
  }

  @Test
  void aMultiplierOfOneNeverGrowsAndCountsNoSteps() {
    ExponentialBackoff flat = ExponentialBackoff.builder().multiplier(1).jitter(0).build();
    assertThat(delays(flat, 0.0, 3)).containsExactly(1000L, 1000L, 1000L);
    assertThat(flat.steadyStep()).isEqualTo(0);
    ExponentialBackoff atCap = ExponentialBackoff.builder().multiplier(1).jitter(0)
        .initialDelay(2, TimeUnit.SECONDS).maxDelay(2, TimeUnit.SECONDS).build();
    assertThat(delays(atCap, 0.0, 2)).containsExactly(2000L, 2000L);
    assertThat(atCap.steadyStep()).isEqualTo(1);
  }

  @Test
  void invalidSettingsAreRejectedWhenBuilt() {
    assertThatThrownBy(() -> ExponentialBackoff.builder().jitter(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
    assertThatThrownBy(() -> ExponentialBackoff.builder().multiplier(0.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> ExponentialBackoff.builder().initialDelay(0, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialDelay");
    assertThatThrownBy(() -> ExponentialBackoff.builder()
        .initialDelay(10, TimeUnit.SECONDS).maxDelay(1, TimeUnit.SECONDS).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds maxDelay");
    assertThatThrownBy(() -> ExponentialBackoff.builder().slowAfter(-1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slowAfter");
    assertThatThrownBy(() -> ExponentialBackoff.builder().slowDelay(0, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slowDelay");
  }
}
