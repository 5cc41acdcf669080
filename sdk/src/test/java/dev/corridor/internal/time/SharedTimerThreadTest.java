package dev.corridor.internal.time;

import static java.util.concurrent.TimeUnit.HOURS;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.Clock;
import dev.corridor.Scheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SystemScheduler}, the default timer: one real {@code corridor-timer} thread shared by
 * every client, running each client's tasks on that client's {@link Clock}. Real time, latches
 * with timeouts.
 */
@Timeout(15)
class SharedTimerThreadTest {

  /**
   * A clock that keeps counting while {@code System.nanoTime} stands still, as Android's
   * {@code elapsedRealtimeNanos} does in deep sleep: {@link #sleep} adds to it at once.
   */
  private static final class DeepSleepClock implements Clock {
    private final AtomicLong slept = new AtomicLong();

    @Override
    public long nanoTime() {
      return System.nanoTime() + slept.get();
    }

    @Override
    public long currentTimeMillis() {
      return System.currentTimeMillis() + slept.get() / 1_000_000;
    }

    void sleep(long duration, java.util.concurrent.TimeUnit unit) {
      slept.addAndGet(unit.toNanos(duration));
    }
  }

  @Test
  void aTaskDueDuringDeepSleepRunsSoonAfterTheDeviceWakes() throws Exception {
    DeepSleepClock clock = new DeepSleepClock();
    Scheduler timer = SystemScheduler.forClock(clock);
    long due = clock.nanoTime() + HOURS.toNanos(1);
    AtomicLong ranAt = new AtomicLong();
    CountDownLatch ran = new CountDownLatch(1);
    AtomicBoolean laterTaskRan = new AtomicBoolean();
    timer.schedule(() -> {
      ranAt.set(clock.nanoTime());
      ran.countDown();
    }, 1, HOURS);
    Scheduler.Cancellable later = timer.schedule(() -> laterTaskRan.set(true), 3, HOURS);

    clock.sleep(61, java.util.concurrent.TimeUnit.MINUTES); // an hour passes; System.nanoTime barely moves

    assertThat(ran.await(10, SECONDS)).as("the one-hour task ran within 10 s of waking").isTrue();
    assertThat(ranAt.get()).as("not before its deadline on the clock").isGreaterThanOrEqualTo(due);
    // A task scheduled now runs after anything already due: the three-hour one is not.
    CountDownLatch probe = new CountDownLatch(1);
    timer.schedule(probe::countDown, 0, MILLISECONDS);
    assertThat(probe.await(5, SECONDS)).isTrue();
    assertThat(laterTaskRan).as("the three-hour task ran after one hour").isFalse();
    later.cancel();
  }

  @Test
  void aDeepSleepTaskBehindAnEarlierSystemClockTaskStillRunsSoonAfterTheDeviceWakes() throws Exception {
    // Another client's timer (e.g. a heartbeat a minute away) is the earliest deadline, and the
    // thread sleeps until then: the first task on another clock must make it recheck the clocks.
    Scheduler.Cancellable heartbeat =
        SystemScheduler.INSTANCE.schedule(() -> {}, 1, java.util.concurrent.TimeUnit.MINUTES);
    awaitTimerThreadWaiting(); // asleep until the heartbeat's deadline
    DeepSleepClock clock = new DeepSleepClock();
    CountDownLatch ran = new CountDownLatch(1);
    Scheduler.Cancellable task = SystemScheduler.forClock(clock).schedule(ran::countDown, 1, HOURS);

    clock.sleep(61, java.util.concurrent.TimeUnit.MINUTES);

    try {
      assertThat(ran.await(10, SECONDS)).as("the one-hour task ran within 10 s of waking").isTrue();
    } finally {
      task.cancel();
      heartbeat.cancel();
    }
  }

  @Test
  void tasksOnTheSystemClockRunInDeadlineOrder() throws Exception {
    Scheduler timer = SystemScheduler.forClock(Clock.SYSTEM);
    List<Long> order = Collections.synchronizedList(new ArrayList<>());
    long[] delays = {250, 50, 200, 0, 100, 150};
    CountDownLatch ran = new CountDownLatch(delays.length);
    for (long delay : delays) {
      timer.schedule(() -> {
        order.add(delay);
        ran.countDown();
      }, delay, MILLISECONDS);
    }

    assertThat(ran.await(5, SECONDS)).isTrue();
    assertThat(order).containsExactly(0L, 50L, 100L, 150L, 200L, 250L);
  }

  @Test
  void tasksWithoutDelayRunInTheOrderTheyWereScheduled() throws Exception {
    Scheduler timer = SystemScheduler.forClock(Clock.SYSTEM);
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch ran = new CountDownLatch(100);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      expected.add(n);
      timer.schedule(() -> {
        order.add(n);
        ran.countDown();
      }, 0, MILLISECONDS);
    }

    assertThat(ran.await(5, SECONDS)).isTrue();
    assertThat(order).isEqualTo(expected);
  }

  @Test
  void aCancelledTaskNeverRuns() throws Exception {
    Scheduler timer = SystemScheduler.forClock(new DeepSleepClock());
    AtomicBoolean cancelledRan = new AtomicBoolean();
    CountDownLatch later = new CountDownLatch(1);
    timer.schedule(() -> cancelledRan.set(true), 50, MILLISECONDS).cancel();
    timer.schedule(later::countDown, 100, MILLISECONDS);

    assertThat(later.await(5, SECONDS)).isTrue();
    assertThat(cancelledRan).as("the cancelled task, due before the one that ran").isFalse();
  }

  /**
   * Returns once the shared timer thread has taken every task due now and waits for its next
   * deadline: a probe task proves the queue was read, the thread's state that it went back to wait.
   */
  private static void awaitTimerThreadWaiting() throws InterruptedException {
    CountDownLatch probe = new CountDownLatch(1);
    SystemScheduler.INSTANCE.schedule(probe::countDown, 0, MILLISECONDS);
    assertThat(probe.await(5, SECONDS)).as("the timer thread runs").isTrue();
    Thread timer = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("corridor-timer")).findFirst().orElseThrow();
    long deadline = System.nanoTime() + SECONDS.toNanos(5);
    while (timer.getState() != Thread.State.TIMED_WAITING && timer.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as("the timer thread goes back to wait").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
