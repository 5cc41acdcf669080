package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.internal.session.Subscriptions;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InboundDeliveryTest {
  private final Harness h = new Harness();

  /** Records what the application sees: "seq:payload" and "DISCONTINUITY reason". */
  static final class Recorder implements MessageListener {
    final List<String> seen = new ArrayList<>();
    final List<Long> sequences = new ArrayList<>();
    final List<Discontinuity> breaks = new ArrayList<>();

    @Override
    public synchronized void onMessage(Message m) {
      seen.add(m.sequence() + ":" + new String(m.payload(), java.nio.charset.StandardCharsets.UTF_8));
      sequences.add(m.sequence());
    }

    @Override
    public synchronized void onDiscontinuity(Discontinuity d) {
      seen.add("DISCONTINUITY " + d.reason());
      breaks.add(d);
    }
  }

  private final Recorder app = new Recorder();

  private void publish(String topic, int count) {
    for (int i = 0; i < count; i++) h.server.publishToStream(topic, "", "p");
  }

  private void dropAndReconnect() {
    h.server.transport.last().failWithIo("drop");
    h.advance(h.states.skipTo(WAITING_TO_RETRY).retryDelayMillis());
    h.states.skipTo(CONNECTED);
  }

  private List<Long> acks(String topic) {
    List<Long> out = new ArrayList<>();
    for (Envelope e : h.server.receivedOfKind(Envelope.KindCase.DELIVER_ACK)) {
      e.getDeliverAck().getPositionsList().stream().filter(p -> p.getTopic().equals(topic))
          .forEach(p -> out.add(p.getSequence()));
    }
    return out;
  }

  @Test
  void subscriptionDeliversInOrderAndAcknowledgesInBatches() {
    h.startConnected();
    Subscription sub = h.client.subscribe("AAPL", app);
    int n = Subscriptions.ACK_EVERY + 6;
    publish("AAPL", n);
    assertThat(app.sequences).hasSize(n).isSorted();
    long every = Subscriptions.ACK_EVERY;
    assertThat(acks("AAPL")).containsExactly(every); // after ACK_EVERY deliveries
    h.advance(199);
    assertThat(acks("AAPL")).containsExactly(every);
    h.advance(1); // and 200 ms after the first unacknowledged one
    assertThat(acks("AAPL")).containsExactly(every, (long) n);
    assertThat(sub.lastSequence()).isEqualTo(n);
    assertThat(sub.epoch()).isEqualTo(1);
  }

  @Test
  void countAcknowledgementsDoNotPostponeTheTimerSoNoDeliveryWaitsMoreThan200Ms() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    publish("AAPL", 1); // arms the timer at t = 0
    h.advance(150);
    int n = Subscriptions.ACK_EVERY + 10;
    publish("AAPL", n - 1); // the 512th delivery sends an ack at t = 150; 10 remain
    long every = Subscriptions.ACK_EVERY;
    assertThat(acks("AAPL")).containsExactly(every);
    h.advance(49);
    assertThat(acks("AAPL")).containsExactly(every);
    h.advance(1); // t = 200: the timer armed at t = 0 acknowledges the rest, 50 ms after they came
    assertThat(acks("AAPL")).containsExactly(every, (long) n);
    h.advance(1_000); // nothing unacknowledged: no further acknowledgement
    assertThat(acks("AAPL")).containsExactly(every, (long) n);
  }

  @Test
  void duplicatesAreDropped() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    Deliver first = h.server.publishToStream("AAPL", "", "a");
    h.server.publishToStream("AAPL", "", "b");
    h.server.deliverRaw(first);
    assertThat(app.seen).containsExactly("1:a", "2:b");
    assertThat(h.client.stats().duplicatesDropped()).isEqualTo(1);
  }

  @Test
  void aGapIsReplayedOnRequest() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    h.server.publishToStream("AAPL", "", "a");
    h.server.appendSilently("AAPL", "lost");
    h.server.publishToStream("AAPL", "", "c"); // sequence 3 reveals the gap; the server replays 2..3
    assertThat(h.server.receivedOfKind(Envelope.KindCase.REPLAY_REQUEST)).singleElement()
        .satisfies(e -> assertThat(e.getReplayRequest().getFrom().getSequence()).isEqualTo(1));
    assertThat(app.seen).containsExactly("1:a", "2:lost", "3:c");
    assertThat(h.client.stats().gapsDetected()).isEqualTo(1);
  }

  @Test
  void aGapTheServerNeverFillsBecomesADiscontinuityAfterTheReplayTimeout() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    h.server.publishToStream("AAPL", "", "a");
    h.server.blackhole = true; // replay requests go unanswered
    h.server.appendSilently("AAPL", "lost");
    h.server.deliverRaw(h.server.appendSilently("AAPL", "c"));
    h.advance(9_999);
    assertThat(app.breaks).isEmpty();
    h.advance(1);
    assertThat(app.breaks).singleElement().satisfies(d -> {
      assertThat(d.reason()).isEqualTo(Discontinuity.Reason.GAP_NOT_FILLED);
      assertThat(d.fromSequence()).isEqualTo(1);
    });
    h.server.deliverRaw(h.server.appendSilently("AAPL", "d"));
    assertThat(app.seen).containsExactly("1:a", "DISCONTINUITY GAP_NOT_FILLED", "4:d");
  }

  @Test
  void resumedSessionReplaysWhatWasMissedFromTheHelloPositions() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    publish("AAPL", 5);
    h.server.transport.last().failWithIo("drop");
    publish("AAPL", 3); // produced while the client is away
    h.advance(h.states.skipTo(WAITING_TO_RETRY).retryDelayMillis());
    h.states.skipTo(CONNECTED);
    var hello = h.server.receivedOfKind(Envelope.KindCase.HELLO).get(1).getHello();
    assertThat(hello.getPositionsList()).singleElement()
        .satisfies(p -> assertThat(p.getSequence()).isEqualTo(5));
    assertThat(app.sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(h.server.receivedOfKind(Envelope.KindCase.SUBSCRIBE)).hasSize(1); // resumed: no re-subscribe
    assertThat(h.client.stats().messagesReplayed()).isEqualTo(3);
  }

  @Test
  void lostSessionIsRestoredBySubscribingAgainFromTheLastPosition() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    publish("AAPL", 5);
    h.server.forgetSessions();
    h.server.transport.last().failWithIo("restart");
    publish("AAPL", 2);
    h.advance(h.states.skipTo(WAITING_TO_RETRY).retryDelayMillis());
    h.states.skipTo(CONNECTED);
    var subscribes = h.server.receivedOfKind(Envelope.KindCase.SUBSCRIBE);
    assertThat(subscribes).hasSize(2);
    assertThat(subscribes.get(1).getSubscribe().getFrom().getSequence()).isEqualTo(5);
    assertThat(app.sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void trimmedHistoryIsReportedAsADiscontinuityBeforeTheNextMessages() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    publish("AAPL", 2);
    h.server.transport.last().failWithIo("drop");
    publish("AAPL", 5); // 3..7
    h.server.trimHistory("AAPL", 2); // only 6 and 7 remain
    h.advance(h.states.skipTo(WAITING_TO_RETRY).retryDelayMillis());
    h.states.skipTo(CONNECTED);
    assertThat(app.seen).containsExactly("1:p", "2:p", "DISCONTINUITY HISTORY_TRIMMED", "6:p", "7:p");
    assertThat(app.breaks.get(0).fromSequence()).isEqualTo(2);
    assertThat(app.breaks.get(0).nextSequence()).isEqualTo(6);
    assertThat(h.client.stats().discontinuities()).isEqualTo(1);
  }

  @Test
  void aNewEpochIsReportedAsADiscontinuity() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    publish("AAPL", 3);
    h.server.forgetSessions();
    h.server.transport.last().failWithIo("server lost its state");
    h.server.newEpoch("AAPL");
    publish("AAPL", 1);
    h.advance(h.states.skipTo(WAITING_TO_RETRY).retryDelayMillis());
    h.states.skipTo(CONNECTED);
    assertThat(app.seen).containsExactly("1:p", "2:p", "3:p", "DISCONTINUITY EPOCH_CHANGED", "1:p");
    assertThat(app.breaks.get(0).epoch()).isEqualTo(2);
  }

  @Test
  void anUnannouncedEpochChangeIsStillReported() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    publish("AAPL", 2);
    h.server.newEpoch("AAPL");
    publish("AAPL", 1);
    assertThat(app.seen).containsExactly("1:p", "2:p", "DISCONTINUITY EPOCH_CHANGED", "1:p");
  }

  @Test
  void latestModeConflatesPerKeyForASlowListener() {
    ConcurrentLinkedQueue<Runnable> slow = new ConcurrentLinkedQueue<>();
    Executor queued = slow::add;
    h.startConnected();
    h.client.subscribe("quotes", app, SubscribeOptions.builder().mode(SubscribeOptions.Mode.LATEST)
        .maxRate(10).executor(queued).build());
    assertThat(h.server.receivedOfKind(Envelope.KindCase.SUBSCRIBE).get(0).getSubscribe().getMaxRate()).isEqualTo(10);
    for (int i = 0; i < 1000; i++) h.server.publishToStream("quotes", "K" + (i % 3), "v" + i);
    Runnable task;
    while ((task = slow.poll()) != null) task.run();
    assertThat(app.seen).containsExactly("998:v997", "999:v998", "1000:v999");
  }

  @Test
  void unsubscribeStopsDeliveryAndTellsTheServer() {
    h.startConnected();
    Subscription sub = h.client.subscribe("AAPL", app);
    publish("AAPL", 1);
    sub.unsubscribe();
    h.server.deliverRaw(Deliver.newBuilder().setTopic("AAPL").setEpoch(1).setSequence(2).build());
    assertThat(app.sequences).containsExactly(1L);
    assertThat(h.server.receivedOfKind(Envelope.KindCase.UNSUBSCRIBE)).hasSize(1);
    // The topic may be subscribed again.
    h.client.subscribe("AAPL", new Recorder());
  }

  @Test
  void subscribingTwiceToOneTopicIsATypedError() {
    h.startConnected();
    h.client.subscribe("AAPL", app);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.client.subscribe("AAPL", app))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already subscribed");
  }

  @Test
  void aThrowingListenerKeepsReceiving() {
    h.startConnected();
    List<Long> seen = new ArrayList<>();
    h.client.subscribe("AAPL", m -> {
      seen.add(m.sequence());
      if (m.sequence() == 1) throw new IllegalStateException("app bug");
    });
    publish("AAPL", 3);
    assertThat(seen).containsExactly(1L, 2L, 3L);
    assertThat(h.events.callbackFailures).hasSize(1);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS) // a broken drain would otherwise hang the suite
  void aFullReliableQueueHoldsSocketReadsInsteadOfDropping() throws Exception {
    BlockingQueue<Runnable> listenerTasks = new ArrayBlockingQueue<>(10_000);
    h.startConnected();
    h.client.subscribe("AAPL", app, SubscribeOptions.builder().queueCapacity(4).executor(listenerTasks::add).build());
    List<Deliver> toSend = new ArrayList<>();
    for (int i = 0; i < 10; i++) toSend.add(h.server.appendSilently("AAPL", "p"));
    CountDownLatch done = new CountDownLatch(1);
    Thread reader = new Thread(() -> { // plays OkHttp's reader thread
      for (Deliver d : toSend) h.server.deliverRaw(d);
      done.countDown();
    });
    reader.start();
    // The reader must stop after the queue fills: it cannot finish until the listener runs.
    assertThat(done.await(200, TimeUnit.MILLISECONDS)).as("reader held back").isFalse();
    while (done.getCount() > 0) {
      Runnable task = listenerTasks.poll(5, TimeUnit.SECONDS);
      if (task != null) task.run();
    }
    Runnable task;
    while ((task = listenerTasks.poll()) != null) task.run();
    reader.join();
    assertThat(app.sequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void churnTenThousandDeliveriesWithDisconnectsAndReplaysArriveExactlyOnceInOrder() {
    long seed = 42L;
    Random random = new Random(seed);
    h.startConnected();
    h.client.subscribe("ticks", app);
    int produced = 0;
    int disconnects = 0;
    while (produced < 10_000) {
      int batch = 1 + random.nextInt(200);
      for (int i = 0; i < batch && produced < 10_000; i++, produced++) {
        int fault = random.nextInt(100);
        if (fault == 0) {
          h.server.appendSilently("ticks", "p"); // lost on the way: a gap
        } else if (fault == 1 && produced > 0) {
          Deliver d = h.server.publishToStream("ticks", "", "p");
          h.server.deliverRaw(d); // delivered twice
        } else {
          h.server.publishToStream("ticks", "", "p");
        }
      }
      if (random.nextInt(4) == 0) {
        disconnects++;
        if (random.nextBoolean()) h.server.forgetSessions();
        h.server.transport.last().failWithIo("churn");
        for (int i = 0; i < random.nextInt(50) && produced < 10_000; i++, produced++) {
          h.server.publishToStream("ticks", "", "p"); // produced while away: replayed later
        }
        h.advance(h.states.skipTo(WAITING_TO_RETRY).retryDelayMillis());
        h.states.skipTo(CONNECTED);
      }
    }
    // A final gap may await the next delivery to be noticed: send one more to flush.
    h.server.publishToStream("ticks", "", "p");
    List<Long> expected = new ArrayList<>();
    for (long s = 1; s <= 10_001; s++) expected.add(s);
    assertThat(app.sequences).as("every sequence exactly once, in order").isEqualTo(expected);
    assertThat(app.breaks).isEmpty();
    ClientStats stats = h.client.stats();
    System.out.printf("churn deliver (seed %d): 10001 messages, %d disconnects, %d gaps replayed, %d duplicates dropped, "
        + "%d replayed after reconnect, 0 gaps and 0 duplicates seen by the application%n",
        seed, disconnects, stats.gapsDetected(), stats.duplicatesDropped(), stats.messagesReplayed());
  }

  @Test
  void aSavedPositionResumesAcrossProcessRestarts() {
    h.startConnected();
    publish("AAPL", 5); // history 1..5 exists before this client subscribes
    h.client.subscribe("AAPL", app, SubscribeOptions.builder().resumeFrom(1, 3).build());
    assertThat(app.sequences).containsExactly(4L, 5L);
    assertThat(h.server.receivedOfKind(Envelope.KindCase.SUBSCRIBE).get(0).getSubscribe().getFrom().getSequence())
        .isEqualTo(3);
  }

  @Test
  void aRejectedSubscriptionIsToldAndRequestedAgainAfterTheNextReconnectIfTheRefusalMayPass() {
    h.startConnected();
    List<String> seen = new ArrayList<>();
    h.server.refuseTopic("BUSY", dev.corridor.proto.v1.ErrorCode.ERROR_CODE_OVERLOADED, "try later", true);
    Subscription sub = h.client.subscribe("BUSY", recordingLifecycle(seen));
    assertThat(sub.state()).isEqualTo(Subscription.State.REJECTED);
    h.server.refusedTopics.clear();
    dropAndReconnect(); // the session is resumed, yet the refused subscription is asked for again
    assertThat(h.server.receivedOfKind(Envelope.KindCase.SUBSCRIBE)).hasSize(2);
    assertThat(sub.state()).isEqualTo(Subscription.State.SUBSCRIBED);
    assertThat(seen).containsExactly("REJECTED", "rejected OVERLOADED: try later", "SUBSCRIBING", "SUBSCRIBED");
  }

  @Test
  void aSubscriptionRefusedForGoodStaysRejectedAndIsNotRequestedAgain() {
    h.startConnected();
    List<String> seen = new ArrayList<>();
    h.server.refuseTopic("SECRET", dev.corridor.proto.v1.ErrorCode.ERROR_CODE_FORBIDDEN, "not entitled", false);
    Subscription sub = h.client.subscribe("SECRET", recordingLifecycle(seen));
    dropAndReconnect();
    assertThat(h.server.receivedOfKind(Envelope.KindCase.SUBSCRIBE)).hasSize(1);
    assertThat(sub.state()).isEqualTo(Subscription.State.REJECTED);
    assertThat(seen).containsExactly("REJECTED", "rejected FORBIDDEN: not entitled");
    sub.unsubscribe();
    assertThat(sub.state()).isEqualTo(Subscription.State.UNSUBSCRIBED);
  }

  @Test
  void aSubscriptionGoesSubscribedResubscribingSubscribedAcrossAReconnectAndEndsUnsubscribed() {
    h.startConnected();
    List<String> seen = new ArrayList<>();
    Subscription sub = h.client.subscribe("AAPL", recordingLifecycle(seen));
    assertThat(sub.state()).isEqualTo(Subscription.State.SUBSCRIBED);
    h.server.transport.last().failWithIo("drop");
    assertThat(sub.state()).isEqualTo(Subscription.State.RESUBSCRIBING);
    h.advance(1000);
    assertThat(h.client.state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(sub.state()).isEqualTo(Subscription.State.SUBSCRIBED);
    h.client.close();
    h.server.transport.last().listener.onClosed(1000, "");
    assertThat(seen).containsExactly("SUBSCRIBED", "RESUBSCRIBING", "SUBSCRIBED", "UNSUBSCRIBED");
  }

  private static MessageListener recordingLifecycle(List<String> seen) {
    return new MessageListener() {
      @Override
      public void onMessage(Message message) {}

      @Override
      public void onStateChanged(Subscription.State state) {
        seen.add(state.name());
      }

      @Override
      public void onRejected(String errorCode, String message) {
        seen.add("rejected " + errorCode + ": " + message);
      }
    };
  }


  @Test
  void aSubscribeUnansweredWhenTheLinkDroppedIsAskedForAgainOnTheResumedSession() {
    h.startConnected();
    h.server.answerSubscribes = false;
    Subscription sub = h.client.subscribe("AAPL", m -> {});
    assertThat(sub.state()).isEqualTo(Subscription.State.SUBSCRIBING);
    h.server.answerSubscribes = true;
    dropAndReconnect(); // the server keeps the session, but never answered the Subscribe
    assertThat(h.server.receivedOfKind(Envelope.KindCase.SUBSCRIBE)).hasSize(2);
    assertThat(sub.state()).isEqualTo(Subscription.State.SUBSCRIBED);
  }
}
