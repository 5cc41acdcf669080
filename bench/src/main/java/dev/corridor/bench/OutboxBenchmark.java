package dev.corridor.bench;

import dev.corridor.SendOptions.Delivery;
import dev.corridor.SendOptions.Priority;
import dev.corridor.SendResult.Outcome;
import dev.corridor.internal.outbox.Outbox;
import dev.corridor.internal.outbox.OutboxEntry;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the SDK's {@link Outbox}, the bounded queue every {@code send()} goes through,
 * driven directly with {@link OutboxEntry} objects (no socket, no futures, no serial context).
 * Each operation creates its entry, as {@code send()} does, so entry construction (size
 * accounting) is included. The clock is a constant and no entry has a TTL, so the deadline queue
 * stays empty.
 *
 * <ul>
 *   <li>{@code enqueueDrain}: the connected steady state, where the socket keeps up. One operation
 *       is {@code offer} of an unkeyed message into an empty outbox, {@code peekSendable} and
 *       {@code written}. With {@code delivery=ACKNOWLEDGED} the entry then sits in flight until a
 *       cumulative acknowledgement, applied every 64 messages (as a server batches them), so the
 *       {@code acknowledge} cost is included, amortised.
 *   <li>{@code coalesce}: a keyed stream while nothing can be written (offline, or the socket's
 *       queue above its high-water mark). The outbox holds one pending message for each of
 *       {@code keys} keys (100 by default); each operation offers a newer message for the next key
 *       in turn, which supersedes the pending one (index lookup, unlink, ending, link).
 *   <li>{@code evictSamePriority}: the outbox is full ({@code capacity} NORMAL messages, nothing
 *       writable); each operation offers another NORMAL message, which evicts the oldest one.
 *   <li>{@code evictLowerPriority}: the outbox is full of LOW messages; each operation offers a
 *       HIGH message, which evicts the oldest LOW one. To stay at that steady state the operation
 *       then also writes the HIGH message ({@code written}, best effort) and offers one LOW message
 *       into the freed slot. Compare with {@code enqueueDrain} (BEST_EFFORT), roughly the cost of
 *       that refill, to see what the eviction itself adds.
 * </ul>
 *
 * <p>How to read it: operations per second, higher is better; one operation is one message through
 * the scenario above. The listener only counts endings (the real publisher also completes a
 * future per message, which is not measured here). {@code -prof gc} shows the bytes allocated per
 * operation: the entry itself, plus the in-flight map's node for acknowledged messages and the
 * victim list of an eviction. Each trial checks at its end that every message ended as the scenario
 * says (e.g. exactly one SUPERSEDED per {@code coalesce}) and fails otherwise.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OutboxBenchmark {
  static final String TOPIC = "orders.amend";
  /** Stands in for the publisher's CompletableFuture: the outbox never looks at it. */
  static final Object HANDLE = new Object();
  /** The outbox's clock reading: constant, so no entry ever expires. */
  static final long NOW = 1_000_000_000L;
  static final long NO_DEADLINE = Long.MAX_VALUE;
  /** The client's default outbox bounds. */
  static final int MAX_MESSAGES = 10_000;
  static final long MAX_BYTES = 8L << 20;
  static final int PAYLOAD_BYTES = 128;

  /** Counts each outcome; stands in for {@code Publisher.ended}. */
  static final class Endings implements Outbox.Listener {
    final long[] byOutcome = new long[Outcome.values().length];

    @Override
    public void ended(OutboxEntry entry, Outcome outcome, @Nullable String errorCode, @Nullable String errorMessage) {
      byOutcome[outcome.ordinal()]++;
    }

    long of(Outcome outcome) {
      return byOutcome[outcome.ordinal()];
    }

    long total() {
      long sum = 0;
      for (long n : byOutcome) sum += n;
      return sum;
    }
  }

  static byte[] payload() {
    byte[] payload = new byte[PAYLOAD_BYTES];
    new Random(42).nextBytes(payload);
    return payload;
  }

  static void check(boolean ok, String what) {
    if (!ok) throw new IllegalStateException("benchmark scenario broken: " + what);
  }

  /** An empty outbox whose messages are written as soon as they are offered. */
  @State(Scope.Thread)
  public static class Flowing {
    @Param({"BEST_EFFORT", "ACKNOWLEDGED"})
    public Delivery delivery;

    final byte[] payload = payload();
    final List<Long> noSelectiveAcks = Collections.emptyList();
    boolean acknowledged;
    Outbox outbox;
    Endings endings;
    long sequence;
    long operations;

    @Setup(Level.Trial)
    public void setUp() {
      acknowledged = delivery == Delivery.ACKNOWLEDGED;
      endings = new Endings();
      outbox = new Outbox(MAX_MESSAGES, MAX_BYTES, endings);
    }

    @TearDown(Level.Trial)
    public void verify() {
      check(outbox.pendingCount() == 0, "pending messages left: " + outbox.pendingCount());
      Outcome expected = acknowledged ? Outcome.ACKNOWLEDGED : Outcome.WRITTEN;
      check(endings.of(expected) + outbox.inFlightCount() == operations
          && endings.total() == endings.of(expected), "unexpected endings " + Arrays.toString(endings.byOutcome));
    }
  }

  /** One pending message per key, nothing writable. */
  @State(Scope.Thread)
  public static class Keyed {
    @Param({"100"})
    public int keys;

    final byte[] payload = payload();
    String[] keyNames;
    int nextKey;
    Outbox outbox;
    Endings endings;
    long operations;

    @Setup(Level.Trial)
    public void setUp() {
      endings = new Endings();
      outbox = new Outbox(MAX_MESSAGES, MAX_BYTES, endings);
      keyNames = new String[keys];
      for (int i = 0; i < keys; i++) {
        keyNames[i] = "order-" + (100_000 + i);
        check(outbox.offer(entry(payload, keyNames[i], Priority.NORMAL, true), NOW), "prefill refused");
      }
    }

    @TearDown(Level.Trial)
    public void verify() {
      check(outbox.pendingCount() == keys, "pending " + outbox.pendingCount() + " != " + keys);
      check(endings.of(Outcome.SUPERSEDED) == operations && endings.total() == operations,
          "unexpected endings " + Arrays.toString(endings.byOutcome));
    }
  }

  /** A full outbox: {@code capacity} pending messages of {@code resident} priority. */
  static Outbox fill(int capacity, Priority resident, byte[] payload, Endings endings) {
    Outbox outbox = new Outbox(capacity, MAX_BYTES, endings);
    for (int i = 0; i < capacity; i++) {
      check(outbox.offer(entry(payload, null, resident, true), NOW), "prefill refused");
    }
    check(outbox.size() == capacity, "outbox not full");
    return outbox;
  }

  /** A full outbox of {@code capacity} NORMAL messages, nothing writable. */
  @State(Scope.Thread)
  public static class FullOfNormal {
    @Param({"1000"})
    public int capacity;

    final byte[] payload = payload();
    Outbox outbox;
    Endings endings;
    long operations;

    @Setup(Level.Trial)
    public void setUp() {
      endings = new Endings();
      outbox = fill(capacity, Priority.NORMAL, payload, endings);
    }

    @TearDown(Level.Trial)
    public void verify() {
      check(outbox.pendingCount() == capacity, "outbox no longer full");
      check(endings.of(Outcome.OVERFLOW) == operations && endings.total() == operations,
          "unexpected endings " + Arrays.toString(endings.byOutcome));
    }
  }

  /** A full outbox of {@code capacity} LOW messages, nothing writable. */
  @State(Scope.Thread)
  public static class FullOfLow {
    @Param({"1000"})
    public int capacity;

    final byte[] payload = payload();
    Outbox outbox;
    Endings endings;
    long operations;

    @Setup(Level.Trial)
    public void setUp() {
      endings = new Endings();
      outbox = fill(capacity, Priority.LOW, payload, endings);
    }

    @TearDown(Level.Trial)
    public void verify() {
      check(outbox.pendingCount() == capacity, "outbox no longer full");
      check(endings.of(Outcome.OVERFLOW) == operations && endings.of(Outcome.WRITTEN) == operations
          && endings.total() == 2 * operations, "unexpected endings " + Arrays.toString(endings.byOutcome));
    }
  }

  static OutboxEntry entry(byte[] payload, @Nullable String key, Priority priority, boolean acknowledged) {
    return new OutboxEntry(TOPIC, payload, key, priority, acknowledged, NO_DEADLINE, 0, HANDLE);
  }

  @Benchmark
  public OutboxEntry enqueueDrain(Flowing s) {
    Outbox outbox = s.outbox;
    outbox.offer(entry(s.payload, null, Priority.NORMAL, s.acknowledged), NOW);
    OutboxEntry next = outbox.peekSendable(NOW);
    if (s.acknowledged) {
      long sequence = ++s.sequence;
      outbox.written(next, sequence);
      if ((sequence & 63) == 0) outbox.acknowledge(sequence, s.noSelectiveAcks);
    } else {
      outbox.written(next, 0);
    }
    s.operations++;
    return next;
  }

  @Benchmark
  public boolean coalesce(Keyed s) {
    String key = s.keyNames[s.nextKey];
    if (++s.nextKey == s.keyNames.length) s.nextKey = 0;
    s.operations++;
    return s.outbox.offer(entry(s.payload, key, Priority.NORMAL, true), NOW);
  }

  @Benchmark
  public boolean evictSamePriority(FullOfNormal s) {
    s.operations++;
    return s.outbox.offer(entry(s.payload, null, Priority.NORMAL, true), NOW);
  }

  @Benchmark
  public boolean evictLowerPriority(FullOfLow s) {
    Outbox outbox = s.outbox;
    OutboxEntry urgent = entry(s.payload, null, Priority.HIGH, false);
    boolean accepted = outbox.offer(urgent, NOW); // evicts the oldest LOW message
    outbox.written(urgent, 0); // ... is written (best effort: ends WRITTEN) ...
    accepted &= outbox.offer(entry(s.payload, null, Priority.LOW, true), NOW); // ... and a LOW one refills
    s.operations++;
    return accepted;
  }
}
