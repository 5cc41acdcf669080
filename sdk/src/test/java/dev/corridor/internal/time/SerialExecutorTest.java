package dev.corridor.internal.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** {@link SerialExecutor} over a delegate whose queue the test runs by hand, like a main looper. */
class SerialExecutorTest {
  /** The delegate: a looper's queue, run one task at a time by {@link #runAll}. */
  private final ArrayDeque<Runnable> looper = new ArrayDeque<>();
  private final SerialExecutor serial = new SerialExecutor(looper::add);
  private final List<String> ran = new ArrayList<>();

  private void runAll() {
    for (Runnable r; (r = looper.poll()) != null; ) r.run();
  }

  @Test
  void tasksRunInSubmissionOrderInOneTurnOfTheDelegate() {
    serial.execute(() -> ran.add("a"));
    serial.execute(() -> ran.add("b"));
    serial.execute(() -> ran.add("c"));

    assertThat(looper).as("one turn queued for three tasks").hasSize(1);
    runAll();
    assertThat(ran).containsExactly("a", "b", "c");
  }

  @Test
  void aTaskSubmittedDuringATurnWaitsBehindWhatTheDelegateQueuedMeanwhile() {
    // A delivery slice re-posting itself: the looper's other work must get its turn first.
    serial.execute(() -> {
      ran.add("slice 1");
      looper.add(() -> ran.add("app task"));
      serial.execute(() -> ran.add("slice 2"));
    });

    runAll();

    assertThat(ran).containsExactly("slice 1", "app task", "slice 2");
  }

  @Test
  void aRefusedTurnIsThrownToTheSubmitterAndLaterTasksStillRun() {
    List<Runnable> accepted = new ArrayList<>();
    boolean[] refuse = {true};
    Executor shuttingDown = task -> {
      if (refuse[0]) throw new RejectedExecutionException("shutting down");
      accepted.add(task);
    };
    SerialExecutor serial = new SerialExecutor(shuttingDown);

    assertThatThrownBy(() -> serial.execute(() -> ran.add("lost")))
        .isInstanceOf(RejectedExecutionException.class);
    refuse[0] = false;
    serial.execute(() -> ran.add("next"));

    assertThat(accepted).as("a new turn for the next task").hasSize(1);
    accepted.get(0).run();
    assertThat(ran).containsExactly("next");
  }

  @Test
  void aDirectDelegateRunsEverythingInOrderOnTheCaller() {
    SerialExecutor direct = new SerialExecutor(Runnable::run);
    direct.execute(() -> {
      ran.add("outer");
      direct.execute(() -> ran.add("nested"));
      ran.add("outer end");
    });
    direct.execute(() -> ran.add("after"));

    assertThat(ran).containsExactly("outer", "outer end", "nested", "after");
  }
}
