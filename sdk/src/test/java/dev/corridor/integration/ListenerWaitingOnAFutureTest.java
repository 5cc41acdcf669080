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
import dev.corridor.Response;
import dev.corridor.SendResult;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.integration.CorridorTestServer.Options;
import dev.corridor.proto.v1.Subscribe;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A subscription listener that sends or requests and waits for the answer (future.get with a
 * timeout) sees its future complete, on the default callback executor and on a single-thread
 * "main" executor alike: futures complete on Corridor's own threads, never behind the listener
 * that waits for them. Real sockets, real executors, real timer thread.
 */
class ListenerWaitingOnAFutureTest extends IntegrationTestSupport {
  private static final String TOPIC = "orders/in";

  private final AppMainThread appMain = new AppMainThread();
  /** What each listener call ended with: the future's value, or the exception its get() threw. */
  private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> listenerThreads = new LinkedBlockingQueue<>();
  private CorridorClient client;

  @AfterEach
  void stopMainThread() throws InterruptedException {
    appMain.close();
  }

  @Test
  void listenerWaitingOnSendSeesItAcknowledgedOnTheDefaultCallbackExecutor() throws Exception {
    connectAndDeliverOne(clientBuilder(), this::sendAndWait);

    SendResult result = (SendResult) takeOutcome();
    assertThat(result.outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    assertThat(result.sequence()).isEqualTo(1);
    assertThat(listenerThreads.take()).startsWith("corridor-worker-");
    assertThat(client.stats().sendOutcomes(SendResult.Outcome.ACKNOWLEDGED)).isEqualTo(1);
  }

  @Test
  void listenerWaitingOnSendSeesItAcknowledgedOnASingleThreadMainExecutor() throws Exception {
    connectAndDeliverOne(clientBuilder().callbackExecutor(appMain), this::sendAndWait);

    SendResult result = (SendResult) takeOutcome();
    assertThat(result.outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    assertThat(listenerThreads.take()).isEqualTo(AppMainThread.NAME);
  }

  @Test
  void listenerWaitingOnARequestSeesTheResponseOnTheDefaultCallbackExecutor() throws Exception {
    connectAndDeliverOne(clientBuilder(), this::requestAndWait);

    Response response = (Response) takeOutcome();
    assertThat(response.status()).isEqualTo(Response.Status.OK);
    assertThat(new String(response.payload(), StandardCharsets.UTF_8)).isEqualTo("quote m1");
  }

  @Test
  void listenerWaitingOnARequestSeesTheResponseOnASingleThreadMainExecutor() throws Exception {
    connectAndDeliverOne(clientBuilder().callbackExecutor(appMain), this::requestAndWait);

    Response response = (Response) takeOutcome();
    assertThat(response.status()).isEqualTo(Response.Status.OK);
    assertThat(listenerThreads.take()).isEqualTo(AppMainThread.NAME);
  }

  // ---------------------------------------------------------------------------------------------

  /** Sends an acknowledged message; the listener then waits for its result. */
  private Future<SendResult> sendAndWait(Message m) {
    return client.send("orders/out", ("ack " + new String(m.payload(), StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a request; the listener then waits for its response. */
  private Future<Response> requestAndWait(Message m) {
    return client.request("quote", ("quote " + new String(m.payload(), StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Connects to a server that acknowledges every publish and answers every request at once,
   * subscribes with a listener that calls {@code action} and waits on the future it returns,
   * and delivers one message.
   */
  private void connectAndDeliverOne(CorridorClient.Builder builder,
      Function<Message, Future<?>> action) throws Exception {
    Connection connection = server.enqueueUpgrade(new Options().autoAck(true).autoRespond(true));
    client = connect(builder);
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    client.subscribe(TOPIC, new MessageListener() {
      @Override
      public void onMessage(Message message) {
        listenerThreads.add(Thread.currentThread().getName());
        try {
          outcomes.add(action.apply(message).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (Exception e) {
          outcomes.add(e);
        }
      }
    });
    Subscribe subscribe = connection.takeEnvelope(SUBSCRIBE).getSubscribe();
    connection.sendSubscribed(subscribe, 1, 1);
    connection.sendDeliver(TOPIC, 1, 1, false);
  }

  private Object takeOutcome() throws InterruptedException {
    Object outcome = outcomes.poll(TIMEOUT_SECONDS + 2, TimeUnit.SECONDS);
    assertThat(outcome).as("the listener finished waiting").isNotNull();
    assertThat(outcome).as("what the listener's get() returned").isNotInstanceOf(Exception.class);
    return outcome;
  }
}
