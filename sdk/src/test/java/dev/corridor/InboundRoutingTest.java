package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.InboundDeliveryTest.Recorder;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which listener a delivery reaches, and how a listener on a thread pool is fed: the session keeps
 * the stream of the last delivery to skip the topic map, and a pool-run drain waits briefly for the
 * next message before it gives its thread back.
 */
class InboundRoutingTest {
  private final Harness h = new Harness();

  @Test
  void alternatingDeliveriesOfTwoTopicsEachReachTheirOwnListenerInOrder() {
    h.startConnected();
    Recorder aapl = new Recorder();
    Recorder msft = new Recorder();
    h.client.subscribe("AAPL", aapl);
    h.client.subscribe("MSFT", msft);

    for (int i = 1; i <= 5; i++) {
      h.server.publishToStream("AAPL", "", "a" + i);
      h.server.publishToStream("MSFT", "", "m" + i);
      if (i % 2 == 0) h.server.publishToStream("MSFT", "", "m" + i + "'"); // a run of one topic too
    }

    assertThat(aapl.seen).containsExactly("1:a1", "2:a2", "3:a3", "4:a4", "5:a5");
    assertThat(msft.seen).containsExactly("1:m1", "2:m2", "3:m2'", "4:m3", "5:m4", "6:m4'", "7:m5");
  }

  @Test
  void aTopicSubscribedAgainDeliversOnlyToTheNewListener() {
    h.startConnected();
    Recorder first = new Recorder();
    Recorder other = new Recorder();
    Subscription sub = h.client.subscribe("AAPL", first);
    h.client.subscribe("MSFT", other);
    h.server.publishToStream("MSFT", "", "m1");
    h.server.publishToStream("AAPL", "", "a1"); // AAPL's stream is the last one delivered to

    sub.unsubscribe();
    Recorder second = new Recorder();
    h.client.subscribe("AAPL", second);
    h.server.publishToStream("AAPL", "", "a2");
    h.server.publishToStream("AAPL", "", "a3");

    assertThat(first.seen).containsExactly("1:a1");
    assertThat(second.seen).containsExactly("2:a2", "3:a3");
    assertThat(other.seen).containsExactly("1:m1");
  }

  @Test
  void aLateDeliveryForAnUnsubscribedTopicIsIgnoredEvenIfItSkipsSequences() {
    h.startConnected();
    Recorder app = new Recorder();
    Subscription sub = h.client.subscribe("AAPL", app);
    h.server.publishToStream("AAPL", "", "a1");

    sub.unsubscribe();
    // The server has not processed the Unsubscribe yet: 3 after 1 would be a gap on a live stream.
    h.server.deliverRaw(Deliver.newBuilder().setTopic("AAPL").setEpoch(1).setSequence(3).build());
    h.server.deliverRaw(Deliver.newBuilder().setTopic("AAPL").setEpoch(1).setSequence(1).build());

    assertThat(app.seen).containsExactly("1:a1");
    assertThat(h.server.receivedOfKind(Envelope.KindCase.REPLAY_REQUEST)).as("replay requests").isEmpty();
    assertThat(h.client.stats().gapsDetected()).isZero();
    assertThat(h.client.stats().duplicatesDropped()).isZero();
  }

  @Test
  void aListenerOnAThreadPoolReceivesTenThousandDeliveriesCompleteAndInOrderAndFreesItsThreads()
      throws Exception {
    int n = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "test-listener-pool");
      t.setDaemon(true); // a drain that never returned its thread must not keep the JVM alive
      return t;
    });
    ConcurrentLinkedQueue<Long> sequences = new ConcurrentLinkedQueue<>();
    CountDownLatch all = new CountDownLatch(n);
    h.startConnected();
    // A small queue, so that the reader is held back and released many times on the way.
    h.client.subscribe("ticks", m -> {
      sequences.add(m.sequence());
      all.countDown();
    }, SubscribeOptions.builder().executor(pool).queueCapacity(64).build());
    List<Deliver> toSend = new ArrayList<>();
    for (int i = 0; i < n; i++) toSend.add(h.server.appendSilently("ticks", "p"));
    Thread reader = new Thread(() -> { // plays OkHttp's reader thread
      for (Deliver d : toSend) h.server.deliverRaw(d);
    }, "test-reader");

    try {
      reader.start();
      boolean complete = all.await(10, TimeUnit.SECONDS);

      assertThat(complete).as("all %s delivered within 10 s; got %s", n, sequences.size()).isTrue();
      List<Long> expected = new ArrayList<>();
      for (long s = 1; s <= n; s++) expected.add(s);
      assertThat(new ArrayList<>(sequences)).as("every sequence once, in order").isEqualTo(expected);
      pool.shutdown();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS))
          .as("every drain gave its pool thread back").isTrue();
      assertThat(h.events.callbackFailures).isEmpty();
    } finally {
      h.client.close(); // frees the reader if it is still held back
      reader.join(5_000);
      pool.shutdownNow();
    }
    assertThat(reader.isAlive()).as("reader finished").isFalse();
  }
}
