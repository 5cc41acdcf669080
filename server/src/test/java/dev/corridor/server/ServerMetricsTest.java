package dev.corridor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Envelope.KindCase;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.SubscriptionMode;
import dev.corridor.proto.v1.TopicPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's Micrometer meters count what happened, over real sockets. */
class ServerMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private CorridorServer server;

  @AfterEach
  void close() {
    if (server != null) server.close();
  }

  private double counter(String name, String tag, String value) {
    var c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  /**
   * {@code value} once it reaches {@code expected}, within 5 s: some meters move on Jetty's
   * threads after the client has seen the effect (a close, a write's completion).
   */
  private static double eventually(java.util.function.DoubleSupplier value, double expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    double v = value.getAsDouble();
    while (v != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
      v = value.getAsDouble();
    }
    return v;
  }

  @Test
  void handshakesMessagesTopicsAndConnectionsAreCounted() throws Exception {
    server = CorridorServer.builder().bearerToken("t0ken").meterRegistry(registry)
        .onPublish(p -> PublishHandler.accepted()).build();
    server.start();
    try (RawClient refused = new RawClient(server.url(), "corridor.v1", "wrong", null)) {
      assertThat(refused.failedWithStatus.get(5, TimeUnit.SECONDS)).isEqualTo(401);
    }
    try (RawClient c = new RawClient(server.url(), "corridor.v1", "t0ken", null)) {
      c.hello("c1");
      assertThat(gauge("corridor.server.connections")).isEqualTo(1);
      c.send(Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic("quotes.AAPL")
          .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE)));
      c.take(KindCase.SUBSCRIBED);
      server.publish("quotes.AAPL", "AAPL", new byte[] {1});
      server.publish("quotes.AAPL", "AAPL", new byte[] {2});
      c.take(KindCase.DELIVER);
      c.take(KindCase.DELIVER);
      c.send(Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(1).setTopic("orders.c1")
          .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFromUtf8("x"))));
      c.take(KindCase.PUBLISH_ACK);
    }
    assertThat(eventually(() -> counter("corridor.server.messages.in", "kind", "publish"), 1)).isEqualTo(1);
    assertThat(counter("corridor.server.handshakes", "outcome", "accepted")).isEqualTo(1);
    assertThat(counter("corridor.server.handshakes", "outcome", "unauthorized")).isEqualTo(1);
    assertThat(counter("corridor.server.messages.in", "kind", "hello")).isEqualTo(1);
    assertThat(counter("corridor.server.messages.in", "kind", "publish")).isEqualTo(1);
    assertThat(counter("corridor.server.messages.out", "kind", "deliver")).isEqualTo(2);
    assertThat(counter("corridor.server.delivered", "topic", "quotes")).as("by the topic's group").isEqualTo(2);
    assertThat(counter("corridor.server.published", "topic", "orders")).isEqualTo(1);
    assertThat(registry.find("corridor.server.delivered").tag("topic", "quotes.AAPL").counter()).isNull();
  }

  @Test
  void replaysDiscontinuitiesAndDropsAreCounted() throws Exception {
    server = CorridorServer.builder().meterRegistry(registry).history(2, 1, TimeUnit.HOURS)
        .limits(4096, 500, 20_000, 100).build();
    server.start();
    ByteString token;
    long epoch;
    try (RawClient c = new RawClient(server.url())) {
      token = c.hello("c1").getWelcome().getResumeToken();
      c.send(Envelope.newBuilder().setSubscribe(Subscribe.newBuilder().setTopic("trades.X")
          .setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE)));
      epoch = c.take(KindCase.SUBSCRIBED).getSubscribed().getEpoch();
    }
    for (int i = 0; i < 5; i++) server.publish("trades.X", "", new byte[] {(byte) i});
    try (RawClient c = new RawClient(server.url())) {
      c.hello("c1", token, TopicPosition.newBuilder().setTopic("trades.X").setEpoch(epoch).setSequence(1).build());
      c.take(KindCase.DISCONTINUITY);
      c.take(KindCase.DELIVER);
      c.take(KindCase.DELIVER);
      c.sendRaw(new byte[8192]);
      assertThat(c.awaitClose()).isEqualTo(1009);
    }
    assertThat(counter("corridor.server.discontinuities", "reason", "history_trimmed")).isEqualTo(1);
    assertThat(registry.get("corridor.server.replayed").counter().count()).isEqualTo(2);
    assertThat(eventually(() -> counter("corridor.server.drops", "reason", "too_large"), 1)).isEqualTo(1);
    assertThat(eventually(() -> gauge("corridor.server.queued"), 0)).isZero();
  }
}
