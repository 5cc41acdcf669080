package dev.corridor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Discontinuity;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Envelope.KindCase;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.Request;
import dev.corridor.proto.v1.Response;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.SubscriptionMode;
import dev.corridor.proto.v1.TopicPosition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's public API over real sockets, with a raw WebSocket client that is not ours
 * (OkHttp): the application's policy and handlers, acknowledgements that wait for the handler,
 * history and resume, limits.
 */
class CorridorServerTest {
  /** A builder on the engine under test; {@link CorridorServerOnRedisTest} runs every test on Redis. */
  CorridorServer.Builder newBuilder() {
    return CorridorServer.builder();
  }

  private final List<ClientPublish> handled = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
  private CorridorServer server;

  /** quotes.* may be subscribed, orders published; anything else is unknown. */
  private static final TopicPolicy POLICY = (clientId, topic, use) -> {
    if (topic.startsWith("quotes.")) {
      return use == TopicUse.SUBSCRIBE ? null : Refusal.forbidden(topic + " is published by the server");
    }
    if (topic.equals("orders")) return use == TopicUse.PUBLISH ? null : Refusal.forbidden("orders is write-only");
    return Refusal.unknownTopic(topic, "");
  };

  private CorridorServer start(CorridorServer.Builder builder) throws Exception {
    server = builder.build();
    server.start();
    return server;
  }

  /** A server whose publish handler records each publish and leaves its stage to the test. */
  private CorridorServer startDeferring() throws Exception {
    return start(newBuilder().topicPolicy(POLICY).onPublish(p -> {
      handled.add(p);
      CompletableFuture<Void> stage = new CompletableFuture<>();
      pending.add(stage);
      return stage;
    }));
  }

  @AfterEach
  void close() {
    if (server != null) server.close();
  }

