package dev.corridor.integration;

import static dev.corridor.integration.CorridorTestServer.TIMEOUT_SECONDS;
import static dev.corridor.proto.v1.Envelope.KindCase.SUBSCRIBE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.EventListener;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import dev.corridor.SubscribeOptions;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.integration.CorridorTestServer.Options;
import dev.corridor.proto.v1.Subscribe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An application executor that refuses tasks (RejectedExecutionException, as a shut-down
 * executor does) loses only the callbacks it refused: each refusal is reported to
 * {@link EventListener#callbackFailed}, send futures still complete (they never depend on the
 * callback executor), the client still connects, and a subscription whose executor refused once
 * still gets its later messages.
 */
class RefusingCallbackExecutorTest extends IntegrationTestSupport {
  private static final String TOPIC = "prices/EURUSD";

  private final ExecutorService shutDown = Executors.newSingleThreadExecutor();
  private final AppMainThread appMain = new AppMainThread();
  /** Reported synchronously, in the client's context: no callback executor involved. */
  private final BlockingQueue<StateChange> changes = new LinkedBlockingQueue<>();
  private final BlockingQueue<Throwable> callbackFailures = new LinkedBlockingQueue<>();
  private final EventListener events = new EventListener() {
    @Override
    public void stateChanged(StateChange change) {
      changes.add(change);
    }

    @Override
    public void callbackFailed(Throwable error) {
      callbackFailures.add(error);
    }
  };
  private final List<CorridorClient> clients = new ArrayList<>();

  RefusingCallbackExecutorTest() {
    shutDown.shutdown();
  }

  @AfterEach
  void closeClients() throws InterruptedException {
    for (CorridorClient c : clients) c.close();
    appMain.close();
  }

  @Test
  void sendFuturesCompleteAndTheRefusalIsReportedWhenTheCallbackExecutorRefusesEverything()
      throws Exception {
    Connection connection = server.enqueueUpgrade(new Options().autoAck(true));
    // No state listener: before 6ca5dde one would already have stopped the client from connecting.
    CorridorClient client = build(clientBuilder().callbackExecutor(shutDown));
    client.connect();
    awaitConnected();
    client.subscribe(TOPIC, message -> { });
    Subscribe subscribe = connection.takeEnvelope(SUBSCRIBE).getSubscribe();
    connection.sendSubscribed(subscribe, 1, 1);
    connection.sendDeliver(TOPIC, 1, 1, false); // its delivery to the listener is refused

    List<CompletableFuture<SendResult>> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) sends.add(client.send("orders", new byte[] {(byte) i}));

    for (int i = 0; i < 3; i++) {
      SendResult result = sends.get(i).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(result.outcome()).as("outcome of send %s", i + 1).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
      assertThat(result.sequence()).isEqualTo(i + 1);
    }
    assertThat(takeCallbackFailure()).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void theClientConnectsAndReportsTheRefusalWhenEveryStateCallbackIsRefused() throws Exception {
    server.enqueueUpgrade();
    CorridorClient client = build(clientBuilder().callbackExecutor(shutDown));
    client.addStateListener(change -> { });
    client.connect();

    awaitConnected();
    assertThat(takeCallbackFailure()).isInstanceOf(RejectedExecutionException.class);
    assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void aSubscriptionWhoseExecutorRefusedOnceStillGetsItsLaterMessages() throws Exception {
    Connection connection = server.enqueueUpgrade();
    CorridorClient client = build(clientBuilder());
    client.connect();
    awaitConnected();
    AtomicBoolean refusedOnce = new AtomicBoolean();
    Executor refusesFirst = task -> {
      if (refusedOnce.compareAndSet(false, true)) throw new RejectedExecutionException("busy");
      appMain.execute(task);
    };
    BlockingQueue<Long> sequences = new LinkedBlockingQueue<>();
    client.subscribe(TOPIC, new MessageListener() {
      @Override
      public void onMessage(Message message) {
        sequences.add(message.sequence());
      }
    }, SubscribeOptions.builder().executor(refusesFirst).build());
    Subscribe subscribe = connection.takeEnvelope(SUBSCRIBE).getSubscribe();
    connection.sendSubscribed(subscribe, 1, 1);

    connection.sendDeliver(TOPIC, 1, 1, false);
    assertThat(takeCallbackFailure()).isInstanceOf(RejectedExecutionException.class);
    connection.sendDeliver(TOPIC, 1, 2, false);

    // The refused hand-off is retried with the next message; nothing queued for the listener is lost.
    assertThat(sequences.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("first message").isEqualTo(1);
    assertThat(sequences.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("second message").isEqualTo(2);
  }

  // ---------------------------------------------------------------------------------------------

  private CorridorClient build(CorridorClient.Builder builder) {
    CorridorClient client = builder.eventListener(events).build();
    clients.add(client);
    return client;
  }

  private void awaitConnected() throws InterruptedException {
    while (true) { // bounded: each take waits at most 5 s, and a client makes few changes
      StateChange change = changes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(change).as("a state change towards CONNECTED within %s s", TIMEOUT_SECONDS).isNotNull();
      assertThat(change.current()).as("state after %s", change)
          .isIn(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
      if (change.current() == ConnectionState.CONNECTED) return;
    }
  }

  private Throwable takeCallbackFailure() throws InterruptedException {
    Throwable failure = callbackFailures.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(failure).as("a callback failure reported within %s s", TIMEOUT_SECONDS).isNotNull();
    return failure;
  }
}
