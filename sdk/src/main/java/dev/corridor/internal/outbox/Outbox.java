package dev.corridor.internal.outbox;

import dev.corridor.SendOptions.Priority;
import dev.corridor.SendResult.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * Messages waiting to be written (pending) and written but not yet acknowledged (in flight),
 * bounded together by count and bytes. Confined to the client's serial context.
 *
 * <ul>
 *   <li>Pending messages leave in the order they were offered.
 *   <li>A message with a key replaces the pending message with the same key (O(1), indexed).
 *   <li>A message past its deadline is never written; it ends {@link Outcome#EXPIRED}.
 *   <li>When full, pending messages of the lowest priority, oldest first, are evicted for a message
 *       of equal or higher priority; a message that cannot fit even so is refused. In-flight
 *       messages are never evicted: they may already be at the server.
 * </ul>
 *
 * Every entry ends exactly once, reported to the {@link Listener}.
 */
public final class Outbox {
  /** Receives each entry's single ending. */
  public interface Listener {
    void ended(OutboxEntry entry, Outcome outcome, @Nullable String errorCode, @Nullable String errorMessage);
  }

  private final int maxMessages;
  private final long maxBytes;
  private final Listener listener;

  /** Pending entries in send order. */
  private @Nullable OutboxEntry head;
  private @Nullable OutboxEntry tail;
  /** Pending entries per priority, oldest first (eviction order). */
  private final OutboxEntry[] priorityHead = new OutboxEntry[Priority.values().length];
  private final OutboxEntry[] priorityTail = new OutboxEntry[Priority.values().length];
  /** Pending entries by key. */
  private final Map<String, OutboxEntry> byKey = new HashMap<>();
  /** In-flight entries by sequence, in sequence (= write) order. */
  private final LinkedHashMap<Long, OutboxEntry> inFlight = new LinkedHashMap<>();
  /**
   * Entries with a deadline, soonest first; ended entries are skipped lazily. Ordered by the
   * deadlines' difference, which is exact across the clock's wrap-around (see
   * {@link OutboxEntry#MAX_TTL_NANOS}).
   */
  private final PriorityQueue<OutboxEntry> deadlines =
      new PriorityQueue<>(16, (a, b) -> Long.signum(a.deadlineNanos - b.deadlineNanos));
  private int pendingCount;
  private int count;
  private long bytes;

  public Outbox(int maxMessages, long maxBytes, Listener listener) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.listener = listener;
  }

  /**
   * Adds {@code entry} or ends it at once (expired, or refused for overflow). Nothing already in
   * the outbox is lost when the entry is refused.
   *
   * @return true if the entry was accepted
   */
  public boolean offer(OutboxEntry entry, long nowNanos) {
    if (OutboxEntry.isPast(entry.deadlineNanos, nowNanos)) {
      end(entry, Outcome.EXPIRED, null, null);
      return false;
    }
    OutboxEntry replaced = entry.key == null ? null : byKey.get(entry.key);
    long needCount = count + 1L - (replaced != null ? 1 : 0);
    long needBytes = bytes + entry.size - (replaced != null ? replaced.size : 0);
    List<OutboxEntry> victims = null;
    for (int p = 0; p <= entry.priority.ordinal() && (needCount > maxMessages || needBytes > maxBytes); p++) {
      for (OutboxEntry v = priorityHead[p]; v != null && (needCount > maxMessages || needBytes > maxBytes);
          v = v.priorityNext) {
        if (v == replaced) continue;
        if (victims == null) victims = new ArrayList<>();
        victims.add(v);
        needCount--;
        needBytes -= v.size;
      }
    }
    if (needCount > maxMessages || needBytes > maxBytes) {
      end(entry, Outcome.OVERFLOW, null, null);
      return false;
    }
    if (replaced != null) {
      unlinkPending(replaced);
      end(replaced, Outcome.SUPERSEDED, null, null);
    }
    if (victims != null) {
      for (OutboxEntry v : victims) {
        unlinkPending(v);
        end(v, Outcome.OVERFLOW, null, null);
      }
    }
    linkPending(entry);
    return true;
  }

  /**
   * The next pending entry to write, after ending every expired one ahead of it; null when none.
   * The entry stays pending until {@link #written}.
   */
  public @Nullable OutboxEntry peekSendable(long nowNanos) {
    while (head != null) {
      OutboxEntry e = head;
      if (!OutboxEntry.isPast(e.deadlineNanos, nowNanos)) return e;
      unlinkPending(e);
      end(e, Outcome.EXPIRED, null, null);
    }
    return null;
  }

  /** Ends a pending entry that cannot be written (e.g. too large for the server). */
  public void discard(OutboxEntry entry, Outcome outcome, String errorCode, String errorMessage) {
    unlinkPending(entry);
    end(entry, outcome, errorCode, errorMessage);
  }

  /**
   * Records that a pending entry was handed to the socket with {@code sequence}: an acknowledged one
   * goes in flight, a best-effort one ends {@link Outcome#WRITTEN}.
   */
  public void written(OutboxEntry entry, long sequence) {
    unlinkPending(entry);
    entry.sequence = sequence;
    if (entry.acknowledged) {
      entry.state = OutboxEntry.IN_FLIGHT;
      count++;
      bytes += entry.size;
      inFlight.put(sequence, entry);
    } else {
      end(entry, Outcome.WRITTEN, null, null);
    }
  }

  /** Applies an acknowledgement: every sequence up to {@code cumulative}, plus {@code sequences}. */
  public int acknowledge(long cumulative, Iterable<Long> sequences) {
    int acked = 0;
    Iterator<OutboxEntry> it = inFlight.values().iterator();
    while (it.hasNext()) {
      OutboxEntry e = it.next();
      if (e.sequence > cumulative) break;
      it.remove();
      release(e);
      end(e, Outcome.ACKNOWLEDGED, null, null);
      acked++;
    }
    for (Long s : sequences) {
      OutboxEntry e = inFlight.remove(s);
      if (e != null) {
        release(e);
        end(e, Outcome.ACKNOWLEDGED, null, null);
        acked++;
      }
    }
    return acked;
  }

  /**
   * The server rejected {@code sequence}. Non-retryable: it ends {@link Outcome#REJECTED}.
   * Retryable: it stays in flight for the owner to resend.
   *
   * @return false if no such message is in flight
   */
  public boolean reject(long sequence, String errorCode, String errorMessage, boolean retryable) {
    OutboxEntry e = inFlight.get(sequence);
    if (e == null) return false;
    if (!retryable) {
      inFlight.remove(sequence);
      release(e);
      end(e, Outcome.REJECTED, errorCode, errorMessage);
    }
    return true;
  }

  /** The in-flight entry with {@code sequence}, or null. */
  public @Nullable OutboxEntry inFlight(long sequence) {
    return inFlight.get(sequence);
  }

  /**
   * The in-flight entries to resend after a reconnect, in their original order, ending those past
   * their deadline (they are not resent).
   */
  public List<OutboxEntry> inFlightForResend(long nowNanos) {
    List<OutboxEntry> out = new ArrayList<>(inFlight.size());
    Iterator<OutboxEntry> it = inFlight.values().iterator();
    while (it.hasNext()) {
      OutboxEntry e = it.next();
      if (OutboxEntry.isPast(e.deadlineNanos, nowNanos)) {
        it.remove();
        release(e);
        end(e, Outcome.EXPIRED, null, null);
      } else {
        out.add(e);
      }
    }
    return out;
  }

  /** Ends every pending entry whose deadline has passed. In-flight entries wait for their resend. */
  public void expire(long nowNanos) {
    OutboxEntry e;
    while ((e = deadlines.peek()) != null
        && (e.state != OutboxEntry.PENDING || OutboxEntry.isPast(e.deadlineNanos, nowNanos))) {
      deadlines.poll();
      if (e.state == OutboxEntry.PENDING) {
        unlinkPending(e);
        end(e, Outcome.EXPIRED, null, null);
      }
    }
  }

  /** The soonest deadline of a pending entry, or {@link OutboxEntry#NO_DEADLINE} ({@link Long#MAX_VALUE}). */
  public long nextDeadlineNanos() {
    OutboxEntry e;
    while ((e = deadlines.peek()) != null && e.state != OutboxEntry.PENDING) deadlines.poll();
    return e == null ? OutboxEntry.NO_DEADLINE : e.deadlineNanos;
  }

  /** Ends everything with {@code outcome} (the client closed or failed). */
  public void endAll(Outcome outcome) {
    for (OutboxEntry e : new ArrayList<>(inFlight.values())) {
      release(e);
      end(e, outcome, null, null);
    }
    inFlight.clear();
    while (head != null) {
      OutboxEntry e = head;
      unlinkPending(e);
      end(e, outcome, null, null);
    }
    deadlines.clear();
  }

  public int size() {
    return count;
  }

  public long bytes() {
    return bytes;
  }

  public int pendingCount() {
    return pendingCount;
  }

  public int inFlightCount() {
    return inFlight.size();
  }

  private void linkPending(OutboxEntry e) {
    e.state = OutboxEntry.PENDING;
    e.prev = tail;
    e.next = null;
    if (tail != null) tail.next = e; else head = e;
    tail = e;
    int p = e.priority.ordinal();
    e.priorityPrev = priorityTail[p];
    e.priorityNext = null;
    if (priorityTail[p] != null) priorityTail[p].priorityNext = e; else priorityHead[p] = e;
    priorityTail[p] = e;
    if (e.key != null) byKey.put(e.key, e);
    if (e.deadlineNanos != OutboxEntry.NO_DEADLINE) deadlines.add(e);
    pendingCount++;
    count++;
    bytes += e.size;
  }

  private void unlinkPending(OutboxEntry e) {
    if (e.prev != null) e.prev.next = e.next; else head = e.next;
    if (e.next != null) e.next.prev = e.prev; else tail = e.prev;
    int p = e.priority.ordinal();
    if (e.priorityPrev != null) e.priorityPrev.priorityNext = e.priorityNext; else priorityHead[p] = e.priorityNext;
    if (e.priorityNext != null) e.priorityNext.priorityPrev = e.priorityPrev; else priorityTail[p] = e.priorityPrev;
    e.prev = e.next = e.priorityPrev = e.priorityNext = null;
    if (e.key != null && byKey.get(e.key) == e) byKey.remove(e.key);
    e.state = OutboxEntry.DONE; // until written() or end() says otherwise
    pendingCount--;
    count--;
    bytes -= e.size;
  }

  private void release(OutboxEntry e) {
    count--;
    bytes -= e.size;
  }

  private void end(OutboxEntry e, Outcome outcome, @Nullable String code, @Nullable String message) {
    e.state = OutboxEntry.DONE;
    listener.ended(e, outcome, code, message);
  }
}