  private static Envelope.Builder publish(long sequence, String topic, String payload) {
    return Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(sequence).setTopic(topic)
        .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFromUtf8(payload)));
  }

  private static Envelope.Builder subscribe(String topic) {
    return Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic(topic)
        .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE));
  }

  /** A client whose Hello got a Welcome, and that Welcome. */
  private record Welcomed(RawClient client, Envelope welcome) implements AutoCloseable {
    @Override
    public void close() {
      client.close();
    }
  }

  /**
   * Says Hello as {@code clientId} resuming {@code token} until the server welcomes it: while the
   * client's publishes are being handled it is asked to come back, and the handler's completion
   * reaches the engine through the server's timer thread. At most 50 tries, 20 ms apart.
   */
  private Welcomed welcomedOnceHandled(String clientId, ByteString token) throws Exception {
    for (int i = 0; i < 50; i++) {
      RawClient c = new RawClient(server.url());
      c.send(Envelope.newBuilder().setHello(dev.corridor.proto.v1.Hello.newBuilder().setClientId(clientId)
          .setResumeToken(token)));
      Envelope first = c.take();
      if (first.hasWelcome()) return new Welcomed(c, first);
      c.close();
      Thread.sleep(20);
    }
    throw new AssertionError("no Welcome within 50 tries");
  }

  /** Nothing arrives within 300 ms. */
  private static void assertQuiet(RawClient c) throws InterruptedException {
    assertThat(c.inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void refusesUpgradesWithoutTheSubprotocolTheTokenOrAnAllowedOrigin() throws Exception {
    start(newBuilder().bearerToken("s3cret").allowedOrigins("https://app.example"));
    try (RawClient c = new RawClient(server.url(), "chat", "s3cret", null)) {
      assertThat(c.failedWithStatus.get(5, TimeUnit.SECONDS)).isEqualTo(400);
    }
    try (RawClient c = new RawClient(server.url(), "corridor.v1", "guess", null)) {
      assertThat(c.failedWithStatus.get(5, TimeUnit.SECONDS)).isEqualTo(401);
    }
    try (RawClient c = new RawClient(server.url(), "corridor.v1", "s3cret", "https://evil.example")) {
      assertThat(c.failedWithStatus.get(5, TimeUnit.SECONDS)).isEqualTo(403);
    }
    try (RawClient c = new RawClient(server.url(), "corridor.v1", "s3cret", "https://app.example")) {
      assertThat(c.hello("c1").getWelcome().getResumed()).isFalse();
    }
  }

  @Test
  void aPublishIsAcknowledgedOnlyOnceItsHandlerHasCompleted() throws Exception {
    startDeferring();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(publish(1, "orders", "buy"));
      c.send(publish(1, "orders", "buy")); // a resend while the first is being handled
      assertQuiet(c);
      assertThat(handled).hasSize(1);
      assertThat(handled.get(0).clientId()).isEqualTo("c1");
      assertThat(new String(handled.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("buy");

      pending.get(0).complete(null);
      assertThat(c.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
      c.send(publish(1, "orders", "buy")); // after the ack: acknowledged again from the record
      assertThat(c.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
      assertThat(handled).as("the handler saw it once").hasSize(1);
    }
  }

  @Test
  void aRejectedPublishGetsItsReasonAndAFailedHandlerAGenericOne() throws Exception {
    startDeferring();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(publish(1, "orders", "a"));
      c.send(publish(2, "orders", "b"));
      assertQuiet(c);
      pending.get(0).completeExceptionally(new PublishHandler.Rejected("insufficient funds"));
      Error rejected = c.take(KindCase.ERROR).getError();
      assertThat(rejected.getCode()).isEqualTo(ErrorCode.ERROR_CODE_REJECTED);
      assertThat(rejected.getMessage()).isEqualTo("insufficient funds");
      assertThat(rejected.getClientSequence()).isEqualTo(1);
      assertThat(c.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);

      pending.get(1).completeExceptionally(new IllegalStateException("database password is hunter2"));
      Error failed = c.take(KindCase.ERROR).getError();
      assertThat(failed.getClientSequence()).isEqualTo(2);
      assertThat(failed.getMessage()).doesNotContain("hunter2").isEqualTo("the server could not apply this publish");
      assertThat(c.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(2);
    }
  }

  @Test
  void aClientComingBackWhileItsPublishIsHandledIsAskedToRetryThenToldWhatTheServerHas() throws Exception {
    startDeferring();
    ByteString token;
    try (RawClient c = new RawClient(server.url())) {
      token = c.hello("c1").getWelcome().getResumeToken();
      c.send(publish(1, "orders", "a"));
      assertQuiet(c);
    }
    try (RawClient c = new RawClient(server.url())) {
      // The Welcome's last_client_sequence could not say yet whether the server has seq 1.
      c.send(Envelope.newBuilder().setHello(dev.corridor.proto.v1.Hello.newBuilder().setClientId("c1")
          .setResumeToken(token)));
      Error wait = c.take(KindCase.ERROR).getError();
      assertThat(wait.getCode()).isEqualTo(ErrorCode.ERROR_CODE_OVERLOADED);
      assertThat(wait.getRetryable()).isTrue();
      assertThat(c.awaitClose()).isEqualTo(1013);
    }
    pending.get(0).complete(null);
    welcomedOnceHandled("c1", token).close();
    try (RawClient c = new RawClient(server.url())) {
      Envelope welcome = c.hello("c1", token);
      assertThat(welcome.getWelcome().getResumed()).isTrue();
      assertThat(welcome.getWelcome().getLastClientSequence()).isEqualTo(1);
    }
  }

  @Test
  void aRejectionDecidedWhileTheClientWasAwayReachesItWhenItResends() throws Exception {
    startDeferring();
    ByteString token;
    try (RawClient c = new RawClient(server.url())) {
      token = c.hello("c1").getWelcome().getResumeToken();
      c.send(publish(1, "orders", "a"));
      assertQuiet(c);
    }
    pending.get(0).completeExceptionally(new PublishHandler.Rejected("market closed"));
    try (Welcomed w = welcomedOnceHandled("c1", token)) {
      assertThat(w.welcome().getWelcome().getLastClientSequence()).as("not counted as had").isZero();
      w.client().send(publish(1, "orders", "a")); // the client resends what it was not told about
      Error rejected = w.client().take(KindCase.ERROR).getError();
      assertThat(rejected.getMessage()).isEqualTo("market closed");
      assertThat(rejected.getClientSequence()).isEqualTo(1);
      assertThat(w.client().take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
    }
    assertThat(handled).as("handled once").hasSize(1);
  }

  @Test
  void aHandlerThatThrowsAnErrorStillGetsItsPublishAnswered() throws Exception {
    start(newBuilder().onPublish(p -> {
      throw new AssertionError("bug in the handler");
    }));
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(publish(1, "orders", "a"));
      Error failed = c.take(KindCase.ERROR).getError();
      assertThat(failed.getMessage()).isEqualTo("the server could not apply this publish");
      assertThat(c.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
    }
    assertThat(server.shutdown(2, TimeUnit.SECONDS)).as("nothing left in flight").isTrue();
  }

  @Test
  void topicRefusalsAreTypedErrorsForTheTopicOrTheSequence() throws Exception {
    startDeferring();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(subscribe("news"));
      Error unknown = c.take(KindCase.ERROR).getError();
      assertThat(unknown.getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_TOPIC);
      assertThat(unknown.getTopic()).isEqualTo("news");
      assertThat(unknown.getRetryable()).isFalse();

      c.send(publish(1, "quotes.AAPL", "x"));
      Error forbidden = c.take(KindCase.ERROR).getError();
      assertThat(forbidden.getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(forbidden.getClientSequence()).isEqualTo(1);
      assertThat(c.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
      assertThat(handled).as("a refused publish never reaches the handler").isEmpty();
    }
  }

  @Test
  void requestsAreAnsweredWhenTheirStageCompletes() throws Exception {
    CompletableFuture<Reply> later = new CompletableFuture<>();
    start(newBuilder().onRequest(r -> switch (r.method()) {
      case "echo" -> CompletableFuture.completedFuture(Reply.ok(r.payload()));
      case "slow" -> later;
      case "broken" -> CompletableFuture.failedFuture(new RuntimeException("secret detail"));
      default -> RequestHandler.NONE.onRequest(r);
    }));
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(Envelope.newBuilder().setRequest(Request.newBuilder().setRequestId(1).setMethod("slow")));
      c.send(Envelope.newBuilder().setRequest(Request.newBuilder().setRequestId(2).setMethod("echo")
          .setPayload(ByteString.copyFromUtf8("hi"))));
      Response echo = c.take(KindCase.RESPONSE).getResponse();
      assertThat(echo.getRequestId()).as("not held up by the slow one").isEqualTo(2);
      assertThat(echo.getPayload().toStringUtf8()).isEqualTo("hi");
      later.complete(Reply.of(Reply.Status.UNAVAILABLE, "try later"));
      Response slow = c.take(KindCase.RESPONSE).getResponse();
      assertThat(slow.getRequestId()).isEqualTo(1);
      assertThat(slow.getStatus()).isEqualTo(Response.Status.STATUS_UNAVAILABLE);

      c.send(Envelope.newBuilder().setRequest(Request.newBuilder().setRequestId(3).setMethod("broken")));
      Response broken = c.take(KindCase.RESPONSE).getResponse();
      assertThat(broken.getStatus()).isEqualTo(Response.Status.STATUS_ERROR);
      assertThat(broken.getMessage()).doesNotContain("secret");
      c.send(Envelope.newBuilder().setRequest(Request.newBuilder().setRequestId(4).setMethod("nope")));
      assertThat(c.take(KindCase.RESPONSE).getResponse().getStatus()).isEqualTo(Response.Status.STATUS_NOT_FOUND);
    }
  }

  @Test
  void publishedMessagesAreDeliveredInSequenceAndReplayedOnResume() throws Exception {
    start(newBuilder().topicPolicy(POLICY).history(3, 1, TimeUnit.HOURS));
    ByteString token;
    long epoch;
    try (RawClient c = new RawClient(server.url())) {
      token = c.hello("c1").getWelcome().getResumeToken();
      c.send(subscribe("quotes.AAPL"));
      epoch = c.take(KindCase.SUBSCRIBED).getSubscribed().getEpoch();
      for (int i = 1; i <= 2; i++) server.publish("quotes.AAPL", "AAPL", ("p" + i).getBytes(StandardCharsets.UTF_8));
      for (int i = 1; i <= 2; i++) assertThat(c.take(KindCase.DELIVER).getDeliver().getSequence()).isEqualTo(i);
    }
    {
      // Away: 3 and 4 are kept; later, 5..8 push 3..5 out of a 3-message history.
      server.publish("quotes.AAPL", "AAPL", new byte[] {3});
      server.publish("quotes.AAPL", "AAPL", new byte[] {4});
      try (RawClient back = new RawClient(server.url())) {
        back.hello("c1", token, TopicPosition.newBuilder().setTopic("quotes.AAPL").setEpoch(epoch).setSequence(2).build());
        for (int i = 3; i <= 4; i++) {
          var d = back.take(KindCase.DELIVER).getDeliver();
          assertThat(d.getSequence()).isEqualTo(i);
          assertThat(d.getReplay()).isTrue();
        }
      }
      for (int i = 5; i <= 8; i++) server.publish("quotes.AAPL", "AAPL", new byte[] {(byte) i});
      try (RawClient late = new RawClient(server.url())) {
        late.hello("c1", token, TopicPosition.newBuilder().setTopic("quotes.AAPL").setEpoch(epoch).setSequence(4).build());
        Discontinuity gap = late.take(KindCase.DISCONTINUITY).getDiscontinuity();
        assertThat(gap.getReason()).isEqualTo(Discontinuity.Reason.REASON_HISTORY_TRIMMED);
        assertThat(gap.getNextSequence()).isEqualTo(6);
        assertThat(late.take(KindCase.DELIVER).getDeliver().getSequence()).isEqualTo(6);
      }
    }
  }

  @Test
  void aStoppedServerStartsAgainOnItsPortWithItsSessions() throws Exception {
    start(newBuilder());
    int port = server.port();
    ByteString token;
    try (RawClient c = new RawClient(server.url())) {
      token = c.hello("c1").getWelcome().getResumeToken();
    }
    server.stop();
    assertThat(server.isRunning()).isFalse();
    server.start();
    assertThat(server.port()).isEqualTo(port);
    try (RawClient c = new RawClient(server.url())) {
      assertThat(c.hello("c1", token).getWelcome().getResumed()).isTrue();
    }
  }

  @Test
  void limitsCloseWithTheirCodes() throws Exception {
    start(newBuilder().limits(4096, 10, 20_000, 100));
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.sendRaw(new byte[8192]);
      assertThat(c.awaitClose()).as("oversize").isEqualTo(1009);
    }
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c2");
      for (int i = 0; i < 100; i++) { // raw: once the server has closed, sends are refused
        c.sendRaw(Envelope.newBuilder().setProtocolVersion(1)
            .setPing(dev.corridor.proto.v1.Ping.newBuilder().setNonce(i)).build().toByteArray());
      }
      assertThat(c.awaitClose()).as("over the rate").isEqualTo(4029);
    }
    server.close();
    start(newBuilder().limits(256 * 1024, 500, 0, 100));
    try (RawClient c = new RawClient(server.url())) {
      c.send(Envelope.newBuilder().setHello(dev.corridor.proto.v1.Hello.newBuilder().setClientId("c3")));
      assertThat(c.awaitClose()).as("a client that reads nothing of a full queue").isEqualTo(4008);
    }
  }

  @Test
  void aConnectionHoldsAtMostMaxSubscriptions() throws Exception {
    start(newBuilder().maxSubscriptions(2));
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(subscribe("quotes.A"));
      c.send(subscribe("quotes.B"));
      c.send(subscribe("quotes.A")); // again: not a third
      for (int i = 0; i < 3; i++) assertThat(c.take().hasSubscribed()).isTrue();
      c.send(subscribe("quotes.C"));
      Error refused = c.take(KindCase.ERROR).getError();
      assertThat(refused.getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
      assertThat(refused.getTopic()).isEqualTo("quotes.C");
      assertThat(refused.getMessage()).isEqualTo("at most 2 subscriptions per connection");
    }
  }

  @Test
  void shutdownLetsHandlersAnswerRefusesNewcomersAndThenClosesWith1012() throws Exception {
    startDeferring();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(publish(1, "orders", "buy"));
      assertQuiet(c); // being handled
      CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> {
        try {
          return server.shutdown(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      try (RawClient late = new RawClient(server.url())) {
        assertThat(late.failedWithStatus.get(5, TimeUnit.SECONDS)).as("while draining").isEqualTo(503);
      }
      c.send(publish(2, "orders", "sell"));
      Error notTaken = c.take(KindCase.ERROR).getError();
      assertThat(notTaken.getClientSequence()).isEqualTo(2);
      assertThat(notTaken.getRetryable()).as("kept by the client, for the next node").isTrue();
      assertThat(handled).as("not handed to the application").hasSize(1);
      assertThat(shutdown).isNotDone();
      pending.get(0).complete(null);
      assertThat(c.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
      assertThat(c.awaitClose()).isEqualTo(1012);
      assertThat(shutdown.get(10, TimeUnit.SECONDS)).as("every handler answered").isTrue();
      assertThat(server.isRunning()).isFalse();
    }
  }

  @Test
  void shutdownGivesUpOnAHandlerThatNeverAnswers() throws Exception {
    startDeferring();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(publish(1, "orders", "stuck"));
      assertQuiet(c);
      assertThat(server.shutdown(300, TimeUnit.MILLISECONDS)).isFalse();
      assertThat(c.awaitClose()).isEqualTo(1012);
      assertThat(c.inbox).noneMatch(Envelope::hasPublishAck);
    }
  }

  @Test
  void aCorridorClientMovesToTheNextNodeWhenItsNodeShutsDown() throws Exception {
    start(newBuilder());
    try (CorridorServer other = newBuilder().build()) {
      other.start();
      java.util.concurrent.BlockingQueue<String> connectedTo = new java.util.concurrent.LinkedBlockingQueue<>();
      dev.corridor.CorridorClient client = dev.corridor.CorridorClient.builder(server.url())
          .endpoints(List.of(server.url(), other.url())).build();
      try {
        client.addStateListener(change -> {
          if (change.current() == dev.corridor.ConnectionState.CONNECTED) connectedTo.add(client.endpoint());
        });
        client.connect();
        assertThat(connectedTo.poll(10, TimeUnit.SECONDS)).isEqualTo(server.url());
        assertThat(server.shutdown(5, TimeUnit.SECONDS)).isTrue();
        assertThat(connectedTo.poll(10, TimeUnit.SECONDS)).as("failed over").isEqualTo(other.url());
        assertThat(other.connectionCount()).isEqualTo(1);
      } finally {
        client.close();
      }
    }
  }
}
