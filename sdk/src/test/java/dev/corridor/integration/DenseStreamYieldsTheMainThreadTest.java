package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static dev.corridor.integration.CorridorTestServer.TIMEOUT_SECONDS;
import static dev.corridor.proto.v1.Envelope.KindCase.SUBSCRIBE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorClient;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.SubscribeOptions;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.proto.v1.Subscribe;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dense RELIABLE stream delivered on a single-thread "main" executor does not hold it: the
 * delivery runs in slices and re-posts itself, so a task posted to the main thread while thousands
 * of messages wait runs before the last of them is delivered. And with an application executor
 * the listener runs only there, never on one of Corridor's threads. No timing is asserted: only
 * the order in which the main thread runs things.
 */
class DenseStreamYieldsTheMainThreadTest extends IntegrationTestSupport {
  private static final String TOPIC = "prices/EURUSD";
  private static final int STREAM = 5_000;

  private final AppMainThread appMain = new AppMainThread();
  private Connection connection;
  private final AtomicInteger delivered = new AtomicInteger();
  private final Set<String> listenerThreads = ConcurrentHashMap.newKeySet();
  private final CountDownLatch firstDelivered = new CountDownLatch(1);
  private final CountDownLatch streamQueued = new CountDownLatch(1);
  private final CountDownLatch allDelivered = new CountDownLatch(STREAM);

  @BeforeEach
  void enqueueUpgrade() {
    connection = server.enqueueUpgrade();
  }

  @AfterEach
  void stopMainThread() throws InterruptedException {
    streamQueued.countDown();
    appMain.close();
  }

  @Test
  void aTaskPostedToTheMainCallbackExecutorMidStreamRunsBeforeTheStreamEnds() throws Exception {
    CorridorClient client = connectAndAwaitConnected(clientBuilder().callbackExecutor(appMain));
    assertATaskPostedMidStreamRunsBeforeItsEnd(client, SubscribeOptions.builder());
  }

  @Test
  void aTaskPostedToASubscriptionsMainExecutorMidStreamRunsBeforeTheStreamEnds() throws Exception {
    CorridorClient client = connectAndAwaitConnected(clientBuilder());
    assertATaskPostedMidStreamRunsBeforeItsEnd(client, SubscribeOptions.builder().executor(appMain));
  }

  private CorridorClient connectAndAwaitConnected(CorridorClient.Builder builder) throws Exception {
    CorridorClient client = connect(builder);
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    return client;
  }

  /**
   * Holds the main thread inside the first message until all {@link #STREAM} messages are queued
   * for the listener (the client has answered a Ping sent after them), posts a marker task to the
   * main thread, and lets the listener go on.
   */
  private void assertATaskPostedMidStreamRunsBeforeItsEnd(CorridorClient client,
      SubscribeOptions.Builder options) throws Exception {
    client.subscribe(TOPIC, new MessageListener() {
      @Override
      public void onMessage(Message message) {
        listenerThreads.add(Thread.currentThread().getName());
        if (delivered.incrementAndGet() == 1) {
          firstDelivered.countDown();
          await(streamQueued);
        }
        allDelivered.countDown();
      }
    }, options.queueCapacity(STREAM * 2).build()); // no backpressure: everything is queued at once
    Subscribe subscribe = connection.takeEnvelope(SUBSCRIBE).getSubscribe();
    connection.sendSubscribed(subscribe, 1, 1);
    connection.sendDelivers(TOPIC, 1, 1, STREAM, false);
    connection.sendPing(7);
    assertThat(connection.takePong().getNonce()).as("Pong after the stream").isEqualTo(7);
    assertThat(firstDelivered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

    AtomicInteger deliveredBeforeMarker = new AtomicInteger(-1);
    CountDownLatch markerRan = new CountDownLatch(1);
    appMain.execute(() -> {
      deliveredBeforeMarker.set(delivered.get());
      markerRan.countDown();
    });
    streamQueued.countDown();

    assertThat(markerRan.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("marker task ran").isTrue();
    assertThat(allDelivered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("stream delivered").isTrue();
    assertThat(deliveredBeforeMarker.get())
        .as("messages delivered before the task posted mid-stream ran")
        .isBetween(1, STREAM - 1);
    assertThat(listenerThreads).as("threads the listener ran on").containsExactly(AppMainThread.NAME);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
