package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.StateChange.Cause.CONNECTION_LOST;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.RETRY_TIMER;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static dev.corridor.integration.CorridorTestServer.TIMEOUT_SECONDS;
import static dev.corridor.proto.v1.Envelope.KindCase.DELIVER_ACK;
import static dev.corridor.proto.v1.Envelope.KindCase.PUBLISH;
import static dev.corridor.proto.v1.Envelope.KindCase.SUBSCRIBE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.Discontinuity;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.SendResult;
import dev.corridor.Subscription;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.integration.CorridorTestServer.Options;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.SubscriptionMode;
import dev.corridor.proto.v1.TopicPosition;
import dev.corridor.proto.v1.Welcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The delivery layer over a real socket: acknowledged publishes resent after a reconnect,
 * subscriptions resumed (or re-requested) after a reconnect, and batched DeliverAcks.
 *
 * <p>The second connection of each reconnect test withholds its Welcome until the test sends it,
 * so that "while disconnected" is deterministic: the client has no session until then.
 */
class DeliveryIntegrationTest extends IntegrationTestSupport {
  private static final String TOPIC = "prices/EURUSD";

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  /** Collects what a subscription's listener sees; callbacks arrive on the callback executor. */
  private static final class Inbox implements MessageListener {
    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Discontinuity> breaks = new LinkedBlockingQueue<>();
    final BlockingQueue<String> rejections = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(Message message) {
      messages.add(message);
    }

    @Override
    public void onDiscontinuity(Discontinuity discontinuity) {
      breaks.add(discontinuity);
    }

    @Override
    public void onRejected(String errorCode, String message) {
      rejections.add(errorCode + ": " + message);
    }

    /** Takes the next message, asserting its sequence, epoch and replay flag. */
    Message take(long sequence, long epoch, boolean replay) throws InterruptedException {
      Message m = messages.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(m).as("message %s delivered within %s s", sequence, TIMEOUT_SECONDS).isNotNull();
      assertThat(m.topic()).isEqualTo(TOPIC);
      assertThat(m.sequence()).as("sequence of %s", m).isEqualTo(sequence);
      assertThat(m.epoch()).as("epoch of %s", m).isEqualTo(epoch);
      assertThat(m.isReplay()).as("replay flag of %s", m).isEqualTo(replay);
      assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("m" + sequence);
      return m;
    }
  }

  private static SendResult await(CompletableFuture<SendResult> future) throws Exception {
    return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static String describe(Publish p) {
    return p.getPayload().toStringUtf8() + "#" + p.getClientSequence();
  }

  private Publish takePublish(Connection connection) throws InterruptedException {
    Envelope envelope = connection.takeEnvelope(PUBLISH);
    assertThat(envelope.getProtocolVersion()).isEqualTo(1);
    return envelope.getPublish();
  }

  /**
   * Proves the client has processed everything the server sent before it and written everything
   * it meant to write in reaction: its socket callbacks and writes are in order, so once the Pong
   * is back, any envelope the client sent earlier has been recorded.
   */
  private static void roundTrip(Connection connection, long nonce) throws InterruptedException {
    connection.sendPing(nonce);
    assertThat(connection.takePong().getNonce()).isEqualTo(nonce);
  }

  /** Builds and connects a client; returns once its first connection is welcomed. */
  private CorridorClient connectAndAwaitConnected() throws Exception {
    CorridorClient client = connect(clientBuilder().clientId("delivery-it"));
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    return client;
  }

  /** Drops {@code connection} and waits until the client has noticed and starts its next attempt. */
  private void dropAndAwaitRetry(Connection connection) throws Exception {
    connection.cancel();
    recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST, CorridorException.Kind.NETWORK);
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
  }

  private static Options welcomeWithheld() {
    return new Options().autoWelcome(false);
  }

  // ---------------------------------------------------------------------------------------------
  // (1) Acknowledged publishes resent after a reconnect
  // ---------------------------------------------------------------------------------------------

