package dev.corridor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeTimeTest {
  private final FakeTime time = new FakeTime();
  private final List<String> ran = new ArrayList<>();

  @Test
  void nothingRunsUntilTimeIsAdvanced() {
    time.schedule(() -> ran.add("now"), 0, TimeUnit.SECONDS);
    assertThat(ran).isEmpty();
    time.runDueTasks();
    assertThat(ran).containsExactly("now");
  }

  @Test
  void tasksRunInDueOrderSeeingTheirOwnDueTime() {
    time.schedule(() -> ran.add("b@" + time.nanoTime()), 2, TimeUnit.SECONDS);
    time.schedule(() -> ran.add("a@" + time.nanoTime()), 1, TimeUnit.SECONDS);
    time.schedule(() -> ran.add("c@" + time.nanoTime()), 2, TimeUnit.SECONDS);
    assertThat(time.pendingDelays(TimeUnit.MILLISECONDS)).containsExactly(1000L, 2000L, 2000L);
    time.advanceBy(5, TimeUnit.SECONDS);
    assertThat(ran).containsExactly("a@1000000000", "b@2000000000", "c@2000000000");
    assertThat(time.nanoTime()).isEqualTo(5_000_000_000L);
    assertThat(time.currentTimeMillis()).isEqualTo(FakeTime.EPOCH_MILLIS + 5000);
  }

  @Test
  void tasksScheduledByTasksRunIfDueWithinTheSameAdvance() {
    time.schedule(() -> {
      ran.add("first");
      time.schedule(() -> ran.add("second"), 1, TimeUnit.SECONDS);
    }, 1, TimeUnit.SECONDS);
    time.advanceBy(1500, TimeUnit.MILLISECONDS);
    assertThat(ran).containsExactly("first");
    assertThat(time.nextTaskDelay(TimeUnit.MILLISECONDS)).isEqualTo(500);
    time.advanceBy(500, TimeUnit.MILLISECONDS);
    assertThat(ran).containsExactly("first", "second");
  }

  @Test
  void cancelledTasksNeverRun() {
    Scheduler.Cancellable c = time.schedule(() -> ran.add("x"), 1, TimeUnit.SECONDS);
    c.cancel();
    time.advanceBy(2, TimeUnit.SECONDS);
    assertThat(ran).isEmpty();
    assertThat(time.pendingTaskCount()).isZero();
    assertThat(time.nextTaskDelay(TimeUnit.SECONDS)).isEqualTo(-1);
  }
}
