package dev.corridor.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future {@code send} and {@code request} return. Only Corridor completes it, on the client's
 * completion executor (never in the client's serial context, never on the callback executor), so
 * stages attached to it run there and can neither stall the client nor be stalled by a listener.
 *
 * <p>The public completing methods do nothing and return false, {@code cancel} likewise, and
 * {@code obtrude*} throws: an application can neither end a message's future early nor fake its
 * result. {@code orTimeout} and {@code completeOnTimeout} (Java 9+) therefore return a new future
 * that carries the timeout, instead of completing this one.
 */
public final class ResultFuture<T> extends CompletableFuture<T> {
  public void succeed(T value) {
    super.complete(value);
  }

  public void fail(Throwable error) {
    super.completeExceptionally(error);
  }

  /** Refused: only Corridor completes this future. */
  @Override
  public boolean complete(T value) {
    return false;
  }

  /** Refused: only Corridor completes this future. */
  @Override
  public boolean completeExceptionally(Throwable ex) {
    return false;
  }

  /** Refused: a message or request cannot be withdrawn through its future. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return false;
  }

  /** Refused. */
  @Override
  public void obtrudeValue(T value) {
    throw new UnsupportedOperationException("only Corridor completes this future");
  }

  /** Refused. */
  @Override
  public void obtrudeException(Throwable ex) {
    throw new UnsupportedOperationException("only Corridor completes this future");
  }

  /**
   * Java 9+: a new future, failing with a {@link TimeoutException} unless this one completes
   * within the timeout (this future is Corridor's to complete, so it cannot carry the timeout).
   */
  public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) {
    CompletableFuture<T> copy = copy();
    dev.corridor.internal.time.SystemScheduler.INSTANCE.schedule(
        () -> copy.completeExceptionally(new TimeoutException()), timeout, unit);
    return copy;
  }

  /** Java 9+: a new future, completed with {@code value} unless this one completes within the timeout. */
  public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
    CompletableFuture<T> copy = copy();
    dev.corridor.internal.time.SystemScheduler.INSTANCE.schedule(() -> copy.complete(value), timeout, unit);
    return copy;
  }

  private CompletableFuture<T> copy() {
    CompletableFuture<T> copy = new CompletableFuture<>();
    super.whenComplete((value, error) -> {
      if (error != null) {
        copy.completeExceptionally(error);
      } else {
        copy.complete(value);
      }
    });
    return copy;
  }
}