  /**
   * Sends "a" and "b" acknowledged on the first connection (received there, never acked), drops
   * it, then sends "c" while the client has no session. Returns the futures of a, b and c.
   */
  private List<CompletableFuture<SendResult>> sendTwoUnackedDropThenSendOneOffline(
      CorridorClient client, Connection first) throws Exception {
    CompletableFuture<SendResult> a = client.send(TOPIC, "a".getBytes(StandardCharsets.UTF_8));
    CompletableFuture<SendResult> b = client.send(TOPIC, "b".getBytes(StandardCharsets.UTF_8));
    Publish pa = takePublish(first);
    Publish pb = takePublish(first);
    assertThat(List.of(describe(pa), describe(pb))).containsExactly("a#1", "b#2");
    assertThat(pa.getDelivery()).isEqualTo(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED);
    assertThat(pb.getDelivery()).isEqualTo(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED);

    // The server received both but acknowledges neither before the socket dies.
    first.cancel();
    recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST, CorridorException.Kind.NETWORK);
    // The client has torn the session down (same serial turn as the change just observed).
    CompletableFuture<SendResult> c = client.send(TOPIC, "c".getBytes(StandardCharsets.UTF_8));
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    return List.of(a, b, c);
  }

  @Test
  void unacknowledgedPublishesAreResentWithTheirSequencesInOrderBeforeOneSentWhileDisconnected()
      throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade(welcomeWithheld());
    CorridorClient client = connectAndAwaitConnected();
    List<CompletableFuture<SendResult>> futures = sendTwoUnackedDropThenSendOneOffline(client, first);

    Hello hello = second.takeHello();
    assertThat(hello.getLastClientSequence()).as("highest sequence ever assigned").isEqualTo(2);
    roundTrip(second, 1);
    assertThat(second.receivedOfKind(PUBLISH)).as("nothing written before the Welcome").isEmpty();
    assertThat(futures).as("nothing completes while unacknowledged").noneMatch(CompletableFuture::isDone);

    second.sendWelcome(); // last_client_sequence 0: the server has none of them
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    List<String> written = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Publish p = takePublish(second);
      assertThat(p.getDelivery()).isEqualTo(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED);
      assertThat(p.getTopic()).isEqualTo(TOPIC);
      written.add(describe(p));
    }
    assertThat(written).as("resends keep their sequences and come first")
        .containsExactly("a#1", "b#2", "c#3");
    roundTrip(second, 2);
    assertThat(second.receivedOfKind(PUBLISH)).as("each written once on this connection").hasSize(3);
    assertThat(futures).as("nothing completes before the ack").noneMatch(CompletableFuture::isDone);

    second.sendPublishAck(3);

    for (int i = 0; i < 3; i++) {
      SendResult result = await(futures.get(i));
      assertThat(result.outcome()).as("outcome of message %s", i + 1)
          .isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
      assertThat(result.sequence()).isEqualTo(i + 1);
    }
    assertThat(client.stats().sendOutcomes(SendResult.Outcome.ACKNOWLEDGED)).isEqualTo(3);
  }

  @Test
  void publishesCoveredByTheWelcomesLastClientSequenceAreAcknowledgedAndNotResent() throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade(welcomeWithheld());
    CorridorClient client = connectAndAwaitConnected();
    List<CompletableFuture<SendResult>> futures = sendTwoUnackedDropThenSendOneOffline(client, first);

    assertThat(second.takeHello().getLastClientSequence()).isEqualTo(2);
    // The server had accepted 1 and 2; only their ack was lost with the socket.
    second.sendWelcome(second.welcome().toBuilder().setLastClientSequence(2).build());
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    SendResult a = await(futures.get(0));
    SendResult b = await(futures.get(1));
    assertThat(a.outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    assertThat(a.sequence()).isEqualTo(1);
    assertThat(b.outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    assertThat(b.sequence()).isEqualTo(2);

    // Resends would come before the new message: the first publish being c#3 proves there are none.
    assertThat(describe(takePublish(second))).isEqualTo("c#3");
    roundTrip(second, 1);
    assertThat(second.receivedOfKind(PUBLISH)).extracting(e -> describe(e.getPublish()))
        .containsExactly("c#3");
    assertThat(futures.get(2)).isNotDone();

    second.sendPublishAck(3);
    SendResult c = await(futures.get(2));
    assertThat(c.outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    assertThat(c.sequence()).isEqualTo(3);
  }

  @Test
  void onlyPublishesAboveTheWelcomesLastClientSequenceAreResent() throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade(welcomeWithheld());
    CorridorClient client = connectAndAwaitConnected();
    List<CompletableFuture<SendResult>> futures = sendTwoUnackedDropThenSendOneOffline(client, first);

    second.takeHello();
    second.sendWelcome(second.welcome().toBuilder().setLastClientSequence(1).build());
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    assertThat(await(futures.get(0)).outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    assertThat(describe(takePublish(second))).isEqualTo("b#2");
    assertThat(describe(takePublish(second))).isEqualTo("c#3");
    roundTrip(second, 1);
    assertThat(second.receivedOfKind(PUBLISH)).hasSize(2);

    second.sendPublishAck(3);
    assertThat(await(futures.get(1)).outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    assertThat(await(futures.get(2)).outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
  }

  // ---------------------------------------------------------------------------------------------
  // (2) Subscriptions resumed after a reconnect
  // ---------------------------------------------------------------------------------------------

  /**
   * Subscribes RELIABLE to {@link #TOPIC} on {@code first}, delivers 1..5 in epoch 1 and waits
   * until the application has seen them, then drops the socket.
   */
  private Subscription subscribeReceiveFiveAndDrop(CorridorClient client, Connection first, Inbox inbox)
      throws Exception {
    Subscription subscription = client.subscribe(TOPIC, inbox);
    Subscribe subscribe = first.takeEnvelope(SUBSCRIBE).getSubscribe();
    assertThat(subscribe.getTopic()).isEqualTo(TOPIC);
    assertThat(subscribe.getMode()).isEqualTo(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE);
    assertThat(subscribe.hasFrom() && subscribe.getFrom().getSequence() > 0)
        .as("a fresh subscription starts at the live edge").isFalse();
    first.sendSubscribed(subscribe, 1, 1);
    for (long seq = 1; seq <= 5; seq++) first.sendDeliver(TOPIC, 1, seq, false);
    for (long seq = 1; seq <= 5; seq++) inbox.take(seq, 1, false);
    assertThat(subscription.epoch()).isEqualTo(1);
    assertThat(subscription.lastSequence()).isEqualTo(5);

    dropAndAwaitRetry(first);
    return subscription;
  }

  @Test
  void resumedSessionReplaysFromTheHelloPositionAndTheListenerSeesEachSequenceOnce() throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade(welcomeWithheld());
    CorridorClient client = connectAndAwaitConnected();
    Inbox inbox = new Inbox();
    Subscription subscription = subscribeReceiveFiveAndDrop(client, first, inbox);

    Hello hello = second.takeHello();
    assertThat(hello.getResumeToken()).as("token of the first Welcome")
        .isEqualTo(first.welcome().getResumeToken());
    assertThat(hello.getPositionsList()).containsExactly(TopicPosition.newBuilder()
        .setTopic(TOPIC).setEpoch(1).setSequence(5).build());

    Welcome resumed = second.welcome().toBuilder().setResumed(true).build();
    second.sendWelcome(resumed);
    for (long seq = 6; seq <= 8; seq++) second.sendDeliver(TOPIC, 1, seq, true);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    for (long seq = 6; seq <= 8; seq++) inbox.take(seq, 1, true);
    roundTrip(second, 1);
    assertThat(inbox.messages).as("nothing beyond 1..8").isEmpty();
    assertThat(inbox.breaks).isEmpty();
    assertThat(second.receivedOfKind(SUBSCRIBE)).as("a resumed session keeps the subscription")
        .isEmpty();
    assertThat(subscription.lastSequence()).isEqualTo(8);
    assertThat(client.stats().messagesReplayed()).isEqualTo(3);
    assertThat(client.stats().duplicatesDropped()).isZero();
    assertThat(client.stats().gapsDetected()).isZero();
  }

  @Test
  void lostSessionIsRestoredBySubscribingAgainFromTheLastDeliveredPosition() throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade(welcomeWithheld());
    CorridorClient client = connectAndAwaitConnected();
    Inbox inbox = new Inbox();
    Subscription subscription = subscribeReceiveFiveAndDrop(client, first, inbox);

    Hello hello = second.takeHello();
    assertThat(hello.getResumeToken()).isEqualTo(first.welcome().getResumeToken());
    second.sendWelcome(second.welcome().toBuilder().setResumed(false).build());
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    Subscribe again = second.takeEnvelope(SUBSCRIBE).getSubscribe();
    assertThat(again.getTopic()).isEqualTo(TOPIC);
    assertThat(again.getMode()).isEqualTo(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE);
    assertThat(again.getFrom()).isEqualTo(TopicPosition.newBuilder()
        .setTopic(TOPIC).setEpoch(1).setSequence(5).build());

    second.sendSubscribed(again, 1, 6);
    for (long seq = 6; seq <= 8; seq++) second.sendDeliver(TOPIC, 1, seq, true);
    for (long seq = 6; seq <= 8; seq++) inbox.take(seq, 1, true);
    roundTrip(second, 1);
    assertThat(inbox.messages).as("nothing beyond 1..8").isEmpty();
    assertThat(inbox.breaks).isEmpty();
    assertThat(second.receivedOfKind(SUBSCRIBE)).as("subscribed once on the new session").hasSize(1);
    assertThat(subscription.lastSequence()).isEqualTo(8);
  }

  // ---------------------------------------------------------------------------------------------
  // (3) Batched DeliverAcks
  // ---------------------------------------------------------------------------------------------

  @Test
  void cumulativeDeliverAcksAdvanceToTheLastDelivery() throws Exception {
    Connection connection = server.enqueueUpgrade();
    CorridorClient client = connectAndAwaitConnected();
    Inbox inbox = new Inbox();
    client.subscribe(TOPIC, inbox);
    Subscribe subscribe = connection.takeEnvelope(SUBSCRIBE).getSubscribe();
    connection.sendSubscribed(subscribe, 1, 1);

    // The exact trigger (64 deliveries, or 200 ms) is proven in virtual time by
    // InboundDeliveryTest; on a real socket a loaded machine may let the timer fire first, so this
    // test only requires cumulative acks that advance to the last sequence delivered.
    for (long seq = 1; seq <= 64; seq++) connection.sendDeliver(TOPIC, 1, seq, false);
    for (long seq = 1; seq <= 64; seq++) inbox.take(seq, 1, false);
    long acked = 0;
    while (acked < 64) {
      TopicPosition p = connection.takeEnvelope(DELIVER_ACK).getDeliverAck().getPositions(0);
      assertThat(p.getTopic()).isEqualTo(TOPIC);
      assertThat(p.getEpoch()).isEqualTo(1);
      assertThat(p.getSequence()).as("acks advance").isGreaterThan(acked).isLessThanOrEqualTo(64);
      acked = p.getSequence();
    }

    // The remainder is acknowledged by the timer (200 ms after the first unacknowledged one).
    for (long seq = 65; seq <= 70; seq++) connection.sendDeliver(TOPIC, 1, seq, false);
    for (long seq = 65; seq <= 70; seq++) inbox.take(seq, 1, false);
    // acked is 64 now
    while (acked < 70) { // bounded: each ack must advance, and each take waits at most 5 s
      TopicPosition p = connection.takeEnvelope(DELIVER_ACK).getDeliverAck().getPositions(0);
      assertThat(p.getTopic()).isEqualTo(TOPIC);
      assertThat(p.getSequence()).as("acks advance").isGreaterThan(acked).isLessThanOrEqualTo(70);
      acked = p.getSequence();
    }
  }
}
