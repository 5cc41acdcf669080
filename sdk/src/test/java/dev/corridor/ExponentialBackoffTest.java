package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {
  private static List<Long> delays(BackoffPolicy policy, double random, int count) {
    BackoffPolicy.Backoff backoff = policy.newBackoff(() -> random);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < count; i++) out.add(backoff.nextDelayMillis());
    return out;
  }

  @Test
  void defaultCeilingsDoubleFromOneSecondToThirtySecondCap() {
    assertThat(delays(ExponentialBackoff.DEFAULT, 0.0, 8))
        .containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
  }

  @Test
  void jitterAppliesToFirstAttemptAndAtCap() {
    // Random 1.0 (just under, in practice) takes the whole jitter off: a fifth of each ceiling.
    assertThat(delays(ExponentialBackoff.DEFAULT, 1.0, 7))
        .containsExactly(200L, 400L, 800L, 1600L, 3200L, 6000L, 6000L);
    assertThat(delays(ExponentialBackoff.DEFAULT, 0.5, 1)).containsExactly(600L);
    assertThat(delays(ExponentialBackoff.DEFAULT, 0.5, 7).get(6)).isEqualTo(18000L);
  }

  @Test
  void equalJitterIsOneSettingAway() {
    ExponentialBackoff equal = ExponentialBackoff.builder().jitter(0.5).build();
    assertThat(delays(equal, 1.0, 7)).containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 15000L, 15000L);
  }

  @Test
  void fullJitterCanReachZeroAndNoJitterIsExact() {
    ExponentialBackoff full = ExponentialBackoff.builder().jitter(1.0).build();
    assertThat(delays(full, 1.0, 2)).containsExactly(0L, 0L);
    ExponentialBackoff none = ExponentialBackoff.builder().jitter(0.0).build();
    assertThat(delays(none, 0.9, 3)).containsExactly(1000L, 2000L, 4000L);
  }

  @Test
  void attemptBudgetJumpsToTheCapAndKeepsRetrying() {
    ExponentialBackoff budget = ExponentialBackoff.builder().attemptBudget(2).build();
    assertThat(delays(budget, 0.0, 5)).containsExactly(1000L, 2000L, 30000L, 30000L, 30000L);
  }

  @Test
  void customMultiplierAndCap() {
    ExponentialBackoff b = ExponentialBackoff.builder()
        .initialDelay(100, TimeUnit.MILLISECONDS).multiplier(1.6).maxDelay(300, TimeUnit.MILLISECONDS)
        .build();
    assertThat(delays(b, 0.0, 4)).containsExactly(100L, 160L, 256L, 300L);
  }

  @Test
  void eachOutageStartsFromTheInitialDelay() {
    assertThat(delays(ExponentialBackoff.DEFAULT, 0.0, 3)).containsExactly(1000L, 2000L, 4000L);
    assertThat(delays(ExponentialBackoff.DEFAULT, 0.0, 1)).containsExactly(1000L);
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
    assertThatThrownBy(() -> ExponentialBackoff.builder().attemptBudget(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
