package dev.corridor.integration;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CLOSING;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.PAUSED;
import static dev.corridor.StateChange.Cause.CLOSE_COMPLETED;
import static dev.corridor.StateChange.Cause.CLOSE_REQUESTED;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.PAUSE_REQUESTED;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static dev.corridor.integration.CorridorTestServer.TIMEOUT_SECONDS;
import static dev.corridor.proto.v1.Envelope.KindCase.DELIVER_ACK;
import static dev.corridor.proto.v1.Envelope.KindCase.SUBSCRIBE;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorClient;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.SendOptions;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.integration.CorridorTestServer.Options;
import dev.corridor.proto.v1.Subscribe;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Application threads and the shared timer thread only hand work to the client: whatever they
 * call, the client's own work (decoding and routing inbound messages, state changes, writes,
 * completions) runs on Corridor's threads. Observed through the {@link dev.corridor.EventListener},
 * whose methods run inside the client's serial context.
 */
class ApplicationThreadsOnlyEnqueueTest extends IntegrationTestSupport {
  private static final String TOPIC = "prices/EURUSD";
  private static final int STREAM = 3_000;

  private final AppMainThread appMain = new AppMainThread();
  private final EventThreads threads = new EventThreads();

  @AfterEach
  void stopMainThread() throws InterruptedException {
    appMain.close();
  }

  @Test
  void sendPauseAndCloseOnTheMainThreadRunNoClientWorkThereWhileAStreamArrives() throws Exception {
    Connection connection = server.enqueueUpgrade(new Options().autoAck(true));
    CorridorClient client = connect(clientBuilder(), threads);
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    CountDownLatch streamDelivered = new CountDownLatch(STREAM);
    client.subscribe(TOPIC, new MessageListener() {
      @Override
      public void onMessage(Message message) {
        streamDelivered.countDown();
      }
    });
    Subscribe subscribe = connection.takeEnvelope(SUBSCRIBE).getSubscribe();
    connection.sendSubscribed(subscribe, 1, 1);

    // The main thread sends in a loop, acknowledged and best-effort in turn, for as long as the
    // stream lasts: every call lands while inbound messages are being decoded and routed.
    AtomicBoolean streaming = new AtomicBoolean(true);
    AtomicInteger sends = new AtomicInteger();
    CountDownLatch sending = new CountDownLatch(1);
    CountDownLatch sendsDone = new CountDownLatch(1);
    byte[] payload = {1, 2, 3};
    SendOptions bestEffort = SendOptions.builder().delivery(SendOptions.Delivery.BEST_EFFORT).build();
    appMain.execute(() -> {
      // Bounded so that a broken client cannot make it run away; the stream ends long before.
      for (int i = 0; streaming.get() && i < 50_000; i++) {
        client.send("intents", payload, i % 2 == 0 ? SendOptions.DEFAULT : bestEffort);
        sends.incrementAndGet();
        sending.countDown();
      }
      sendsDone.countDown();
    });
    assertThat(sending.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("main thread sending").isTrue();
    connection.sendDelivers(TOPIC, 1, 1, STREAM, false);

    assertThat(streamDelivered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .as("%s messages delivered", STREAM).isTrue();
    streaming.set(false);
    assertThat(sendsDone.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("main thread done").isTrue();

    appMain.run(client::pause, TIMEOUT_SECONDS);
    recorder.awaitChange(CONNECTED, CLOSING, PAUSE_REQUESTED);
    recorder.awaitChange(CLOSING, PAUSED, CLOSE_COMPLETED);
    appMain.run(client::close, TIMEOUT_SECONDS);
    recorder.awaitChange(PAUSED, CLOSED, CLOSE_REQUESTED);

    assertThat(sends.get()).as("sends from the main thread").isPositive();
    assertThat(threads.count("messageReceived")).as("inbound messages").isGreaterThanOrEqualTo(STREAM);
    assertThat(threads.count("sendEnded")).as("sends ended").isPositive();
    String testThread = Thread.currentThread().getName(); // it called connect() and subscribe()
    assertThat(threads.snapshot().keySet()).as("events by thread: %s", threads.snapshot())
        .noneMatch(k -> k.endsWith(" @ " + AppMainThread.NAME))
        .noneMatch(k -> k.endsWith(" @ " + testThread))
        .noneMatch(k -> k.endsWith(" @ corridor-timer"));
  }

  @Test
  void heartbeatAndAckTimersFiringOnTheTimerThreadRunNoClientWorkThere() throws Exception {
    Connection connection = server.enqueueUpgrade();
    CorridorClient client = connect(clientBuilder()
        .heartbeatInterval(100, MILLISECONDS)
        .pongTimeout(100, MILLISECONDS), threads);
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    CountDownLatch delivered = new CountDownLatch(10);
    client.subscribe(TOPIC, new MessageListener() {
      @Override
      public void onMessage(Message message) {
        delivered.countDown();
      }
    });
    Subscribe subscribe = connection.takeEnvelope(SUBSCRIBE).getSubscribe();
    connection.sendSubscribed(subscribe, 1, 1);
    connection.sendDelivers(TOPIC, 1, 1, 10, false);
    assertThat(delivered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

    // Ten deliveries are too few for a count-triggered DeliverAck: every ack is the ack timer's.
    long acked = 0;
    while (acked < 10) { // bounded: each ack must advance, and each take waits at most 5 s
      long sequence = connection.takeEnvelope(DELIVER_ACK).getDeliverAck().getPositions(0).getSequence();
      assertThat(sequence).as("acks advance").isGreaterThan(acked).isLessThanOrEqualTo(10);
      acked = sequence;
    }
    // Heartbeat timer firings: Pings, each answered by a Pong, and the pong timeouts after them.
    recorder.awaitRttNanos();
    recorder.awaitRttNanos();

    assertThat(threads.count("messageSent")).as("writes").isGreaterThanOrEqualTo(4);
    assertThat(threads.snapshot().keySet()).as("events by thread: %s", threads.snapshot())
        .noneMatch(k -> k.endsWith(" @ corridor-timer"));
  }
}
