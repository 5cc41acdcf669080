package dev.corridor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.corridor.CorridorClient;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.SendResult;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Discontinuity;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Envelope.KindCase;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.SubscriptionMode;
import dev.corridor.proto.v1.TopicPosition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes on one real Redis (the {@link RedisFixture}), in one JVM, with Corridor clients
 * and a raw WebSocket client that is not ours on the other end: one sequence per topic across
 * nodes, failover without a gap or a duplicate, deduplication of a publish stored before its node
 * died, trimming as a discontinuity, and a Redis outage that loses no acknowledged publish.
 */
class RedisEngineTest {
  private static RedisFixture redis;
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  /** Each test's own keys, so tests share the Redis and nothing else. */
  private final String prefix = "t" + PREFIXES.incrementAndGet();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisFixture.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
  }

  private CorridorServer node(RedisFixture on, UnaryOperator<CorridorServer.Builder> more) throws Exception {
    CorridorServer node = more.apply(CorridorServer.builder()
        .engine(ServerEngine.redis(on.uri()).keyPrefix(prefix))
        .onPublish(PublishHandler.APPEND_TO_TOPIC)).build();
    closing.add(node);
    node.start();
    return node;
  }

  private CorridorServer node() throws Exception {
    return node(redis, b -> b);
  }

  private CorridorClient client(CorridorServer... nodes) {
    List<String> urls = new ArrayList<>();
    for (CorridorServer n : nodes) urls.add(n.url());
    CorridorClient c = CorridorClient.builder(urls.get(0)).endpoints(urls).build();
    closing.add(c::close);
    return c;
  }

  /** Subscribes, connects, and waits until the server has confirmed the subscription. */
  private static void subscribed(CorridorClient client, String topic, Recorder to) throws Exception {
    dev.corridor.Subscription s = client.subscribe(topic, to);
    client.connect().get(10, TimeUnit.SECONDS);
    await(topic + " subscribed", () -> s.state() == dev.corridor.Subscription.State.SUBSCRIBED);
  }

  private RawClient raw(CorridorServer node) {
    RawClient c = new RawClient(node.url());
    closing.add(c);
    return c;
  }

  /** Every message a subscription got, as "epoch/sequence/payload", in arrival order. */
  private static final class Recorder implements MessageListener {
    final List<String> got = new CopyOnWriteArrayList<>();
    final List<dev.corridor.Discontinuity> breaks = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message m) {
      got.add(m.epoch() + "/" + m.sequence() + "/" + new String(m.payload(), StandardCharsets.UTF_8));
    }

    @Override
    public void onDiscontinuity(dev.corridor.Discontinuity d) {
      breaks.add(d);
    }

    List<Long> sequences() {
      List<Long> out = new ArrayList<>();
      for (String g : got) out.add(Long.parseLong(g.split("/")[1]));
      return out;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
      Thread.sleep(10);
    }
  }

  private static List<Long> oneTo(int n) {
    List<Long> out = new ArrayList<>();
    for (long i = 1; i <= n; i++) out.add(i);
    return out;
  }

  private static Envelope.Builder publish(long sequence, String topic, String payload) {
    return Envelope.newBuilder().setPublish(Publish.newBuilder().setClientSequence(sequence).setTopic(topic)
        .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED).setPayload(ByteString.copyFromUtf8(payload)));
  }

  private static Envelope.Builder subscribe(String topic, TopicPosition from) {
    Subscribe.Builder s = Subscribe.newBuilder().setTopic(topic).setMode(SubscriptionMode.SUBSCRIPTION_MODE_RELIABLE);
    if (from != null) s.setFrom(from);
    return Envelope.newBuilder().setSubscribe(s);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aPublishOnAnyNodeReachesSubscribersOnEveryNodeWithOneSequence() throws Exception {
    CorridorServer a = node();
    CorridorServer b = node();
    CorridorServer c = node();
    Recorder onB = new Recorder();
    Recorder onC = new Recorder();
    CorridorClient subscriberB = client(b);
    CorridorClient subscriberC = client(c);
    subscribed(subscriberB, "quotes.X", onB);
    subscribed(subscriberC, "quotes.X", onC);

    CorridorClient publisher = client(c); // publishes through a node too
    publisher.connect().get(10, TimeUnit.SECONDS);
    List<CompletableFuture<SendResult>> sent = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      if (i % 3 == 0) {
        sent.add(publisher.send("quotes.X", utf8("m" + i)));
        sent.get(sent.size() - 1).get(10, TimeUnit.SECONDS); // in this order
      } else {
        (i % 3 == 1 ? a : b).publish("quotes.X", "X", utf8("m" + i));
      }
    }
    for (CompletableFuture<SendResult> s : sent) {
      assertThat(s.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    }
    await("60 on each", () -> onB.got.size() >= 60 && onC.got.size() >= 60);
    Thread.sleep(200);
    assertThat(onB.sequences()).isEqualTo(oneTo(60));
    assertThat(onC.got).isEqualTo(onB.got); // the same epoch, sequences and payloads, in one order
    for (int i = 1; i <= 60; i++) assertThat(onB.got.get(i - 1)).endsWith("/" + i + "/m" + i);
  }

  @Test
  void clientsOfAKilledNodeResumeOnTheOthersWithEverySequenceExactlyOnce() throws Exception {
    CorridorServer a = node();
    CorridorServer b = node();
    CorridorServer c = node();
    List<Recorder> recorders = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Recorder r = new Recorder();
      recorders.add(r);
      // Half of them go on to B, half to C, when A dies.
      CorridorClient client = i % 2 == 0 ? client(a, b, c) : client(a, c, b);
      subscribed(client, "quotes.Y", r);
    }
    assertThat(a.connectionCount()).isEqualTo(6);
    int total = 400;
    Thread feed = new Thread(() -> {
      for (int i = 1; i <= total; i++) {
        c.publish("quotes.Y", "Y", utf8("m" + i));
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    feed.start();
    await("a quarter delivered", () -> recorders.get(0).got.size() >= total / 4);
    a.close(); // killed: sockets dropped, no close frame, no goodbye
    feed.join(30_000);
    await("every client has all " + total, () -> recorders.stream().allMatch(r -> r.got.size() >= total));
    Thread.sleep(300);
    for (Recorder r : recorders) {
      assertThat(r.sequences()).as("each sequence once, in order").isEqualTo(oneTo(total));
      assertThat(r.breaks).isEmpty();
    }
    assertThat(b.connectionCount() + c.connectionCount()).isEqualTo(6);
    assertThat(b.connectionCount()).isEqualTo(3);
  }

  @Test
  void aPublishStoredBeforeItsNodeDiedIsDeduplicatedWhenResentToAnother() throws Exception {
    CorridorServer a = node();
    CorridorServer b = node();
    RawClient watcher = raw(b);
    watcher.hello("watcher");
    watcher.send(subscribe("orders", null));
    assertThat(watcher.take(KindCase.SUBSCRIBED).getSubscribed().getNextSequence()).isEqualTo(1);

    a.faults().dropAcks(true); // stored, never acknowledged
    RawClient first = raw(a);
    Envelope welcome = first.hello("trader");
    first.send(publish(1, "orders", "buy"));
    assertThat(watcher.take(KindCase.DELIVER).getDeliver().getSequence()).isEqualTo(1);
    a.close();

    RawClient again = raw(b);
    again.send(Envelope.newBuilder().setProtocolVersion(1).setHello(Hello.newBuilder().setClientId("trader")
        .setResumeToken(welcome.getWelcome().getResumeToken())));
    Envelope resumed = again.take(KindCase.WELCOME);
    assertThat(resumed.getWelcome().getResumed()).as("the session is in Redis").isTrue();
    assertThat(resumed.getWelcome().getLastClientSequence()).as("and so is the publish").isEqualTo(1);
    again.send(publish(1, "orders", "buy")); // resent anyway, as a client that missed the Welcome's mark
    assertThat(again.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
    again.send(publish(2, "orders", "sell"));
    assertThat(watcher.take(KindCase.DELIVER).getDeliver().getPayload().toStringUtf8())
        .as("the resend was not appended again").isEqualTo("sell");
  }

  @Test
  void aCorridorClientsUnacknowledgedPublishIsAcknowledgedOnceByTheNextNode() throws Exception {
    CorridorServer a = node();
    CorridorServer b = node();
    Recorder orders = new Recorder();
    CorridorClient watcher = client(b);
    subscribed(watcher, "orders", orders);

    a.faults().dropAcks(true);
    CorridorClient trader = client(a, b);
    trader.connect().get(10, TimeUnit.SECONDS);
    CompletableFuture<SendResult> sent = trader.send("orders", utf8("buy"));
    await("stored", () -> orders.got.size() == 1);
    assertThat(sent).isNotDone();
    a.close();
    assertThat(sent.get(20, TimeUnit.SECONDS).outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    assertThat(trader.endpoint()).isEqualTo(b.url());
    Thread.sleep(300);
    assertThat(orders.got).hasSize(1);
  }

  @Test
  void aPublishBeingHandledOnOneNodeHoldsTheClientsHelloElsewhereUntilItEndsOrItsNodeDies() throws Exception {
    List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();
    List<ClientPublish> onB = new CopyOnWriteArrayList<>();
    CorridorServer a = node(redis, n -> n.onPublish(p -> {
      CompletableFuture<Void> stage = new CompletableFuture<>();
      stages.add(stage);
      return stage;
    }));
    CorridorServer b = node(redis, n -> n.onPublish(p -> {
      onB.add(p);
      return PublishHandler.accepted();
    }));
    RawClient first = raw(a);
    com.google.protobuf.ByteString token = first.hello("c1").getWelcome().getResumeToken();
    first.send(publish(1, "orders", "one"));
    await("handed to A's handler", () -> stages.size() == 1);
    first.close(); // the connection is gone; A is alive and still handling it

    RawClient early = raw(b);
    early.send(Envelope.newBuilder().setHello(Hello.newBuilder().setClientId("c1").setResumeToken(token)));
    Envelope wait = early.take(KindCase.ERROR);
    assertThat(wait.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_OVERLOADED);
    assertThat(wait.getError().getRetryable()).isTrue();
    assertThat(early.awaitClose()).isEqualTo(1013);

    stages.get(0).complete(null);
    RawClient onTime = raw(b);
    await("A's handling recorded", () -> {
      try {
        return redisSays("HGET", prefix + ":c:c1", "done").contains("1");
      } catch (java.io.IOException e) {
        return false;
      }
    });
    Envelope welcome = onTime.hello("c1", token);
    assertThat(welcome.getWelcome().getResumed()).isTrue();
    assertThat(welcome.getWelcome().getLastClientSequence()).as("A's handling, told by B").isEqualTo(1);
    onTime.close();

    RawClient second = raw(a);
    second.hello("c1", token);
    second.send(publish(2, "orders", "two"));
    await("the second handed to A's handler", () -> stages.size() == 2);
    a.close(); // dies while handling it: its claim lapses with it

    RawClient after = raw(b);
    Envelope resumed = after.hello("c1", token);
    assertThat(resumed.getWelcome().getLastClientSequence()).isEqualTo(1);
    after.send(publish(2, "orders", "two"));
    assertThat(after.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(2);
    assertThat(onB).singleElement().satisfies(p -> assertThat(p.clientSequence()).isEqualTo(2));
  }

  private static String redisSays(String... command) throws java.io.IOException {
    return redis.command(command);
  }

  @Test
  void historyTrimmedPastAClientsPositionIsADiscontinuityNotASilentGap() throws Exception {
    CorridorServer a = node(redis, n -> n.history(5, 10, TimeUnit.MINUTES));
    CorridorServer b = node(redis, n -> n.history(5, 10, TimeUnit.MINUTES));
    RawClient reader = raw(a);
    Envelope welcome = reader.hello("reader");
    reader.send(subscribe("quotes.Z", null));
    long epoch = reader.take(KindCase.SUBSCRIBED).getSubscribed().getEpoch();
    for (int i = 1; i <= 3; i++) b.publish("quotes.Z", "", utf8("m" + i));
    for (int i = 1; i <= 3; i++) assertThat(reader.take(KindCase.DELIVER).getDeliver().getSequence()).isEqualTo(i);
    reader.close();
    for (int i = 4; i <= 23; i++) b.publish("quotes.Z", "", utf8("m" + i));

    RawClient back = raw(b);
    back.send(Envelope.newBuilder().setProtocolVersion(1).setHello(Hello.newBuilder().setClientId("reader")
        .setResumeToken(welcome.getWelcome().getResumeToken())
        .addPositions(TopicPosition.newBuilder().setTopic("quotes.Z").setEpoch(epoch).setSequence(3))));
    assertThat(back.take(KindCase.WELCOME).getWelcome().getResumed()).isTrue();
    Discontinuity d = back.take(KindCase.DISCONTINUITY).getDiscontinuity();
    assertThat(d.getReason()).isEqualTo(Discontinuity.Reason.REASON_HISTORY_TRIMMED);
    assertThat(d.getNextSequence()).isEqualTo(19);
    for (int i = 19; i <= 23; i++) {
      var deliver = back.take(KindCase.DELIVER).getDeliver();
      assertThat(deliver.getSequence()).isEqualTo(i);
      assertThat(deliver.getReplay()).isTrue();
    }
    // Within the history, a resume is a plain replay.
    RawClient third = raw(a);
    third.hello("third");
    third.send(subscribe("quotes.Z", TopicPosition.newBuilder().setTopic("quotes.Z").setEpoch(epoch)
        .setSequence(20).build()));
    assertThat(third.take(KindCase.SUBSCRIBED).getSubscribed().getNextSequence()).isEqualTo(24);
    assertThat(third.take(KindCase.DELIVER).getDeliver().getSequence()).isEqualTo(21);
  }

  @Test
  void aRedisOutageRefusesWorkWithARetryHintAndLosesNoAcknowledgedPublish(@TempDir Path dir) throws Exception {
    RedisFixture own = RedisFixture.startPersistent(dir);
    closing.add(own);
    CorridorServer a = node(own, b -> b);
    CorridorServer b = node(own, n -> n);
    Recorder orders = new Recorder();
    CorridorClient watcher = client(b);
    subscribed(watcher, "orders", orders);
    CorridorClient trader = client(a);
    trader.connect().get(10, TimeUnit.SECONDS);

    List<CompletableFuture<SendResult>> sent = new ArrayList<>();
    for (int i = 1; i <= 20; i++) sent.add(trader.send("orders", utf8("o" + i)));
    await("the first 20 acknowledged", () -> sent.stream().allMatch(CompletableFuture::isDone));
    own.stop();

    for (int i = 21; i <= 40; i++) sent.add(trader.send("orders", utf8("o" + i)));
    assertThatThrownBy(() -> a.publish("orders", "", utf8("from the application")))
        .isInstanceOf(EngineUnavailableException.class);
    // A newcomer is told to come back later; a publish is refused retryably, with its sequence.
    RawClient newcomer = raw(a);
    newcomer.send(Envelope.newBuilder().setProtocolVersion(1).setHello(Hello.newBuilder().setClientId("late")));
    Envelope refused = newcomer.take(KindCase.ERROR);
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_OVERLOADED);
    assertThat(refused.getError().getRetryable()).isTrue();
    assertThat(refused.getError().getRetryAfterMs()).isPositive();
    assertThat(newcomer.awaitClose()).isEqualTo(1013);
    Thread.sleep(500);
    for (int i = 20; i < 40; i++) assertThat(sent.get(i)).as("acknowledged while Redis is down").isNotDone();

    own.restart();
    for (CompletableFuture<SendResult> s : sent) {
      assertThat(s.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(SendResult.Outcome.ACKNOWLEDGED);
    }
    await("all 40 delivered", () -> orders.got.size() >= 40);
    Thread.sleep(300);
    List<String> payloads = new ArrayList<>();
    for (String g : orders.got) payloads.add(g.substring(g.lastIndexOf('/') + 1));
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 40; i++) expected.add("o" + i);
    assertThat(payloads).as("each acknowledged publish once, in order").isEqualTo(expected);
    assertThat(orders.sequences()).isEqualTo(oneTo(40)); // the restarted Redis kept the stream
  }

  @Test
  void twoPrefixesShareNothing() throws Exception {
    CorridorServer a = node();
    CorridorServer other = CorridorServer.builder().engine(ServerEngine.redis(redis.uri()).keyPrefix(prefix + "x"))
        .build();
    closing.add(other);
    other.start();
    a.publish("quotes.W", "", utf8("one"));
    RawClient r = raw(other);
    r.hello("r");
    r.send(subscribe("quotes.W", null));
    assertThat(r.take(KindCase.SUBSCRIBED).getSubscribed().getNextSequence()).isEqualTo(1);
    assertThatThrownBy(() -> ServerEngine.redis("localhost:6379")).isInstanceOf(IllegalArgumentException.class);
  }
}
