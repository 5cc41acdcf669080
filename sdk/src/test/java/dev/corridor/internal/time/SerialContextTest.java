package dev.corridor.internal.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SerialContextTest {
  private final List<Throwable> uncaught = new ArrayList<>();
  private final SerialContext context = new SerialContext(uncaught::add);

  @Test
  void nestedSubmissionsRunAfterTheCurrentTaskInOrder() {
    List<String> order = new ArrayList<>();
    context.execute(() -> {
      order.add("outer start");
      context.execute(() -> order.add("inner 1"));
      context.execute(() -> order.add("inner 2"));
      order.add("outer end");
    });
    assertThat(order).containsExactly("outer start", "outer end", "inner 1", "inner 2");
  }

  @Test
  void aThrowingTaskIsReportedAndTheNextStillRuns() {
    List<String> order = new ArrayList<>();
    context.execute(() -> {
      context.execute(() -> {
        throw new IllegalStateException("boom");
      });
      context.execute(() -> order.add("after"));
    });
    assertThat(uncaught).singleElement().satisfies(t -> assertThat(t).hasMessage("boom"));
    assertThat(order).containsExactly("after");
  }

  @Test
  void checkInContextPassesInsideAndFailsOutside() {
    AtomicInteger checked = new AtomicInteger();
    context.execute(() -> {
      context.checkInContext();
      checked.incrementAndGet();
    });
    assertThat(checked).hasValue(1);
    assertThatThrownBy(context::checkInContext).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void tasksFromManyThreadsNeverOverlap() throws InterruptedException {
    int threads = 4;
    int perThread = 20_000;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] counter = {0}; // deliberately unsynchronized: only the context touches it
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          context.execute(() -> {
            if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
            counter[0]++;
            inside.decrementAndGet();
          });
        }
      });
      workers.add(w);
      w.start();
    }
    start.countDown();
    for (Thread w : workers) w.join();
    context.execute(() -> {}); // drains anything left, then publishes counter via the queue
    assertThat(overlaps).hasValue(0);
    assertThat(counter[0]).isEqualTo(threads * perThread);
  }

  @Test
  void argumentFormRunsInlineOnTheCallingThreadWhenIdle() {
    Object argument = new Object();
    List<Object> seen = new ArrayList<>();
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    context.execute(42L, argument, (tag, arg) -> {
      ranOn.set(Thread.currentThread());
      context.checkInContext(); // the inline run owns the context like a drained one
      seen.add(tag);
      seen.add(arg);
    });

    assertThat(ranOn).as("ran before execute returned, on the caller").hasValue(Thread.currentThread());
    assertThat(seen).containsExactly(42L, argument);
    assertThat(uncaught).isEmpty();
    assertThatThrownBy(context::checkInContext).as("left the context after the task")
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void tasksSubmittedFromARunningTaskOfEitherFormRunAfterItNotInsideIt() {
    List<String> order = new ArrayList<>();
    context.execute(1L, "outer", (tag, name) -> {
      order.add(name + " start");
      context.execute(() -> order.add("runnable"));
      context.execute(2L, "argument", (t, n) -> {
        order.add(n + " " + t + " start");
        context.execute(() -> order.add("nested runnable"));
        order.add(n + " " + t + " end");
      });
      context.execute(() -> order.add("last runnable"));
      order.add(name + " end");
    });

    assertThat(order).containsExactly("outer start", "outer end", "runnable", "argument 2 start",
        "argument 2 end", "last runnable", "nested runnable");
    assertThat(uncaught).isEmpty();
  }

  @Test
  void aThrowingTaskRunInlineIsReportedAndLaterTasksStillRun() {
    List<String> order = new ArrayList<>();

    context.execute(() -> {
      throw new IllegalStateException("runnable boom");
    });
    context.execute(7L, "x", (tag, arg) -> {
      throw new IllegalArgumentException("argument boom " + tag + arg);
    });
    context.execute(() -> order.add("runnable after"));
    context.execute(8L, "y", (tag, arg) -> order.add("argument after " + tag + arg));

    assertThat(uncaught).extracting(Throwable::getMessage)
        .containsExactly("runnable boom", "argument boom 7x");
    assertThat(order).containsExactly("runnable after", "argument after 8y");
  }

  @Test
  void aThrowingQueuedTaskOfEitherFormIsReportedAndTheDrainGoesOn() {
    List<String> order = new ArrayList<>();
    context.execute(() -> {
      context.execute(3L, "q", (tag, arg) -> {
        throw new IllegalArgumentException("queued argument boom " + tag + arg);
      });
      context.execute(() -> order.add("after argument"));
      context.execute(() -> {
        throw new IllegalStateException("queued runnable boom");
      });
      context.execute(4L, "z", (tag, arg) -> order.add("after runnable " + tag + arg));
    });

    assertThat(uncaught).extracting(Throwable::getMessage)
        .containsExactly("queued argument boom 3q", "queued runnable boom");
    assertThat(order).containsExactly("after argument", "after runnable 4z");
    context.execute(() -> order.add("still usable"));
    assertThat(order).endsWith("still usable");
  }

  @Test
  void concurrentSubmittersOfBothFormsRunEveryTaskExactlyOnceOneAtATimeInEachSubmittersOrder()
      throws InterruptedException {
    int threads = 6;
    int perThread = 20_000;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
    int[] lastFromThread = new int[threads]; // unsynchronized on purpose: only tasks touch it
    java.util.Arrays.fill(lastFromThread, -1);
    AtomicInteger outOfOrder = new AtomicInteger();
    SerialContext.TaskWithArgument<Integer> byArgument = (thread, index) -> {
      if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
      runs.incrementAndGet((int) thread * perThread + index);
      if (lastFromThread[(int) thread] != index - 1) outOfOrder.incrementAndGet();
      lastFromThread[(int) thread] = index;
      inside.decrementAndGet();
    };
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> workerErrors = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread w = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < perThread; i++) {
            int index = i;
            if ((i + thread) % 2 == 0) {
              context.execute(() -> byArgument.run(thread, index));
            } else {
              context.execute(thread, index, byArgument);
            }
          }
        } catch (Throwable e) {
          workerErrors.add(e);
        }
      });
      workers.add(w);
      w.start();
    }
    start.countDown();
    for (Thread w : workers) w.join();

    // No further execute(): a task stranded in the queue must show up as a missing run.
    assertThat(workerErrors).isEmpty();
    assertThat(uncaught).isEmpty();
    assertThat(overlaps).as("tasks running at the same time").hasValue(0);
    assertThat(outOfOrder).as("tasks run out of their submitter's order").hasValue(0);
    List<Integer> notExactlyOnce = new ArrayList<>();
    for (int i = 0; i < runs.length(); i++) if (runs.get(i) != 1) notExactlyOnce.add(i);
    assertThat(notExactlyOnce).as("tasks that did not run exactly once").isEmpty();
  }
}
