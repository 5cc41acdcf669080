package dev.corridor.internal.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.SendOptions.Priority;
import dev.corridor.SendResult.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OutboxTest {
  private final Map<OutboxEntry, Outcome> ended = new IdentityHashMap<>();
  private final List<String> endings = new ArrayList<>();
  private final Outbox outbox = outbox(3, 10_000);

  private Outbox outbox(int maxMessages, long maxBytes) {
    return new Outbox(maxMessages, maxBytes, (e, outcome, code, msg) -> {
      Outcome previous = ended.put(e, outcome);
      if (previous != null) throw new AssertionError(e.handle + " ended twice: " + previous + ", " + outcome);
      endings.add(e.handle + ":" + outcome);
    });
  }

  private static OutboxEntry entry(String name, String key, Priority priority, long deadline) {
    return new OutboxEntry("t", new byte[10], key, priority, true, deadline, 0, name);
  }

  private static OutboxEntry entry(String name) {
    return entry(name, null, Priority.NORMAL, Long.MAX_VALUE);
  }

  private List<Object> drain(long now) {
    List<Object> written = new ArrayList<>();
    OutboxEntry e;
    long seq = 100;
    while ((e = outbox.peekSendable(now)) != null) {
      outbox.written(e, ++seq);
      written.add(e.handle);
    }
    return written;
  }

  @Test
  void sizeChargesTopicAndKeyInUtf8Bytes() {
    OutboxEntry e = new OutboxEntry("prix.€", new byte[10], "clé-😀", Priority.NORMAL, true, Long.MAX_VALUE, 0, "x");
    // "prix.€" = 5 + 3 bytes; "clé-😀" = 2 + 2 + 1 + 4 bytes.
    assertThat(e.size).isEqualTo(10 + 8 + 9 + OutboxEntry.OVERHEAD_BYTES);
  }

  @Test
  void newerMessageWithTheSameKeySupersedesTheUnsentOne() {
    outbox.offer(entry("a1", "a", Priority.NORMAL, Long.MAX_VALUE), 0);
    outbox.offer(entry("b1", "b", Priority.NORMAL, Long.MAX_VALUE), 0);
    outbox.offer(entry("a2", "a", Priority.NORMAL, Long.MAX_VALUE), 0);
    assertThat(endings).containsExactly("a1:SUPERSEDED");
    assertThat(drain(0)).containsExactly("b1", "a2");
  }

  @Test
  void aWrittenMessageIsNotSupersededByItsKey() {
    outbox.offer(entry("a1", "a", Priority.NORMAL, Long.MAX_VALUE), 0);
    drain(0);
    outbox.offer(entry("a2", "a", Priority.NORMAL, Long.MAX_VALUE), 0);
    assertThat(endings).isEmpty();
    assertThat(outbox.inFlightCount()).isEqualTo(1);
    assertThat(outbox.pendingCount()).isEqualTo(1);
  }

  @Test
  void expiredMessagesAreNeverWritten() {
    outbox.offer(entry("x", null, Priority.NORMAL, 100), 0);
    outbox.offer(entry("y", null, Priority.NORMAL, 300), 0);
    assertThat(drain(200)).containsExactly("y");
    assertThat(endings).containsExactly("x:EXPIRED");
  }

  @Test
  void expireEndsWaitingMessagesAndReportsTheNextDeadline() {
    outbox.offer(entry("x", null, Priority.NORMAL, 100), 0);
    outbox.offer(entry("y", null, Priority.NORMAL, 300), 0);
    assertThat(outbox.nextDeadlineNanos()).isEqualTo(100);
    outbox.expire(100);
    assertThat(endings).containsExactly("x:EXPIRED");
    assertThat(outbox.nextDeadlineNanos()).isEqualTo(300);
    assertThat(outbox.offer(entry("z", null, Priority.NORMAL, 50), 100)).isFalse();
    assertThat(endings).containsExactly("x:EXPIRED", "z:EXPIRED");
  }

  @Test
  void deadlinesSaturateToNoneInsteadOfWrappingIntoThePast() {
    assertThat(OutboxEntry.deadlineNanos(1_000, Long.MAX_VALUE)).isEqualTo(OutboxEntry.NO_DEADLINE);
    assertThat(OutboxEntry.deadlineNanos(-1_000, Long.MAX_VALUE / 1_000_000)).isEqualTo(OutboxEntry.NO_DEADLINE);
    assertThat(OutboxEntry.deadlineNanos(1_000, 2_000)).isEqualTo(1_000 + 2_000_000_000L);
    // A real deadline that happens to land on the "none" value is moved 1 ns earlier.
    assertThat(OutboxEntry.deadlineNanos(Long.MAX_VALUE - 1_000_000, 1)).isEqualTo(Long.MAX_VALUE - 1);
    assertThat(OutboxEntry.deadlineMillis(1_767_225_600_000L, Long.MAX_VALUE)).isZero();
    assertThat(OutboxEntry.deadlineMillis(1_767_225_600_000L, 5_000)).isEqualTo(1_767_225_605_000L);
  }

  @Test
  void deadlinesAcrossTheClocksWrapAroundExpireOnTimeAndInOrder() {
    // nanoTime has an arbitrary origin: a deadline may lie past Long.MAX_VALUE and wrap negative.
    long now = Long.MAX_VALUE - 50;
    OutboxEntry late = entry("late", null, Priority.NORMAL, now + 200); // wraps
    OutboxEntry soon = entry("soon", null, Priority.NORMAL, now + 20); // does not
    assertThat(outbox.offer(late, now)).isTrue();
    assertThat(outbox.offer(soon, now)).isTrue();
    assertThat(endings).isEmpty();
    assertThat(outbox.nextDeadlineNanos()).isEqualTo(now + 20);
    outbox.expire(now + 20);
    assertThat(endings).containsExactly("soon:EXPIRED");
    assertThat(outbox.nextDeadlineNanos()).isEqualTo(now + 200);
    outbox.expire(now + 199);
    assertThat(endings).containsExactly("soon:EXPIRED");
    assertThat(outbox.peekSendable(now + 199)).isSameAs(late);
    assertThat(outbox.peekSendable(now + 200)).isNull();
    assertThat(endings).containsExactly("soon:EXPIRED", "late:EXPIRED");
  }

  @Test
  void anInFlightMessageWhoseDeadlineWrapsIsResentUntilItPasses() {
    long now = Long.MAX_VALUE - 50;
    OutboxEntry e = entry("x", null, Priority.NORMAL, now + 200);
    outbox.offer(e, now);
    assertThat(outbox.peekSendable(now)).isSameAs(e);
    outbox.written(e, 1);
    assertThat(outbox.inFlightForResend(now + 199)).containsExactly(e);
    assertThat(outbox.inFlightForResend(now + 200)).isEmpty();
    assertThat(endings).containsExactly("x:EXPIRED");
  }

  @Test
  void whenFullTheLowestPriorityOldestIsEvicted() {
    outbox.offer(entry("n1", null, Priority.NORMAL, Long.MAX_VALUE), 0);
    outbox.offer(entry("l1", null, Priority.LOW, Long.MAX_VALUE), 0);
    outbox.offer(entry("l2", null, Priority.LOW, Long.MAX_VALUE), 0);
    outbox.offer(entry("h1", null, Priority.HIGH, Long.MAX_VALUE), 0);
    assertThat(endings).containsExactly("l1:OVERFLOW");
    outbox.offer(entry("n2", null, Priority.NORMAL, Long.MAX_VALUE), 0);
    assertThat(endings).containsExactly("l1:OVERFLOW", "l2:OVERFLOW");
    outbox.offer(entry("n3", null, Priority.NORMAL, Long.MAX_VALUE), 0);
    assertThat(endings).containsExactly("l1:OVERFLOW", "l2:OVERFLOW", "n1:OVERFLOW");
    assertThat(drain(0)).containsExactly("h1", "n2", "n3");
  }

  @Test
  void lowerPriorityNeverEvictsHigherAndIsRefusedLosingNothing() {
    outbox.offer(entry("h1", null, Priority.HIGH, Long.MAX_VALUE), 0);
    outbox.offer(entry("h2", null, Priority.HIGH, Long.MAX_VALUE), 0);
    outbox.offer(entry("n1", null, Priority.NORMAL, Long.MAX_VALUE), 0);
    assertThat(outbox.offer(entry("l1", null, Priority.LOW, Long.MAX_VALUE), 0)).isFalse();
    assertThat(endings).containsExactly("l1:OVERFLOW");
    assertThat(drain(0)).containsExactly("h1", "h2", "n1");
  }

  @Test
  void inFlightMessagesAreNeverEvicted() {
    outbox.offer(entry("a"), 0);
    outbox.offer(entry("b"), 0);
    outbox.offer(entry("c"), 0);
    drain(0);
    assertThat(outbox.offer(entry("d", null, Priority.HIGH, Long.MAX_VALUE), 0)).isFalse();
    assertThat(endings).containsExactly("d:OVERFLOW");
  }

  @Test
  void aRefusedKeyedMessageDoesNotSupersedeTheOneItWouldReplace() {
    Outbox small = outbox(10, 200);
    OutboxEntry big = new OutboxEntry("t", new byte[500], "k", Priority.HIGH, true, Long.MAX_VALUE, 0, "big");
    small.offer(entry("k1", "k", Priority.NORMAL, Long.MAX_VALUE), 0);
    assertThat(small.offer(big, 0)).isFalse();
    assertThat(endings).containsExactly("big:OVERFLOW");
    assertThat(small.pendingCount()).isEqualTo(1);
  }

  @Test
  void acknowledgementsAreCumulativeAndPerSequence() {
    for (String n : new String[] {"a", "b", "c"}) outbox.offer(entry(n), 0);
    drain(0); // sequences 101, 102, 103
    outbox.acknowledge(101, Collections.singletonList(103L));
    assertThat(endings).containsExactly("a:ACKNOWLEDGED", "c:ACKNOWLEDGED");
    outbox.acknowledge(103, Collections.emptyList()); // duplicate for c is harmless
    assertThat(endings).containsExactly("a:ACKNOWLEDGED", "c:ACKNOWLEDGED", "b:ACKNOWLEDGED");
    assertThat(outbox.size()).isZero();
    assertThat(outbox.bytes()).isZero();
  }

  @Test
  void inFlightIsResentInOrderExceptWhatExpired() {
    outbox.offer(entry("a", null, Priority.NORMAL, 1_000), 0);
    outbox.offer(entry("b"), 0);
    drain(0);
    List<Object> resend = new ArrayList<>();
    for (OutboxEntry e : outbox.inFlightForResend(2_000)) resend.add(e.handle + "#" + e.sequence());
    assertThat(resend).containsExactly("b#102");
    assertThat(endings).containsExactly("a:EXPIRED");
  }

  @Test
  void rejectionEndsTheMessageUnlessRetryable() {
    outbox.offer(entry("a"), 0);
    outbox.offer(entry("b"), 0);
    drain(0);
    assertThat(outbox.reject(101, "REJECTED", "no", false)).isTrue();
    assertThat(outbox.reject(102, "OVERLOADED", "later", true)).isTrue();
    assertThat(endings).containsExactly("a:REJECTED");
    assertThat(outbox.inFlightCount()).isEqualTo(1);
    assertThat(outbox.reject(999, "X", "", false)).isFalse();
  }

  static LongStream seeds() {
    return LongStream.range(1, 201);
  }

  /**
   * Random sequences of offer / write / disconnect / ack / time advance: the outbox never exceeds
   * its bounds, every entry ends exactly once, nothing is written after its deadline, and every
   * keyed entry written is the newest accepted with its key.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void invariantsHoldUnderRandomOperations(long seed) {
    Random r = new Random(seed);
    int maxMessages = 1 + r.nextInt(20);
    long maxBytes = 100 + r.nextInt(2_000);
    Outbox box = outbox(maxMessages, maxBytes);
    List<OutboxEntry> all = new ArrayList<>();
    Map<String, OutboxEntry> newestByKey = new HashMap<>();
    long now = 0;
    long seq = 0;
    boolean connected = false;
    for (int step = 0; step < 400; step++) {
      switch (r.nextInt(6)) {
        case 0:
        case 1: {
          String key = r.nextBoolean() ? "k" + r.nextInt(5) : null;
          long deadline = r.nextBoolean() ? Long.MAX_VALUE : now + r.nextInt(1_000);
          OutboxEntry e = new OutboxEntry("t", new byte[r.nextInt(200)], key,
              Priority.values()[r.nextInt(3)], r.nextBoolean(), deadline, 0, "e" + step);
          all.add(e);
          // A refused offer leaves the accepted value in place, so only accepted ones count.
          if (box.offer(e, now) && key != null) newestByKey.put(key, e);
          break;
        }
        case 2:
          connected = !connected;
          if (connected) {
            for (OutboxEntry e : box.inFlightForResend(now)) {
              assertThat(e.deadlineNanos).as("resent after deadline").isGreaterThan(now);
            }
          }
          break;
        case 3:
          if (connected) {
            OutboxEntry e;
            int n = r.nextInt(5);
            while (n-- > 0 && (e = box.peekSendable(now)) != null) {
              assertThat(e.deadlineNanos).as("written after deadline").isGreaterThan(now);
              if (e.key != null) assertThat(newestByKey.get(e.key)).as("stale keyed value").isSameAs(e);
              box.written(e, ++seq);
            }
          }
          break;
        case 4:
          box.acknowledge(seq - r.nextInt(3), Collections.singletonList(seq));
          break;
        default:
          now += r.nextInt(300);
          box.expire(now);
          break;
      }
      assertThat(box.size()).isLessThanOrEqualTo(maxMessages);
      assertThat(box.bytes()).isLessThanOrEqualTo(maxBytes);
    }
    box.endAll(Outcome.CLOSED);
    for (OutboxEntry e : all) assertThat(ended).as("ended: %s", e.handle).containsKey(e);
    assertThat(ended).hasSize(all.size());
    assertThat(box.size()).isZero();
    assertThat(box.bytes()).isZero();
  }
}
