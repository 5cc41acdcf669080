package dev.corridor.sample.server;

import dev.corridor.Scheduler;
import dev.corridor.server.CorridorServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Failover made visible: every {@value #PERIOD_MILLIS} ms one node of the cluster crashes
 * ({@link CorridorServer#stop()}: its sockets are dropped without a close frame, its port closes)
 * and comes back {@value #DOWN_MILLIS} ms later, so that its clients move to the other nodes and
 * resume there. The nodes go down in turn, starting with the one the ticker is on (when told
 * which), then the next in the list, wrapping round. Each step is one line to the log.
 *
 * <p>The timers run on an injected {@link Scheduler}, so a test drives the rotation in virtual
 * time ({@link dev.corridor.testing.FakeTime}). <b>Thread:</b> thread-safe; the steps run on the
 * scheduler's thread.
 */
public final class NodeRotation implements AutoCloseable {
  /** From the start (and from each node going down) to the next node going down. */
  public static final long PERIOD_MILLIS = 15_000;
  /** How long a node stays down. */
  public static final long DOWN_MILLIS = 5_000;

  private final List<CorridorServer> nodes;
  private final List<String> urls;
  private final Scheduler scheduler;
  private final @Nullable Supplier<String> watched;
  private final Consumer<String> log;

  // Guarded by this.
  /** Index of the node to stop next; -1 until the first step picks the watched node's. */
  private int next = -1;
  /** The node that is down and not yet back, or -1. */
  private int down = -1;
  private Scheduler.@Nullable Cancellable pending;
  private Scheduler.@Nullable Cancellable pendingReturn;
  private boolean closed;

  /**
   * A rotation over {@code nodes} (numbered from 1 in the log lines, in this order).
   * {@code watchedEndpoint}, if not null, tells the URL a client of interest is on (the ticker's
   * {@code CorridorClient::endpoint}): the first node to go down is that one.
   */
  public NodeRotation(List<CorridorServer> nodes, Scheduler scheduler,
      @Nullable Supplier<String> watchedEndpoint, Consumer<String> log) {
    if (nodes.isEmpty()) throw new IllegalArgumentException("no nodes");
    this.nodes = List.copyOf(nodes);
    this.urls = nodes.stream().map(CorridorServer::url).toList();
    this.scheduler = scheduler;
    this.watched = watchedEndpoint;
    this.log = log;
  }

  /** Schedules the first node to go down {@value #PERIOD_MILLIS} ms from now. */
  public synchronized void start() {
    if (closed || pending != null) return;
    pending = scheduler.schedule(this::stopNext, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Stops the node whose turn it is, and schedules its return and the next turn. */
  void stopNext() {
    int victim;
    synchronized (this) {
      if (closed) return;
      pending = scheduler.schedule(this::stopNext, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
      if (down >= 0) return; // the last one is not back yet: skip this turn
      if (next < 0) next = Math.max(0, watched == null ? 0 : urls.indexOf(watched.get()));
      victim = next;
      next = (next + 1) % nodes.size();
      down = victim;
      pendingReturn = scheduler.schedule(() -> restart(victim), DOWN_MILLIS, TimeUnit.MILLISECONDS);
    }
    // Said first: the clients' own events about it follow.
    log.accept(name(victim) + " (" + urls.get(victim) + ") down: its clients "
        + (nodes.size() > 1 ? "move to the others" : "retry until it is back"));
    nodes.get(victim).stop();
  }

  /** Starts {@code node} again; if it cannot listen, says so and tries again after the downtime. */
  private void restart(int node) {
    synchronized (this) {
      if (closed) return;
    }
    try {
      nodes.get(node).start();
    } catch (Exception e) {
      synchronized (this) {
        if (closed) return;
        pendingReturn = scheduler.schedule(() -> restart(node), DOWN_MILLIS, TimeUnit.MILLISECONDS);
      }
      log.accept(name(node) + " could not start again (" + e.getMessage() + "); trying again in "
          + DOWN_MILLIS / 1000 + " s");
      return;
    }
    synchronized (this) {
      if (down == node) down = -1;
      pendingReturn = null;
    }
    log.accept(name(node) + " back");
  }

  private static String name(int index) {
    return "node " + (index + 1);
  }

  /**
   * Stops rotating. A node that is down stays down (closing the cluster closes it anyway).
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (pending != null) pending.cancel();
    if (pendingReturn != null) pendingReturn.cancel();
  }
}
