package dev.corridor.sample.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Request;
import dev.corridor.proto.v1.Response;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.SubscriptionMode;
import dev.corridor.proto.v1.TopicPosition;
import dev.corridor.sample.market.MarketFeed;
import dev.corridor.server.CorridorServer;
import dev.corridor.server.RawClient;
import dev.corridor.sample.proto.PriceAlert;
import dev.corridor.sample.proto.Snapshot;
import dev.corridor.sample.proto.SnapshotRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sample's feed on the Corridor server, checked with a raw OkHttp WebSocket rather than the SDK. */
class ServerProtocolTest {
  private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
  private MarketFeed market;
  private CorridorServer server;

  private CorridorServer start(CorridorServer.Builder builder) throws Exception {
    market = new MarketFeed(Map.of("AAPL", 100.0), 1, 7, System::currentTimeMillis);
    server = builder.topicPolicy(market).onPublish(market).onRequest(market).build();
    market.attach(server::publish);
    server.start();
    return server;
  }

  private CorridorServer start() throws Exception {
    return start(CorridorServer.builder());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
    timers.shutdownNow();
  }

  @Test
  void welcomesAHelloWithTheNegotiatedSubprotocol() throws Exception {
    start();
    try (RawClient c = new RawClient(server.url())) {
      assertThat(c.opened.get(5, TimeUnit.SECONDS).header("Sec-WebSocket-Protocol")).isEqualTo("corridor.v1");
      Envelope welcome = c.hello("c1");
      assertThat(welcome.getWelcome().getResumed()).isFalse();
      assertThat(welcome.getWelcome().getResumeToken().isEmpty()).isFalse();
      assertThat(welcome.getWelcome().getMaxMessageBytes()).isEqualTo(256 * 1024);
    }
  }

  @Test
  void refusesAnUpgradeWithoutTheSubprotocol() throws Exception {
    start();
    try (RawClient c = new RawClient(server.url(), "chat", null, null)) {
      assertThat(c.failedWithStatus.get(5, TimeUnit.SECONDS)).isEqualTo(400);
    }
  }

  @Test
  void refusesABadTokenWith401() throws Exception {
    start(CorridorServer.builder().bearerToken("right"));
    try (RawClient wrong = new RawClient(server.url(), "corridor.v1", "wrong", null)) {
      assertThat(wrong.failedWithStatus.get(5, TimeUnit.SECONDS)).isEqualTo(401);
    }
    try (RawClient right = new RawClient(server.url(), "corridor.v1", "right", null)) {
      right.hello("c1");
    }
  }

  @Test
  void refusesAnOriginNotOnTheAllowList() throws Exception {
    start(CorridorServer.builder().allowedOrigins("https://app.example"));
    try (RawClient evil = new RawClient(server.url(), "corridor.v1", null, "https://evil.example")) {
      assertThat(evil.failedWithStatus.get(5, TimeUnit.SECONDS)).isEqualTo(403);
    }
    try (RawClient good = new RawClient(server.url(), "corridor.v1", null, "https://app.example")) {
      good.hello("c1");
    }
  }

