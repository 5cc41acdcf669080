package dev.corridor.internal;

import java.util.concurrent.CompletableFuture;

/**
 * The future {@code send} and {@code request} return: only Corridor completes it. The public
 * completing methods do nothing and return false, and {@code cancel} is refused likewise, so an
 * application can neither end a message's future early nor fake its result; Corridor completes it
 * through {@link #succeed} and {@link #fail}. Stages derived from it are ordinary futures.
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
}
