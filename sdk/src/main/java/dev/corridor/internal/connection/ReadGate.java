package dev.corridor.internal.connection;

/**
 * Backpressure from RELIABLE listeners to the socket: while any reliable subscription's queue is
 * full, the socket's reader thread (Corridor's own) waits here before handing over the next
 * message of an established connection, so the kernel's receive window closes and the server slows
 * down, instead of memory growing or messages being dropped. Thread-safe; the wait happens outside
 * the serial context.
 *
 * <p>Bounds: the connection's handshake (its Welcome) is never held, so a new connection can
 * always be established; the reader never runs more than a bounded number of bytes ahead of the
 * client's context; the hold of an established connection is bounded by the connection
 * (its read-hold timer, started and stopped through {@link HoldListener}), which drops the link,
 * and with it the wait ({@link #abandon}), when a hold lasts too long; a connection that starts
 * closing is abandoned at once, so that the server's answer to the close can be read.
 */
public final class ReadGate {
  /** Told, outside the gate's lock, when reads start and stop being held. */
  public interface HoldListener {
    void holdChanged(boolean holding);
  }

  /**
   * Bytes of inbound messages the reader handed to a busy context that it has not yet run. The
   * reader waits while this is above {@link #BACKLOG_LIMIT}, so that it can never read more than
   * that far ahead of the client (a queue that is full is only noticed when the context runs).
   */
  private final java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong();
  private final long backlogLimit;

  /** Default bound of {@link #backlog}: 4 MiB, or two messages of the inbound limit if larger. */
  public static long backlogLimit(int maxInboundMessageBytes) {
    return Math.max(4L << 20, 2L * maxInboundMessageBytes);
  }

  public ReadGate() {
    this(4L << 20);
  }

  public ReadGate(long backlogLimit) {
    this.backlogLimit = backlogLimit;
  }

  /** Number of subscriptions whose queue is full; reads wait while it is above zero. Written under the lock. */
  private volatile int fullQueues;
  /** The generation of the established connection whose reads may be held, or -1. */
  private volatile long established = -1;
  private volatile boolean open = true;
  private volatile HoldListener listener = holding -> {};

  public void setListener(HoldListener listener) {
    this.listener = listener;
  }

  /** Called on the socket's reader thread before each inbound message of attempt {@code gen}. */
  public void awaitReadable(long gen) {
    if (fullQueues == 0 || gen != established || !open) return; // the common case: no lock
    awaitSlow(gen);
  }

  private synchronized void awaitSlow(long gen) {
    boolean interrupted = false;
    while (open && fullQueues > 0 && gen == established) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** Reader thread: {@code bytes} more were queued for the context; waits while the backlog is over its bound. */
  public void backlogAdded(long gen, long bytes) {
    if (backlog.addAndGet(bytes) <= backlogLimit) return;
    synchronized (this) {
      boolean interrupted = false;
      while (open && backlog.get() > backlogLimit / 2 && gen == established) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /** In the context: a queued message of {@code bytes} was run; wakes the reader once the backlog is low. */
  public void backlogRun(long bytes) {
    long left = backlog.addAndGet(-bytes);
    if (left <= backlogLimit / 2 && left + bytes > backlogLimit / 2) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** Attempt {@code gen} is established (its Welcome was read): its later reads may be held. */
  public void establish(long gen) {
    established = gen;
  }

  /** The established connection is gone: its reader, if waiting, stops waiting. */
  public synchronized void abandon() {
    established = -1;
    notifyAll();
  }

  /** True while reads are held back (the heartbeat then treats the link as alive). */
  public boolean isHolding() {
    return open && fullQueues > 0;
  }

  public void queueFull() {
    boolean started;
    synchronized (this) {
      started = ++fullQueues == 1 && open;
    }
    if (started) listener.holdChanged(true);
  }

  public void queueDrained() {
    boolean ended;
    synchronized (this) {
      ended = fullQueues > 0 && --fullQueues == 0;
      if (ended) notifyAll();
    }
    if (ended) listener.holdChanged(false);
  }

  /** Releases every waiting reader for good (the client is closing). */
  public synchronized void openForever() {
    open = false;
    notifyAll();
  }
}
