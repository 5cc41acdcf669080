package dev.corridor.internal.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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
}
