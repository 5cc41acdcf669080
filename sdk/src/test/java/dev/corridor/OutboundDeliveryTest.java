package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.SendResult.Outcome;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Publish;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OutboundDeliveryTest {
  private final Harness h = new Harness();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static SendOptions keyed(String key) {
    return SendOptions.builder().key(key).build();
  }

  private static Outcome outcome(CompletableFuture<SendResult> f) {
    assertThat(f).as("completed").isDone();
    return f.join().outcome();
  }

  private List<String> publishedPayloads() {
    return h.server.receivedOfKind(Envelope.KindCase.PUBLISH).stream()
        .map(e -> e.getPublish().getPayload().toStringUtf8()).collect(Collectors.toList());
  }

  private void dropLink() {
    h.server.transport.last().failWithIo("test drop");
  }

  private void reconnect() {
    h.advance(h.states.skipTo(WAITING_TO_RETRY).retryDelayMillis());
    h.states.skipTo(CONNECTED);
  }

  @Test
  void messagesWaitOfflineAndAreAcknowledgedAfterConnecting() {
    h.network.available = false;
    h.start();
    var a = h.client.send("orders", bytes("a"));
    var b = h.client.send("orders", bytes("b"));
    assertThat(a).isNotDone();
    h.network.regain();
    assertThat(outcome(a)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(outcome(b)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(a.join().sequence()).isEqualTo(1);
    assertThat(b.join().sequence()).isEqualTo(2);
    assertThat(publishedPayloads()).containsExactly("a", "b");
  }

  @Test
  void aNewerMessageWithTheSameKeySupersedesTheUnsentOne() {
    h.network.available = false;
    h.start();
    var v1 = h.client.send("alerts", bytes("AAPL>200"), keyed("alert-1"));
    var other = h.client.send("alerts", bytes("MSFT<300"), keyed("alert-2"));
    var v2 = h.client.send("alerts", bytes("AAPL>210"), keyed("alert-1"));
    assertThat(outcome(v1)).isEqualTo(Outcome.SUPERSEDED);
    h.network.regain();
    assertThat(outcome(v2)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(outcome(other)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(publishedPayloads()).containsExactly("MSFT<300", "AAPL>210");
    assertThat(h.client.stats().sendOutcomes(Outcome.SUPERSEDED)).isEqualTo(1);
  }

  @Test
  void ttlExpiresWhileOfflineAtItsDeadline() {
    h.network.available = false;
    h.start();
    var intent = h.client.send("ui", bytes("focus AAPL"),
        SendOptions.builder().ttl(2, TimeUnit.SECONDS).delivery(SendOptions.Delivery.BEST_EFFORT).build());
    h.advance(1_999);
    assertThat(intent).isNotDone();
    h.advance(1);
    assertThat(outcome(intent)).isEqualTo(Outcome.EXPIRED);
    h.network.regain();
    assertThat(publishedPayloads()).isEmpty();
  }

  @Test
  void aTtlTooLongForTheClockIsNoDeadlineNotAnInstantExpiry() {
    h.network.available = false;
    h.start();
    h.advance(1_000); // a real monotonic clock is rarely at zero
    var maxMillis = h.client.send("t", bytes("max ms"),
        SendOptions.builder().ttl(Long.MAX_VALUE, TimeUnit.MILLISECONDS).build());
    var halfMaxDays = h.client.send("t", bytes("half max days"),
        SendOptions.builder().ttl(Long.MAX_VALUE / 2, TimeUnit.DAYS).build());
    h.advance(TimeUnit.DAYS.toMillis(365)); // a year offline changes nothing
    assertThat(maxMillis).isNotDone();
    assertThat(halfMaxDays).isNotDone();
    h.network.regain();
    assertThat(outcome(maxMillis)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(outcome(halfMaxDays)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(publishedPayloads()).containsExactly("max ms", "half max days");
    // Too far to represent: no wall-clock deadline on the wire rather than an overflowed one.
    assertThat(h.server.receivedOfKind(Envelope.KindCase.PUBLISH))
        .allSatisfy(e -> assertThat(e.getPublish().getDeadlineMs()).isZero());
  }

  @Test
  void aNormalTtlStillExpiresOnTimeNextToAnUnrepresentableOne() {
    h.network.available = false;
    h.start();
    h.advance(1_000);
    var forever = h.client.send("t", bytes("forever"),
        SendOptions.builder().ttl(Long.MAX_VALUE, TimeUnit.MILLISECONDS).build());
    var brief = h.client.send("t", bytes("brief"), SendOptions.builder().ttl(2, TimeUnit.SECONDS).build());
    h.advance(1_999);
    assertThat(brief).isNotDone();
    h.advance(1);
    assertThat(outcome(brief)).isEqualTo(Outcome.EXPIRED);
    assertThat(forever).isNotDone();
    h.network.regain();
    assertThat(outcome(forever)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(publishedPayloads()).containsExactly("forever");
  }

  @Test
  void aLongButRepresentableTtlTravelsAsItsWallClockDeadline() {
    h.startConnected();
    long hundredYears = TimeUnit.DAYS.toMillis(36_525);
    var f = h.client.send("t", bytes("x"), SendOptions.builder().ttl(hundredYears, TimeUnit.MILLISECONDS).build());
    assertThat(outcome(f)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(h.server.accepted.get(0).getDeadlineMs())
        .isEqualTo(dev.corridor.testing.FakeTime.EPOCH_MILLIS + hundredYears);
  }

  @Test
  void ttlExpiresWhileQueuedBehindOthers() {
    h.server.autoAck = false;
    h.start(h.builder().maxInFlight(1));
    h.states.skipTo(CONNECTED);
    var first = h.client.send("t", bytes("first"));
    var queued = h.client.send("t", bytes("queued"), SendOptions.builder().ttl(500, TimeUnit.MILLISECONDS).build());
    h.advance(500);
    assertThat(outcome(queued)).isEqualTo(Outcome.EXPIRED);
    assertThat(first).isNotDone();
    assertThat(publishedPayloads()).containsExactly("first");
  }

  @Test
  void fullOutboxEvictsLowestPriorityOldestAndRefusesWhatCannotFit() {
    h.network.available = false;
    h.start(h.builder().outboxCapacity(2, 1 << 20));
    var low = h.client.send("t", bytes("low"), SendOptions.builder().priority(SendOptions.Priority.LOW).build());
    var normal = h.client.send("t", bytes("normal"));
    var high = h.client.send("t", bytes("high"), SendOptions.builder().priority(SendOptions.Priority.HIGH).build());
    assertThat(outcome(low)).isEqualTo(Outcome.OVERFLOW);
    var refused = h.client.send("t", bytes("low2"), SendOptions.builder().priority(SendOptions.Priority.LOW).build());
    assertThat(outcome(refused)).isEqualTo(Outcome.OVERFLOW);
    assertThat(h.client.stats().outboxMessages()).isEqualTo(2);
    h.network.regain();
    assertThat(outcome(normal)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(outcome(high)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(publishedPayloads()).containsExactly("normal", "high");
  }

  @Test
  void inFlightMessagesAreResentAfterReconnectInOrderBeforeNewerOnes() {
    h.startConnected();
    h.server.blackhole = true; // a half-open link: what the client writes never arrives
    var a = h.client.send("t", bytes("a"));
    var b = h.client.send("t", bytes("b"));
    dropLink();
    var c = h.client.send("t", bytes("c"));
    h.server.blackhole = false;
    reconnect();
    assertThat(h.server.accepted).extracting(p -> p.getPayload().toStringUtf8() + "#" + p.getClientSequence())
        .containsExactly("a#1", "b#2", "c#3");
    assertThat(List.of(outcome(a), outcome(b), outcome(c))).containsOnly(Outcome.ACKNOWLEDGED);
  }

  @Test
  void aMessageResentAfterADroppedAckIsAcceptedOnceByTheServer() {
    h.server.dropAfterPublish = n -> n == 1; // received, then the link dies before the ack
    h.server.keepSessions = true;
    h.startConnected();
    h.server.cumulativeInWelcome = false; // make the client resend: the server deduplicates
    var a = h.client.send("t", bytes("a"));
    reconnect();
    assertThat(outcome(a)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(h.server.receivedOfKind(Envelope.KindCase.PUBLISH)).hasSize(2);
    assertThat(h.server.accepted).hasSize(1);
    assertThat(h.server.duplicatePublishes).isEqualTo(1);
  }

  @Test
  void welcomeCumulativeAcknowledgesWhatTheServerAlreadyHas() {
    h.server.autoAck = false;
    h.startConnected();
    var a = h.client.send("t", bytes("a"));
    dropLink(); // the server accepted #1 but its ack never arrived
    reconnect();
    assertThat(outcome(a)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(h.server.receivedOfKind(Envelope.KindCase.PUBLISH)).hasSize(1); // not resent
  }

  @Test
  void unacknowledgedMessagesAreNotResentOnATimerWhileConnected() {
    h.server.autoAck = false;
    h.startConnected();
    h.client.send("t", bytes("a"));
    h.advance(10 * 60_000);
    assertThat(h.server.receivedOfKind(Envelope.KindCase.PUBLISH)).hasSize(1);
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }

  @Test
  void serverRejectionCompletesWithItsCode() {
    h.server.rejectSequences.add(1L);
    h.startConnected();
    var a = h.client.send("t", bytes("a"));
    var b = h.client.send("t", bytes("b"));
    assertThat(outcome(a)).isEqualTo(Outcome.REJECTED);
    assertThat(a.join().errorCode()).isEqualTo("REJECTED");
    assertThat(a.join().errorMessage()).isEqualTo("rejected by test");
    assertThat(outcome(b)).isEqualTo(Outcome.ACKNOWLEDGED);
  }

  @Test
  void bestEffortIsWrittenOnceAndNeverResent() {
    h.server.autoAck = false;
    h.startConnected();
    var f = h.client.send("ui", bytes("x"), SendOptions.builder().delivery(SendOptions.Delivery.BEST_EFFORT).build());
    assertThat(outcome(f)).isEqualTo(Outcome.WRITTEN);
    assertThat(f.join().sequence()).isZero();
    dropLink();
    reconnect();
    assertThat(h.server.bestEffort).hasSize(1);
  }

  @Test
  void writesStopAboveTheSocketHighWaterMarkAndResumeWhenItDrains() {
    h.start(h.builder().writeHighWater(4096));
    h.states.skipTo(CONNECTED);
    var socket = h.server.transport.last();
    socket.queuedBytes = 5000;
    var f = h.client.send("t", bytes("waits"));
    assertThat(publishedPayloads()).isEmpty();
    assertThat(f).isNotDone();
    socket.queuedBytes = 0;
    h.advance(5); // the stalled write is retried
    assertThat(publishedPayloads()).containsExactly("waits");
    assertThat(outcome(f)).isEqualTo(Outcome.ACKNOWLEDGED);
  }

  @Test
  void encodedMessageOverTheServerLimitEndsRejectedLocally() {
    h.server.maxMessageBytes = 100;
    h.network.available = false;
    h.start();
    var f = h.client.send("t", new byte[90]); // fits the payload check, not once encoded
    h.network.regain();
    assertThat(outcome(f)).isEqualTo(Outcome.REJECTED);
    assertThat(f.join().errorCode()).isEqualTo("TOO_LARGE");
    assertThat(publishedPayloads()).isEmpty();
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }

  @Test
  void closeEndsEverythingStillHeldAsClosed() {
    h.server.autoAck = false;
    h.startConnected();
    var inFlight = h.client.send("t", bytes("a"));
    h.client.close();
    h.server.transport.last().listener.onClosed(1000, "");
    assertThat(outcome(inFlight)).isEqualTo(Outcome.CLOSED);
    var late = h.client.send("t", bytes("late"));
    assertThat(outcome(late)).isEqualTo(Outcome.CLOSED);
  }

  @Test
  void aRestartedClientWithTheSameIdNeverReusesSequencesTheServerHas() {
    h.startConnected();
    for (int i = 0; i < 5; i++) h.client.send("t", bytes("m" + i));
    assertThat(h.server.cumulative).isEqualTo(5);
    h.client.close();
    Harness second = new Harness();
    // Same server, same client id, fresh process.
    CorridorClient restarted = second.builder().transport(h.server.transport).build();
    restarted.connect();
    var f = restarted.send("t", bytes("after restart"));
    assertThat(f.join().sequence()).isEqualTo(6);
    assertThat(h.server.accepted).hasSize(6);
  }

  @Test
  void churnTenThousandAcknowledgedPublishesAcrossFiftyDisconnectsAreAcceptedExactlyOnce() {
    long seed = 20261122L;
    java.util.Random random = new java.util.Random(seed);
    h.start(h.builder().outboxCapacity(20_000, 64L << 20));
    h.states.skipTo(CONNECTED);
    List<CompletableFuture<SendResult>> futures = new ArrayList<>();
    int disconnects = 0;
    int sent = 0;
    while (sent < 10_000) {
      int batch = Math.min(10_000 - sent, 150 + random.nextInt(100));
      // Before a drop, acks are sometimes held so that the drop catches messages in flight.
      h.server.autoAck = disconnects >= 50 || random.nextBoolean();
      for (int i = 0; i < batch; i++, sent++) futures.add(h.client.send("orders", bytes("m" + sent)));
      if (disconnects < 50) {
        disconnects++;
        // The server may or may not tell the client what it already has (then resends are deduped).
        h.server.cumulativeInWelcome = random.nextBoolean();
        if (random.nextInt(3) == 0) {
          // A half-open link swallows the last few messages before the drop.
          h.server.blackhole = true;
          for (int i = 0; i < 20; i++) futures.add(h.client.send("orders", bytes("lost-" + disconnects + "-" + i)));
          h.server.blackhole = false;
        }
        switch (disconnects % 5) {
          case 0:
            h.server.transport.last().serverClose(1011, "crash");
            break;
          case 1:
            h.server.transport.last().failWithIo("reset");
            break;
          case 2:
            h.network.lose();
            futures.add(h.client.send("orders", bytes("offline-" + disconnects)));
            h.network.regain();
            break;
          case 3:
            h.server.transport.last().serverClose(1001, "going away");
            break;
          default:
            h.server.forgetSessions();
            h.server.transport.last().serverClose(1012, "restart");
            break;
        }
        h.server.autoAck = true;
        if (h.client.state() == WAITING_TO_RETRY) h.advance(30_000);
        assertThat(h.client.state()).as("reconnected after disconnect %s", disconnects).isEqualTo(CONNECTED);
      }
    }
    h.server.autoAck = true;
    h.advance(1); // settle
    assertThat(disconnects).isEqualTo(50);
    long acknowledged = futures.stream().filter(f -> f.isDone() && f.join().outcome() == Outcome.ACKNOWLEDGED).count();
    assertThat(acknowledged).as("acknowledged of %s", futures.size()).isEqualTo(futures.size());
    // Each message reached the server's application exactly once.
    List<String> accepted = h.server.accepted.stream().map(p -> p.getPayload().toStringUtf8()).collect(Collectors.toList());
    assertThat(accepted).doesNotHaveDuplicates();
    assertThat(h.server.accepted.size()).isGreaterThanOrEqualTo(10_000);
    assertThat(accepted).hasSize(futures.size());
    System.out.printf("churn publish (seed %d): %d messages, %d disconnects, %d accepted exactly once, "
        + "%d resends deduplicated by the server, 0 lost%n",
        seed, futures.size(), disconnects, accepted.size(), h.server.duplicatePublishes);
  }

  @Test
  void coalescingOneHundredThousandUpdatesOnOneHundredKeysSendsOnlyTheLatest() {
    h.network.available = false;
    h.start();
    for (int i = 0; i < 100_000; i++) {
      int key = i % 100;
      h.client.send("quotes", bytes(key + ":" + i), keyed("k" + key));
    }
    assertThat(h.client.stats().outboxMessages()).isEqualTo(100);
    h.network.regain();
    List<String> sent = publishedPayloads();
    assertThat(sent).hasSizeLessThanOrEqualTo(100);
    for (String s : sent) {
      int key = Integer.parseInt(s.substring(0, s.indexOf(':')));
      int value = Integer.parseInt(s.substring(s.indexOf(':') + 1));
      assertThat(value).as("latest value for key %s", key).isEqualTo(99_900 + key);
    }
    assertThat(h.client.stats().sendOutcomes(Outcome.SUPERSEDED)).isEqualTo(99_900);
    System.out.printf("coalescing: 100000 updates on 100 keys offline -> %d sent, all latest%n", sent.size());
  }

  @Test
  void aRetryableRejectionIsResentWithTheSameSequenceAfterItsRetryAfter() {
    h.server.autoAck = false;
    h.startConnected();
    var f = h.client.send("t", bytes("busy"));
    h.server.transport.last().receive(dev.corridor.fakes.FakeServer.env().setError(
        dev.corridor.proto.v1.Error.newBuilder().setCode(dev.corridor.proto.v1.ErrorCode.ERROR_CODE_OVERLOADED)
            .setRetryable(true).setRetryAfterMs(3_000).setClientSequence(1)).build().toByteArray());
    h.advance(2_999);
    assertThat(publishedPayloads()).containsExactly("busy");
    h.server.autoAck = true;
    h.advance(1);
    assertThat(h.server.receivedOfKind(Envelope.KindCase.PUBLISH)).extracting(e -> e.getPublish().getClientSequence())
        .containsExactly(1L, 1L);
    assertThat(outcome(f)).isEqualTo(Outcome.ACKNOWLEDGED);
  }

  @Test
  void resendsAfterAReconnectWaitForAFullSocketQueueToo() {
    h.start(h.builder().writeHighWater(4096));
    h.states.skipTo(CONNECTED);
    h.server.blackhole = true;
    var a = h.client.send("t", bytes("a"));
    var b = h.client.send("t", bytes("b"));
    h.server.transport.last().failWithIo("drop");
    h.server.blackhole = false;
    h.server.transport.onOpen(socket -> {
      socket.queuedBytes = 5000; // the new socket starts congested
      h.server.accept(socket);
    });
    reconnect();
    assertThat(h.server.accepted).isEmpty();
    h.server.transport.last().queuedBytes = 0;
    h.advance(5);
    assertThat(h.server.accepted).extracting(p -> p.getPayload().toStringUtf8()).containsExactly("a", "b");
    assertThat(outcome(a)).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(outcome(b)).isEqualTo(Outcome.ACKNOWLEDGED);
  }
}
