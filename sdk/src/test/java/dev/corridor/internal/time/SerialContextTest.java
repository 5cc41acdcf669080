package dev.corridor.internal.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SerialContextTest {
  private final List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
  /** Corridor's pool, as far as these tests are concerned: threads named "drain". */
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> new Thread(r, "drain"));
  private final SerialContext context = new SerialContext(pool, uncaught::add);
  /** A context whose drains run inline, as the virtual-time tier uses it. */
  private final SerialContext direct = new SerialContext(Runnable::run, uncaught::add);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void aCallerThreadOnlyQueuesAndNeverRunsTheBacklog() throws Exception {
    CountDownLatch blocker = new CountDownLatch(1);
    CountDownLatch ran = new CountDownLatch(3);
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    context.execute(() -> {
      await(blocker);
      threads.add(Thread.currentThread().getName());
      ran.countDown();
    });
    // The context is busy: these queue behind, and the calling thread returns at once.
    context.execute(() -> {
      threads.add(Thread.currentThread().getName());
      ran.countDown();
    });
    context.execute(() -> {
      threads.add(Thread.currentThread().getName());
      ran.countDown();
    });
    assertThat(threads).isEmpty();
    blocker.countDown();
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(threads).containsOnly("drain");
  }

  @Test
  void anIdleContextRunsATaskOnTheDrainNotOnTheCaller() throws Exception {
    AtomicReference<String> thread = new AtomicReference<>();
    CountDownLatch ran = new CountDownLatch(1);
    context.execute(() -> {
      thread.set(Thread.currentThread().getName());
      ran.countDown();
    });
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(thread.get()).isEqualTo("drain");
  }

  @Test
  void theReaderRunsItsMessageInlineWhenIdleButNeverWhatOthersQueued() throws Exception {
    AtomicReference<String> messageThread = new AtomicReference<>();
    AtomicReference<String> queuedThread = new AtomicReference<>();
    CountDownLatch queuedRan = new CountDownLatch(1);
    Thread reader = new Thread(() -> context.executeOnReader(7L, "m", (tag, arg) -> {
      messageThread.set(Thread.currentThread().getName() + ":" + tag + arg);
      // Queued while the reader is inside: it must go to a drain, not run on the reader.
      context.execute(() -> {
        queuedThread.set(Thread.currentThread().getName());
        queuedRan.countDown();
      });
    }), "reader");
    reader.start();
    reader.join();
    assertThat(messageThread.get()).isEqualTo("reader:7m");
    assertThat(queuedRan.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(queuedThread.get()).isEqualTo("drain");
  }

  @Test
  void theReaderQueuesItsMessageWhenTheContextIsBusy() throws Exception {
    CountDownLatch blocker = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    context.execute(() -> {
      await(blocker);
      order.add("first");
    });
    Thread reader = new Thread(() -> context.executeOnReader(1L, "x", (tag, arg) -> {
      order.add("message on " + Thread.currentThread().getName());
      done.countDown();
    }), "reader");
    reader.start();
    reader.join(); // returned without running the message
    assertThat(order).isEmpty();
    blocker.countDown();
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly("first", "message on drain");
  }

  @Test
  void aDrainRunsAtMostOneSliceThenRepostsItself() {
    List<Runnable> posted = new ArrayList<>();
    SerialContext manual = new SerialContext(posted::add, uncaught::add);
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < SerialContext.SLICE + 10; i++) manual.execute(ran::incrementAndGet);
    assertThat(posted).hasSize(1);
    posted.remove(0).run();
    assertThat(ran).hasValue(SerialContext.SLICE);
    assertThat(posted).as("the rest is re-posted, not run on").hasSize(1);
    posted.remove(0).run();
    assertThat(ran).hasValue(SerialContext.SLICE + 10);
    assertThat(posted).isEmpty();
  }

  @Test
  void nestedSubmissionsRunAfterTheCurrentTaskInOrder() {
    List<String> order = new ArrayList<>();
    direct.execute(() -> {
      order.add("outer start");
      direct.execute(() -> order.add("inner 1"));
      direct.execute(() -> order.add("inner 2"));
      order.add("outer end");
    });
    assertThat(order).containsExactly("outer start", "outer end", "inner 1", "inner 2");
  }

  @Test
  void aThrowingTaskIsReportedAndTheNextStillRuns() {
    List<String> order = new ArrayList<>();
    direct.execute(() -> {
      direct.execute(() -> {
        throw new IllegalStateException("boom");
      });
      direct.execute(() -> order.add("after"));
    });
    assertThat(uncaught).singleElement().satisfies(t -> assertThat(t).hasMessage("boom"));
    assertThat(order).containsExactly("after");
  }

  @Test
  void checkInContextPassesInsideAndFailsOutside() {
    AtomicInteger checked = new AtomicInteger();
    direct.execute(() -> {
      direct.checkInContext();
      checked.incrementAndGet();
    });
    assertThat(checked).hasValue(1);
    assertThatThrownBy(direct::checkInContext).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void tasksFromManyThreadsNeverOverlapAndKeepEachThreadsOrder() throws InterruptedException {
    int threads = 4;
    int perThread = 20_000;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] lastSeen = new int[threads];
    AtomicInteger disorder = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(threads * perThread);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final int thread = t;
      Thread th = new Thread(() -> {
        for (int i = 1; i <= perThread; i++) {
          final int index = i;
          Runnable task = () -> {
            if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
            if (lastSeen[thread] != index - 1) disorder.incrementAndGet();
            lastSeen[thread] = index;
            inside.decrementAndGet();
            all.countDown();
          };
          if (index % 2 == 0) {
            context.execute(task);
          } else {
            context.executeOnReader(0L, task, (tag, r) -> r.run());
          }
        }
      });
      started.add(th);
      th.start();
    }
    for (Thread th : started) th.join();
    assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(overlaps).hasValue(0);
    assertThat(disorder).hasValue(0);
    assertThat(uncaught).isEmpty();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
