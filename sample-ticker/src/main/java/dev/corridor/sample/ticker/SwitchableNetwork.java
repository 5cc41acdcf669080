package dev.corridor.sample.ticker;

import dev.corridor.NetworkMonitor;
import org.jspecify.annotations.Nullable;

/**
 * A {@link NetworkMonitor} switched by hand, to simulate losing the network through the SDK's own
 * hook: {@link #down()} makes the client go {@code OFFLINE} (dropping its connection) and
 * {@link #up()} makes it connect again at once, as Android's connectivity callbacks would.
 *
 * <p><b>Thread:</b> thread-safe; {@code down()} and {@code up()} may be called from any thread (the
 * UI's key thread) and notify the client on that thread, which only queues work for it.
 */
public final class SwitchableNetwork implements NetworkMonitor {
  private boolean available = true;
  private @Nullable Listener listener;

  /** Reports the network lost; no effect if it already is. */
  public void down() {
    set(false);
  }

  /** Reports the network available; no effect if it already is. */
  public void up() {
    set(true);
  }

  /** Flips the network and returns whether it is now available. */
  public boolean toggle() {
    synchronized (this) {
      boolean now = !available;
      set(now);
      return now;
    }
  }

  private void set(boolean nowAvailable) {
    Listener l;
    synchronized (this) {
      if (available == nowAvailable) return;
      available = nowAvailable;
      l = listener;
      // Notify under the lock so two quick toggles reach the client in order; the SDK's
      // listener only enqueues work for its own thread and never calls back into this monitor.
      if (l != null) {
        if (nowAvailable) l.onNetworkAvailable();
        else l.onNetworkLost();
      }
    }
  }

  @Override
  public synchronized boolean isAvailable() {
    return available;
  }

  @Override
  public synchronized void start(Listener listener) {
    this.listener = listener;
  }

  @Override
  public synchronized void stop() {
    this.listener = null;
  }
}