  @Test
  void closesWith1009OnAnOversizeMessage() throws Exception {
    start(CorridorServer.builder().limits(4096, 500, 20_000, 100));
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.sendRaw(new byte[8192]);
      assertThat(c.awaitClose()).isEqualTo(1009);
    }
  }

  @Test
  void answersAMalformedEnvelopeWithAProtocolErrorAndClose1002() throws Exception {
    start();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.sendRaw(new byte[] {(byte) 0xFF, 0x01, 0x02});
      assertThat(c.take(Envelope.KindCase.ERROR).getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_PROTOCOL);
      assertThat(c.awaitClose()).isEqualTo(1002);
    }
  }

  @Test
  void closesWith4029AndARetryAfterWhenTheRateLimitIsExceeded() throws Exception {
    start(CorridorServer.builder().limits(256 * 1024, 10, 20_000, 100));
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      for (int i = 0; i < 100; i++) { // raw: once the server has closed, sends are refused
        c.sendRaw(Envelope.newBuilder().setProtocolVersion(1)
            .setPing(dev.corridor.proto.v1.Ping.newBuilder().setNonce(i)).build().toByteArray());
      }
      assertThat(c.awaitClose()).isEqualTo(4029);
    }
  }

  @Test
  void acknowledgesPublishesAndDeduplicatesBySequence() throws Exception {
    start();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      Publish alert = Publish.newBuilder().setClientSequence(1).setTopic("alerts")
          .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED)
          .setPayload(PriceAlert.newBuilder().setAlertId("a").setSymbol("AAPL").setThresholdMicros(1).build().toByteString())
          .build();
      c.send(Envelope.newBuilder().setPublish(alert));
      c.send(Envelope.newBuilder().setPublish(alert)); // a resend
      assertThat(c.take(Envelope.KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
      assertThat(c.take(Envelope.KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
      assertThat(market.alerts().applied()).containsExactly("c1/a@1");
    }
  }

  @Test
  void rejectsAnInvalidPublishWithAnErrorForItsSequence() throws Exception {
    start();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(1).setTopic("nope")
          .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED)));
      var error = c.take(Envelope.KindCase.ERROR).getError();
      assertThat(error.getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_TOPIC);
      assertThat(error.getClientSequence()).isEqualTo(1);
      c.send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(2).setTopic("alerts")
          .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFrom(new byte[] {(byte) 0xff}))));
      var malformed = c.take(Envelope.KindCase.ERROR).getError();
      assertThat(malformed.getCode()).isEqualTo(ErrorCode.ERROR_CODE_REJECTED);
      assertThat(malformed.getMessage()).isEqualTo("malformed payload");
      assertThat(malformed.getClientSequence()).isEqualTo(2);
    }
  }

  @Test
  void refusesASubscribeToAnUnknownTopicOverTheSocket() throws Exception {
    start();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic("orders")
          .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE)));
      var error = c.take().getError();
      assertThat(error.getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_TOPIC);
      assertThat(error.getTopic()).isEqualTo("orders");
      assertThat(error.getRetryable()).isFalse();
    }
  }

  @Test
  void theSdkReportsTheRefusalToTheSubscriptionsListener() throws Exception {
    start();
    java.util.concurrent.CompletableFuture<String> rejected = new java.util.concurrent.CompletableFuture<>();
    dev.corridor.CorridorClient client = dev.corridor.CorridorClient.builder(server.url()).build();
    try {
      client.subscribe("orders", new dev.corridor.MessageListener() {
        @Override
        public void onMessage(dev.corridor.Message message) {
          rejected.completeExceptionally(new AssertionError("a message on a refused topic"));
        }

        @Override
        public void onRejected(String errorCode, String message) {
          rejected.complete(errorCode + " " + message);
        }
      });
      client.connect();
      assertThat(rejected.get(10, TimeUnit.SECONDS))
          .isEqualTo("UNKNOWN_TOPIC unknown topic: orders (see docs/sample.md for the feed's topics)");
    } finally {
      client.close();
    }
  }

  @Test
  void answersRequests() throws Exception {
    start();
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      c.send(Envelope.newBuilder().setRequest(Request.newBuilder().setRequestId(9).setMethod("snapshot")
          .setPayload(SnapshotRequest.newBuilder().addSymbols("AAPL").build().toByteString())));
      Response r = c.take(Envelope.KindCase.RESPONSE).getResponse();
      assertThat(r.getRequestId()).isEqualTo(9);
      assertThat(Snapshot.parseFrom(r.getPayload()).getQuotes(0).getSymbol()).isEqualTo("AAPL");
    }
  }

  @Test
  void resumesFromAPositionAfterReconnect() throws Exception {
    start();
    ByteString token;
    try (RawClient c = new RawClient(server.url())) {
      token = c.hello("c1").getWelcome().getResumeToken();
      c.send(Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic("trades.AAPL")
          .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE)));
      c.take(Envelope.KindCase.SUBSCRIBED);
      for (int i = 0; i < 5; i++) market.tick();
      for (int i = 1; i <= 5; i++) assertThat(c.take(Envelope.KindCase.DELIVER).getDeliver().getSequence()).isEqualTo(i);
    }
    for (int i = 0; i < 3; i++) market.tick(); // 6..8 while away
    try (RawClient c = new RawClient(server.url())) {
      Envelope welcome = c.hello("c1", token, TopicPosition.newBuilder().setTopic("trades.AAPL").setEpoch(1).setSequence(5).build());
      assertThat(welcome.getWelcome().getResumed()).isTrue();
      for (int i = 6; i <= 8; i++) {
        var d = c.take(Envelope.KindCase.DELIVER).getDeliver();
        assertThat(d.getSequence()).isEqualTo(i);
        assertThat(d.getReplay()).isTrue();
      }
    }
  }

  @Test
  void reportsADiscontinuityWhenTheHistoryIsTrimmed() throws Exception {
    start(CorridorServer.builder().history(3, 60_000, TimeUnit.MILLISECONDS));
    ByteString token;
    try (RawClient c = new RawClient(server.url())) {
      token = c.hello("c1").getWelcome().getResumeToken();
      c.send(Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic("trades.AAPL")
          .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE)));
      c.take(Envelope.KindCase.SUBSCRIBED);
      market.tick();
      c.take(Envelope.KindCase.DELIVER);
    }
    for (int i = 0; i < 10; i++) market.tick(); // 2..11; only 9..11 are kept
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1", token, TopicPosition.newBuilder().setTopic("trades.AAPL").setEpoch(1).setSequence(1).build());
      var gap = c.take(Envelope.KindCase.DISCONTINUITY).getDiscontinuity();
      assertThat(gap.getNextSequence()).isEqualTo(9);
      assertThat(gap.getReason()).isEqualTo(dev.corridor.proto.v1.Discontinuity.Reason.REASON_HISTORY_TRIMMED);
      assertThat(c.take(Envelope.KindCase.DELIVER).getDeliver().getSequence()).isEqualTo(9);
    }
  }

  @Test
  void closesASlowConsumerWith4008() throws Exception {
    start(CorridorServer.builder().limits(256 * 1024, 500, 0, 100));
    try (RawClient c = new RawClient(server.url())) {
      c.send(Envelope.newBuilder().setHello(dev.corridor.proto.v1.Hello.newBuilder().setClientId("c1")));
      assertThat(c.awaitClose()).isEqualTo(4008);
    }
  }

  @Test
  void refusesPublishesOverTheRateRetryablyInsteadOfClosing() throws Exception {
    start(CorridorServer.builder().limits(256 * 1024, 5, 20_000, 100));
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1");
      for (int i = 1; i <= 30; i++) {
        c.send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(i).setTopic("intents")
            .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED)
            .setPayload(dev.corridor.sample.proto.FocusIntent.newBuilder().setSymbol("AAPL").build().toByteString())));
      }
      var error = c.take(Envelope.KindCase.ERROR).getError();
      assertThat(error.getCode()).isEqualTo(ErrorCode.ERROR_CODE_RATE_LIMITED);
      assertThat(error.getRetryable()).isTrue();
      assertThat(error.getRetryAfterMs()).isEqualTo(1_000);
      assertThat(c.closedWith).isNotDone();
    }
  }
}
