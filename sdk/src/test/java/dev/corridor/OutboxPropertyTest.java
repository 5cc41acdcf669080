package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.SendResult.Outcome;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Publish;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random runs of send / connect / disconnect / held acks / time, through the whole client:
 * the outbox never exceeds its bounds, every message ends exactly once, nothing is written after its
 * deadline, and a keyed message is never written once a newer one with its key was accepted.
 * A failing seed reproduces exactly.
 */
class OutboxPropertyTest {
  static LongStream seeds() {
    return LongStream.range(1, 101);
  }

  private static final class Sent {
    final int index;
    final String key;
    final int step;
    final CompletableFuture<SendResult> future;
    final boolean accepted;

    Sent(int index, String key, int step, CompletableFuture<SendResult> future) {
      this.index = index;
      this.key = key;
      this.step = step;
      this.future = future;
      Outcome immediate = future.isDone() ? future.join().outcome() : null;
      this.accepted = immediate != Outcome.OVERFLOW && immediate != Outcome.EXPIRED;
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void invariantsHoldThroughTheClient(long seed) {
    Random r = new Random(seed);
    Harness h = new Harness();
    int maxMessages = 5 + r.nextInt(30);
    long maxBytes = 2_000 + r.nextInt(4_000);
    h.network.available = false;
    h.start(h.builder().outboxCapacity(maxMessages, maxBytes).maxInFlight(1 + r.nextInt(10)));
    List<Sent> sent = new ArrayList<>();
    Map<Integer, Integer> firstWrittenStep = new HashMap<>();
    Set<Long> seenSequences = new HashSet<>();
    int processed = 0;
    for (int step = 0; step < 300; step++) {
      switch (r.nextInt(7)) {
        case 0:
        case 1:
        case 2: {
          String key = r.nextInt(3) == 0 ? null : "k" + r.nextInt(4);
          SendOptions.Builder o = SendOptions.builder().key(key)
              .priority(SendOptions.Priority.values()[r.nextInt(3)])
              .delivery(r.nextInt(4) == 0 ? SendOptions.Delivery.BEST_EFFORT : SendOptions.Delivery.ACKNOWLEDGED);
          if (r.nextBoolean()) o.ttl(1 + r.nextInt(3_000), TimeUnit.MILLISECONDS);
          int index = sent.size();
          byte[] payload = (index + ":" + "x".repeat(r.nextInt(100))).getBytes(StandardCharsets.UTF_8);
          sent.add(new Sent(index, key, step, h.client.send("t", payload, o.build())));
          break;
        }
        case 3:
          if (h.network.available) h.network.lose(); else h.network.regain();
          break;
        case 4:
          if (h.client.state() == CONNECTED) h.server.transport.last().failWithIo("drop");
          break;
        case 5:
          h.server.autoAck = !h.server.autoAck;
          break;
        default:
          h.advance(r.nextInt(2_000));
          break;
      }
      assertThat(h.client.stats().outboxMessages()).isLessThanOrEqualTo(maxMessages);
      assertThat(h.client.stats().outboxBytes()).isLessThanOrEqualTo(maxBytes);
      // Check every publish the server received since the last step.
      List<Envelope> received = h.server.received;
      for (; processed < received.size(); processed++) {
        Envelope e = received.get(processed);
        if (!e.hasPublish()) continue;
        Publish p = e.getPublish();
        String text = p.getPayload().toStringUtf8();
        int index = Integer.parseInt(text.substring(0, text.indexOf(':')));
        if (p.getDeadlineMs() > 0) {
          assertThat(h.server.receivedAtMillis.get(processed)).as("written after its deadline: #%s", index)
              .isLessThan(p.getDeadlineMs());
        }
        if (p.getClientSequence() == 0 || seenSequences.add(p.getClientSequence())) {
          firstWrittenStep.putIfAbsent(index, step);
        }
      }
    }
    h.client.close();
    h.advance(10_000);
    for (Sent s : sent) {
      assertThat(s.future).as("message %s ended", s.index).isDone();
      Integer written = firstWrittenStep.get(s.index);
      if (written == null || s.key == null) continue;
      for (Sent newer : sent) {
        if (newer.index > s.index && s.key.equals(newer.key) && newer.accepted) {
          assertThat(newer.step).as("#%s written at step %s after #%s with its key was accepted",
              s.index, written, newer.index).isGreaterThanOrEqualTo(written);
        }
      }
    }
    assertThat(h.events.sendsEnded).as("each message ended exactly once").isEqualTo(sent.size());
    assertThat(h.client.stats().outboxMessages()).isZero();
  }
}
