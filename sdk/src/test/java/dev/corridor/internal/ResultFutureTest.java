package dev.corridor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ResultFutureTest {
  @Test
  void theApplicationCanNeitherCompleteNorCancelIt() {
    ResultFuture<String> f = new ResultFuture<>();
    assertThat(f.complete("fake")).isFalse();
    assertThat(f.completeExceptionally(new RuntimeException("fake"))).isFalse();
    assertThat(f.cancel(true)).isFalse();
    assertThatThrownBy(() -> f.obtrudeValue("fake")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> f.obtrudeException(new RuntimeException())).isInstanceOf(UnsupportedOperationException.class);
    assertThat(f.isDone()).isFalse();
    f.succeed("real");
    assertThat(f.join()).isEqualTo("real");
  }

  @Test
  void orTimeoutTimesOutACopyInsteadOfBeingIgnored() throws Exception {
    ResultFuture<String> f = new ResultFuture<>();
    CompletableFuture<String> timed = f.orTimeout(50, TimeUnit.MILLISECONDS);
    assertThat(timed).isNotSameAs(f);
    assertThatThrownBy(() -> timed.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
    assertThat(f.isDone()).as("Corridor's future is untouched").isFalse();
  }

  @Test
  void orTimeoutPassesAResultThatComesInTime() throws Exception {
    ResultFuture<String> f = new ResultFuture<>();
    CompletableFuture<String> timed = f.orTimeout(5, TimeUnit.SECONDS);
    f.succeed("in time");
    assertThat(timed.get(5, TimeUnit.SECONDS)).isEqualTo("in time");
  }

  @Test
  void completeOnTimeoutCompletesACopyWithTheFallback() throws Exception {
    ResultFuture<String> f = new ResultFuture<>();
    assertThat(f.completeOnTimeout("fallback", 50, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS))
        .isEqualTo("fallback");
    assertThat(f.isDone()).isFalse();
  }
}
