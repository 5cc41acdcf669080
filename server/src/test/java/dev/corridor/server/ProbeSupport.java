package dev.corridor.server;

import com.google.protobuf.ByteString;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.SubscriptionMode;
import dev.corridor.proto.v1.TopicPosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;

/** Shared helpers of the review's probe tests (nodes on a real Redis, raw clients). */
abstract class ProbeSupport {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  final String prefix = "p" + getClass().getSimpleName().hashCode() + "x" + PREFIXES.incrementAndGet();
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  CorridorServer node(RedisFixture on, UnaryOperator<CorridorServer.Builder> more) throws Exception {
    CorridorServer node = more.apply(CorridorServer.builder()
        .engine(ServerEngine.redis(on.uri()).keyPrefix(prefix))
        .onPublish(PublishHandler.APPEND_TO_TOPIC)).build();
    closing.add(node);
    node.start();
    return node;
  }

  RawClient raw(CorridorServer node) {
    RawClient c = new RawClient(node.url());
    closing.add(c);
    return c;
  }

  static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
      Thread.sleep(10);
    }
  }

  static Envelope.Builder publish(long sequence, String topic, String payload) {
    return Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(sequence).setTopic(topic)
        .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFromUtf8(payload)));
  }

  static Envelope.Builder subscribe(String topic, TopicPosition from) {
    Subscribe.Builder s = Subscribe.newBuilder().setTopic(topic).setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE);
    if (from != null) s.setFrom(from);
    return Envelope.newBuilder().setSubscribe(s);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Polls the raw client's inbox for an envelope of {@code kind} for up to {@code millis}; null if none. */
  static Envelope poll(RawClient c, Envelope.KindCase kind, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      Envelope e = c.inbox.poll(left, TimeUnit.NANOSECONDS);
      if (e == null) return null;
      if (e.getKindCase() == kind) return e;
    }
  }
}
