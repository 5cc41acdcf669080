package dev.corridor.sample.server;

import dev.corridor.server.internal.ProtocolEngine;
import dev.corridor.server.internal.ServerSettings;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Error;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.ReplayRequest;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.SubscriptionMode;
import dev.corridor.proto.v1.TopicPosition;
import dev.corridor.sample.market.MarketFeed;
import dev.corridor.sample.proto.FocusIntent;
import dev.corridor.sample.proto.PriceAlert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which topics the sample's feed accepts, checked on the server's protocol engine itself, without
 * Jetty or sockets: envelopes go in through a {@link ProtocolEngine.Connection} and come out of a
 * recording {@link ProtocolEngine.Peer}, synchronously.
 */
class ProtocolEngineTopicsTest {
  private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
  private final MarketFeed market = new MarketFeed(watchlist(), 1, 7, () -> 0L);
  private final ProtocolEngine engine =
      new ProtocolEngine(ServerSettings.defaults(), market, market, market, timers, () -> 0L);
  private final RecordingPeer peer = new RecordingPeer();
  private final ProtocolEngine.Connection connection = engine.open(peer);

  private static Map<String, Double> watchlist() {
    Map<String, Double> w = new LinkedHashMap<>();
    w.put("AAPL", 100.0);
    w.put("MSFT", 400.0);
    return w;
  }

  ProtocolEngineTopicsTest() {
    market.attach(engine::publish);
    send(Envelope.newBuilder().setHello(Hello.newBuilder().setClientId("c1")));
    assertThat(peer.take().hasWelcome()).isTrue();
  }

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  private void send(Envelope.Builder e) {
    connection.onMessage(e.setProtocolVersion(1).build().toByteArray());
  }

  private void subscribe(String topic) {
    send(Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic(topic).setRequestId(3)
        .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE)));
  }

  private Error takeError() {
    Envelope e = peer.take();
    assertThat(e.hasError()).as("an Error, got %s", e).isTrue();
    return e.getError();
  }

  @Test
  void aSubscribeToAnUnknownTopicGetsATypedErrorForThatTopic() {
    subscribe("orders");

    Error error = takeError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_TOPIC);
    assertThat(error.getRefCase()).isEqualTo(Error.RefCase.TOPIC);
    assertThat(error.getTopic()).isEqualTo("orders");
    assertThat(error.getMessage()).startsWith("unknown topic: orders");
    assertThat(error.getRetryable()).isFalse();
    assertThat(peer.sent).isEmpty(); // no Subscribed follows
  }

  @Test
  void aSymbolTheFeedDoesNotServeIsAnUnknownTopicNamingTheServedOnes() {
    subscribe("quotes.IBM");
    Error quotes = takeError();
    assertThat(quotes.getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_TOPIC);
    assertThat(quotes.getTopic()).isEqualTo("quotes.IBM");
    assertThat(quotes.getMessage()).isEqualTo("unknown topic: quotes.IBM (this feed serves AAPL MSFT)");

    subscribe("trades.IBM");
    assertThat(takeError().getTopic()).isEqualTo("trades.IBM");
  }

  @Test
  void theFeedsDeclaredTopicsAreSubscribed() {
    for (String topic : List.of("quotes.AAPL", "trades.AAPL", "quotes.MSFT", "trades.MSFT", "alert-events.c1")) {
      subscribe(topic);
      Envelope e = peer.take();
      assertThat(e.hasSubscribed()).as("%s: Subscribed, got %s", topic, e).isTrue();
      assertThat(e.getSubscribed().getTopic()).isEqualTo(topic);
    }
  }

  @Test
  void knownTopicsUsedTheWrongWayAreForbiddenWithTheRightWay() {
    subscribe("alerts");
    Error alerts = takeError();
    assertThat(alerts.getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
    assertThat(alerts.getTopic()).isEqualTo("alerts");
    assertThat(alerts.getMessage()).contains("alert-events.<client id>");

    subscribe("intents");
    assertThat(takeError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);

    subscribe("alert-events.someone-else");
    Error other = takeError();
    assertThat(other.getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
    assertThat(other.getMessage()).isEqualTo("alert-events.someone-else belongs to another client; "
        + "subscribe to alert-events.c1");
  }

  @Test
  void aRefusedSubscriptionReceivesNothingAndAReplayOfItIsRefusedToo() {
    subscribe("quotes.IBM");
    takeError();
    market.tick();
    assertThat(peer.sent).isEmpty();

    send(Envelope.newBuilder().setReplayRequest(ReplayRequest.newBuilder()
        .setFrom(TopicPosition.newBuilder().setTopic("orders").setEpoch(1).setSequence(0))));
    Error replay = takeError();
    assertThat(replay.getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_TOPIC);
    assertThat(replay.getTopic()).isEqualTo("orders");
  }

  @Test
  void anAcknowledgedPublishToAnUnknownTopicIsRefusedTheSameWayAndSettled() {
    send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(1).setTopic("orders")
        .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED)));

    Error error = takeError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_TOPIC);
    assertThat(error.getClientSequence()).isEqualTo(1);
    assertThat(error.getMessage()).startsWith("unknown topic: orders");
    assertThat(peer.take().getPublishAck().getCumulative()).isEqualTo(1);
  }

  @Test
  void aPublishToAFeedTopicIsForbidden() {
    send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(1).setTopic("quotes.AAPL")
        .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED)));
    Error error = takeError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.ERROR_CODE_FORBIDDEN);
    assertThat(error.getMessage()).isEqualTo("quotes.AAPL is published by the feed only");
  }

  @Test
  void aBestEffortPublishToAnUnknownTopicIsRefusedByTopic() {
    send(Envelope.newBuilder().setPublish(Publish.newBuilder().setTopic("orders")
        .setDelivery(DeliveryMode.DELIVERY_MODE_BEST_EFFORT)
        .setPayload(FocusIntent.newBuilder().setSymbol("AAPL").build().toByteString())));
    Error error = takeError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_TOPIC);
    assertThat(error.getTopic()).isEqualTo("orders");
    assertThat(market.focusIntents()).isZero();
  }

  @Test
  void anAlertForASymbolTheFeedDoesNotServeIsRejectedWithTheReason() {
    send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(1).setTopic("alerts")
        .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED)
        .setPayload(PriceAlert.newBuilder().setAlertId("a1").setSymbol("IBM").setThresholdMicros(1)
            .build().toByteString())));
    Error error = takeError();
    assertThat(error.getCode()).isEqualTo(ErrorCode.ERROR_CODE_REJECTED);
    assertThat(error.getMessage()).isEqualTo("unknown symbol IBM; this feed serves AAPL MSFT");
    assertThat(market.alerts().applied()).isEmpty();
  }

  /** Records what the engine sends, in order. */
  private static final class RecordingPeer implements ProtocolEngine.Peer {
    /** A queue: acknowledgements and rejections come from the server's timer thread. */
    final java.util.concurrent.BlockingQueue<Envelope> sent = new java.util.concurrent.LinkedBlockingQueue<>();

    @Override
    public boolean send(byte[] frame) {
      try {
        sent.add(Envelope.parseFrom(frame));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
      return true;
    }

    @Override
    public void close(int code, String reason) {
      throw new AssertionError("closed " + code + " " + reason);
    }

    @Override
    public void disconnect() {
      throw new AssertionError("disconnected");
    }

    Envelope take() {
      Envelope e;
      try {
        e = sent.poll(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        throw new AssertionError(interrupted);
      }
      assertThat(e).as("an envelope was sent within 5 s").isNotNull();
      return e;
    }
  }
}
