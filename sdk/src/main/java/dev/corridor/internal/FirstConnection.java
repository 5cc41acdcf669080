package dev.corridor.internal;

import dev.corridor.ConnectionState;
import dev.corridor.Scheduler;
import dev.corridor.StateChange;
import dev.corridor.internal.time.SerialContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The futures {@code connect()} hands out: each completes with the change into the first
 * {@link ConnectionState#CONNECTED}, or into a terminal state if the client ends first, or, at its
 * timeout, with the latest change (which carries the last failure). Never exceptionally.
 *
 * <p>Threading: waiters are added and changes observed in the client's serial context; futures
 * complete on the completion executor, never on an application thread.
 */
public final class FirstConnection {
  private final SerialContext context;
  private final Scheduler scheduler;
  private final Executor completions;

  // Serial context only.
  private final List<ResultFuture<StateChange>> waiting = new ArrayList<>();
  /** The change that settled every waiter for good (CONNECTED or terminal), or null. */
  private @Nullable StateChange settled;
  /** The latest change, or null before the first. */
  private @Nullable StateChange latest;

  public FirstConnection(SerialContext context, Scheduler scheduler, Executor completions) {
    this.context = context;
    this.scheduler = scheduler;
    this.completions = completions;
  }

  /** A future as described above; {@code timeoutNanos} 0 means none. Any thread. */
  public CompletableFuture<StateChange> await(long timeoutNanos) {
    ResultFuture<StateChange> future = new ResultFuture<>();
    context.execute(() -> {
      if (settled != null) {
        complete(future, settled);
        return;
      }
      waiting.add(future);
      if (timeoutNanos > 0) {
        scheduler.schedule(() -> context.execute(() -> timedOut(future)), timeoutNanos, TimeUnit.NANOSECONDS);
      }
    });
    return future;
  }

  /** Every state change, in the serial context. */
  public void stateChanged(StateChange change) {
    latest = change;
    if (settled != null) return;
    if (change.current() != ConnectionState.CONNECTED && !change.current().isTerminal()) return;
    settled = change;
    for (ResultFuture<StateChange> f : waiting) complete(f, change);
    waiting.clear();
  }

  private void timedOut(ResultFuture<StateChange> future) {
    if (!waiting.remove(future)) return;
    StateChange current = latest;
    if (current == null) {
      current = StateChangeAccess.create(ConnectionState.IDLE, ConnectionState.IDLE,
          StateChange.Cause.CONNECT_REQUESTED, null, -1);
    }
    complete(future, current);
  }

  private void complete(ResultFuture<StateChange> future, StateChange change) {
    Guarded.execute(completions, () -> future.succeed(change), error -> { });
  }
}
