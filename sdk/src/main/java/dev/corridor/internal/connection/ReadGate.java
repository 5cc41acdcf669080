package dev.corridor.internal.connection;

/**
 * Backpressure from RELIABLE listeners to the socket: while any reliable subscription's queue is
 * full, the transport's reader thread waits here before handing over the next message, so the
 * kernel's receive window closes and the server slows down, instead of memory growing or messages
 * being dropped. Thread-safe; the wait happens outside the serial context.
 */
public final class ReadGate {
  /** Number of subscriptions whose queue is full; reads wait while it is above zero. Written under the lock. */
  private volatile int fullQueues;
  private volatile boolean open = true;

  /** Called on the transport's reader thread before each inbound message. */
  public void awaitReadable() {
    if (fullQueues == 0 || !open) return; // the common case: no lock on the inbound path
    awaitSlow();
  }

  private synchronized void awaitSlow() {
    boolean interrupted = false;
    while (open && fullQueues > 0) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** True while reads are held back (the heartbeat then treats the link as alive). */
  public synchronized boolean isHolding() {
    return open && fullQueues > 0;
  }

  public synchronized void queueFull() {
    fullQueues++;
  }

  public synchronized void queueDrained() {
    if (fullQueues > 0 && --fullQueues == 0) notifyAll();
  }

  /** Releases every waiting reader for good (the client is closing). */
  public synchronized void openForever() {
    open = false;
    notifyAll();
  }
}
