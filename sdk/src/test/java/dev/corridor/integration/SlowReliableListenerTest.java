package dev.corridor.integration;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CLOSING;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.PAUSED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.StateChange.Cause.CLOSE_COMPLETED;
import static dev.corridor.StateChange.Cause.CLOSE_REQUESTED;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.PAUSE_REQUESTED;
import static dev.corridor.StateChange.Cause.READS_HELD_TOO_LONG;
import static dev.corridor.StateChange.Cause.RETRY_TIMER;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static dev.corridor.integration.CorridorTestServer.TIMEOUT_SECONDS;
import static dev.corridor.proto.v1.Envelope.KindCase.PUBLISH;
import static dev.corridor.proto.v1.Envelope.KindCase.SUBSCRIBE;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.EventListener;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import dev.corridor.SubscribeOptions;
import dev.corridor.Subscription;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.integration.CorridorTestServer.Options;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.TopicPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A RELIABLE listener that stops keeping up fills its small queue, and the full queue holds the
 * socket's reads; past the read-hold timeout the client reports SLOW_CONSUMER, drops the
 * connection, reconnects and resumes, so that once the listener goes on it sees every message
 * exactly once, in order. A listener blocked on a send's future while its queue is full is not a
 * deadlock: the reconnect's Welcome acknowledges the publish whose ack was stuck behind the held
 * reads.
 *
 * <p>The server plays a feed of {@link #STREAM} messages that stores every publish it receives:
 * each reconnect is resumed, its Welcome acknowledges every publish received so far, and it
 * replays what follows the Hello's position. Close and pause while reads are held must still
 * complete the close handshake: the server's answer is behind the unread messages.
 */
class SlowReliableListenerTest extends IntegrationTestSupport {
  private static final String TOPIC = "prices/EURUSD";
  /** Enough to fill the listener's queue many times over. */
  private static final int STREAM = 100;
  private static final int QUEUE = 4;
  /** Upgrades enqueued: the first connection and the reconnects, however many the timing makes. */
  private static final int CONNECTIONS = 8;

  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final AppMainThread appMain = new AppMainThread();
  private final BlockingQueue<Long> sequences = new LinkedBlockingQueue<>();
  private final CountDownLatch firstEntered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void enqueueFeed() {
    for (int i = 0; i < CONNECTIONS; i++) {
      connections.add(server.enqueueUpgrade(new Options().onHello(this::answerHello)));
    }
  }

  @AfterEach
  void releaseListener() throws InterruptedException {
    release.countDown();
    appMain.close();
  }

  @Test
  void aListenerHoldingReadsPastTheTimeoutIsASlowConsumerAndThenGetsEveryMessageOnceInOrder()
      throws Exception {
    CorridorClient client = connectAndAwaitConnected();
    // On a main thread of its own, so that the state listener keeps reporting while it is blocked.
    Subscription subscription = subscribeBlockedListener(client);
    startStream();
    assertThat(firstEntered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    continueStream();

    StateChange slow = recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, READS_HELD_TOO_LONG,
        CorridorException.Kind.SLOW_CONSUMER);
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    release.countDown();

    assertThat(takeStream()).as("sequences the listener saw").isEqualTo(oneTo(STREAM));
    assertThat(slow.error().getMessage()).contains("300 ms");
    assertThat(subscription.lastSequence()).isEqualTo(STREAM);
    assertThat(connections.get(1).takeHello().getPositionsList())
        .as("the reconnect resumes after the last message queued for the listener")
        .singleElement().satisfies(p -> assertThat(p.getSequence()).isBetween(1L, (long) STREAM));
  }

  @Test
  void aListenerWaitingOnSendWhileItsQueueIsFullSeesTheSendAcknowledgedAfterTheReconnect()
      throws Exception {
    CorridorClient client = connectAndAwaitConnected();
    BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    // On the default callback executor, as an application would write it.
    client.subscribe(TOPIC, new MessageListener() {
      @Override
      public void onMessage(Message message) {
        if (message.sequence() == 1) {
          try {
            outcomes.add(client.send("orders", new byte[] {1}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
          } catch (Exception e) {
            outcomes.add(e);
          }
        }
        sequences.add(message.sequence());
      }
    }, SubscribeOptions.builder().queueCapacity(QUEUE).build());
    startStream();
    Connection first = connections.get(0);
    first.takeEnvelope(PUBLISH); // the listener is waiting for its result now
    continueStream();
    first.sendPublishAck(1); // behind the rest of the stream, which the full queue stops reading

    Object outcome = outcomes.poll(TIMEOUT_SECONDS + 2, TimeUnit.SECONDS);
    assertThat(outcome).as("what the listener's get() returned").isInstanceOf(SendResult.class);
    assertThat(((SendResult) outcome).outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    assertThat(takeStream()).as("sequences the listener saw").isEqualTo(oneTo(STREAM));
    assertThat(recorder.stateChangesSoFar()).as("state changes")
        .anySatisfy(c -> assertThat(c.cause()).isEqualTo(READS_HELD_TOO_LONG));
    assertThat(first.receivedOfKind(PUBLISH)).as("publishes on the first connection").hasSize(1);
  }

  @Test
  void closeWhileAFullQueueHoldsReadsCompletesTheCloseHandshakeWithoutWaitingForTheTimeout()
      throws Exception {
    CorridorClient client = connectHoldingReads();

    client.close();

    recorder.awaitChange(CONNECTED, CLOSING, CLOSE_REQUESTED);
    recorder.awaitChange(CLOSING, CLOSED, CLOSE_COMPLETED);
    assertThat(connections.get(0).takeCloseCode()).isEqualTo(1000);
  }

  @Test
  void pauseWhileAFullQueueHoldsReadsCompletesTheCloseHandshakeWithoutWaitingForTheTimeout()
      throws Exception {
    CorridorClient client = connectHoldingReads();

    client.pause();

    recorder.awaitChange(CONNECTED, CLOSING, PAUSE_REQUESTED);
    recorder.awaitChange(CLOSING, PAUSED, CLOSE_COMPLETED);
    assertThat(connections.get(0).takeCloseCode()).isEqualTo(1000);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Connects with timeouts that cannot end a test (only the server's answer to a close can),
   * blocks the listener in the first message and returns once the client has routed enough of
   * the rest to fill its queue: from then on its reads are held, and anything the server sends
   * later, such as its answer to a close, waits behind the unread messages.
   */
  private CorridorClient connectHoldingReads() throws Exception {
    // Welcome, Subscribed, the first message, then the messages that fill the queue.
    CountDownLatch queueFilled = new CountDownLatch(3 + QUEUE);
    CorridorClient client = connect(clientBuilder()
        .readHoldTimeout(60, TimeUnit.SECONDS)
        .closeTimeout(60, TimeUnit.SECONDS), new EventListener() {
          @Override
          public void messageReceived(int bytes) {
            queueFilled.countDown(); // in the context: the task that routes the message follows
          }
        });
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    subscribeBlockedListener(client);
    startStream();
    assertThat(firstEntered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    continueStream();
    assertThat(queueFilled.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("queue filled").isTrue();
    return client;
  }

  /** A listener on its own main thread that blocks in the first message until released. */
  private Subscription subscribeBlockedListener(CorridorClient client) {
    return client.subscribe(TOPIC, message -> {
      if (message.sequence() == 1) {
        firstEntered.countDown();
        await(release);
      }
      sequences.add(message.sequence());
    }, SubscribeOptions.builder().queueCapacity(QUEUE).executor(appMain).build());
  }

  private CorridorClient connectAndAwaitConnected() throws Exception {
    return connectAndAwaitConnected(clientBuilder().readHoldTimeout(300, MILLISECONDS));
  }

  private CorridorClient connectAndAwaitConnected(CorridorClient.Builder builder) throws Exception {
    CorridorClient client = connect(builder);
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    return client;
  }

  /**
   * Answers the subscription on the first connection and delivers its first message alone: the
   * listener is then inside it before the rest arrives, so the rest fills the queue, each message
   * routed as it is read, and reads are held a few messages later.
   */
  private void startStream() throws InterruptedException {
    Connection first = connections.get(0);
    Subscribe subscribe = first.takeEnvelope(SUBSCRIBE).getSubscribe();
    first.sendSubscribed(subscribe, 1, 1);
    first.sendDeliver(TOPIC, 1, 1, false);
  }

  /** Sends the rest of the stream on the first connection. */
  private void continueStream() {
    connections.get(0).sendDelivers(TOPIC, 1, 2, STREAM, false);
  }

  /**
   * The feed's Welcome: resumed after the first connection, acknowledging every publish received
   * on any connection so far, followed by a replay of what comes after the Hello's position.
   */
  private void answerHello(Connection connection, Hello hello) {
    long stored = 0;
    for (Connection c : connections) {
      for (Envelope e : c.receivedOfKind(PUBLISH)) {
        stored = Math.max(stored, e.getPublish().getClientSequence());
      }
    }
    boolean resumed = !hello.getResumeToken().isEmpty();
    connection.sendWelcome(connection.welcome().toBuilder()
        .setResumed(resumed)
        .setLastClientSequence(stored)
        .build());
    if (!resumed) return; // the first connection's stream starts with the subscription
    for (TopicPosition p : hello.getPositionsList()) {
      if (p.getTopic().equals(TOPIC)) connection.sendDelivers(TOPIC, 1, p.getSequence() + 1, STREAM, true);
    }
  }

  /** The next {@link #STREAM} sequences the listener saw, each waited for at most 5 s. */
  private List<Long> takeStream() throws InterruptedException {
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < STREAM; i++) {
      Long sequence = sequences.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(sequence).as("message %s of %s; so far %s", i + 1, STREAM, seen).isNotNull();
      seen.add(sequence);
    }
    return seen;
  }

  private static List<Long> oneTo(int last) {
    List<Long> out = new ArrayList<>();
    for (long s = 1; s <= last; s++) out.add(s);
    return out;
  }

  /** Waits for {@code latch}; longer than any wait of the test, so only the test releases it. */
  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
