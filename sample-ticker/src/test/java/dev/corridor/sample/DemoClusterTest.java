package dev.corridor.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.Discontinuity;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.sample.server.NodeRotation;
import dev.corridor.sample.ticker.EndpointNotes;
import dev.corridor.sample.ticker.TickerClient;
import dev.corridor.sample.ticker.TickerModel;
import dev.corridor.sample.ticker.TickerSummary;
import dev.corridor.testing.FakeTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster mode end to end on a real Redis ({@link RedisFixture}): three nodes started as
 * {@code --redis} starts them, the ticker with every node as an endpoint, the rotation (in virtual
 * time) crashing the node the ticker is on. The ticker moves to another node and its trades go
 * on, in order, with no duplicate and no gap. Also {@code --server --redis} (the nodes only, on
 * consecutive ports from {@code --port}) and a Redis outage (the feed pauses, and resumes). Real
 * sockets and a real Redis: the waits are bounded and wait for conditions, never prove anything by
 * sleeping.
 */
class DemoClusterTest {
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
  }

  private <T extends AutoCloseable> T closing(T c) {
    closing.add(c);
    return c;
  }

  /** Waits up to {@code millis} for {@code condition}, checking every 20 ms. */
  private static boolean within(long millis, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) return true;
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return condition.getAsBoolean();
  }

  /** The sequences of one RELIABLE subscription, in arrival order, and its discontinuities. */
  private static final class Sequences implements MessageListener {
    final List<Long> got = new CopyOnWriteArrayList<>();
    final List<Discontinuity> breaks = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message m) {
      got.add(m.sequence());
    }

    @Override
    public void onDiscontinuity(Discontinuity d) {
      breaks.add(d);
    }
  }

  private DemoCluster cluster(RedisFixture redis, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--redis", redis.uri(), "--rate", "20", "--symbols", "AAPL,MSFT"));
    args.addAll(List.of(more));
    return closing(TickerMain.startCluster(CommandLine.parse(args.toArray(new String[0])), log::add));
  }

  @Test
  void theTickerFailsOverWhenItsNodeCrashesAndItsTradesGoOnInOrderWithNoDuplicate() throws Exception {
    RedisFixture redis = closing(RedisFixture.start());
    DemoCluster cluster = cluster(redis);
    List<String> urls = cluster.urls();
    assertThat(urls).hasSize(3).doesNotHaveDuplicates();

    CommandLine.Options o = CommandLine.parse(new String[] {"--redis", redis.uri()});
    TickerModel model = new TickerModel();
    TickerClient ticker = closing(new TickerClient(TickerMain.clientBuilder(o, urls)
        .heartbeatInterval(1, TimeUnit.SECONDS).pongTimeout(1, TimeUnit.SECONDS), model));
    List<String> notes = new CopyOnWriteArrayList<>();
    ticker.client().addStateListener(new EndpointNotes(urls, ticker.client()::endpoint, notes::add));
    Sequences aapl = new Sequences();
    // The ticker shows MSFT (its model checks those trades); AAPL's are recorded as they come.
    ticker.client().subscribe(Topics.trades("AAPL"), aapl);
    ticker.start(List.of("MSFT"));
    assertThat(within(10_000, () -> ticker.client().state() == ConnectionState.CONNECTED && aapl.got.size() >= 10))
        .as("connected, trades arriving").isTrue();
    String before = ticker.client().endpoint();
    assertThat(before).isEqualTo(urls.get(0));
    assertThat(notes).containsExactly("connected to node 1 (" + urls.get(0) + ")");

    FakeTime time = new FakeTime();
    cluster.rotate(ticker.client()::endpoint, time);
    time.advanceBy(NodeRotation.PERIOD_MILLIS, TimeUnit.MILLISECONDS); // the ticker's node crashes now
    assertThat(cluster.nodes().get(0).isRunning()).isFalse();
    assertThat(log).contains("node 1 (" + urls.get(0) + ") down: its clients move to the others");
    int atCrash = aapl.got.size();

    assertThat(within(10_000, () -> ticker.client().state() == ConnectionState.CONNECTED
        && !ticker.client().endpoint().equals(before) && aapl.got.size() >= atCrash + 20))
        .as("on another node, trades arriving again").isTrue();
    String after = ticker.client().endpoint();
    assertThat(notes).containsExactly("connected to node 1 (" + urls.get(0) + ")",
        "connected to node " + (urls.indexOf(after) + 1) + " (" + after + ")");
    assertThat(cluster.nodes().get(urls.indexOf(after)).connectionCount()).isEqualTo(1);

    List<Long> got = List.copyOf(aapl.got);
    for (int i = 1; i < got.size(); i++) {
      assertThat(got.get(i)).as("trade %d of %s: each sequence once, in order", i, got).isEqualTo(got.get(i - 1) + 1);
    }
    assertThat(aapl.breaks).isEmpty();
    TickerSummary summary = model.summary();
    assertThat(summary.appDuplicates()).isZero();
    assertThat(summary.appGaps()).isZero();
    assertThat(summary.discontinuities()).isZero();

    time.advanceBy(NodeRotation.DOWN_MILLIS, TimeUnit.MILLISECONDS);
    assertThat(cluster.nodes().get(0).isRunning()).isTrue();
    assertThat(log).endsWith("node 1 back");
  }

  /** A port P with P, P+1 and P+2 free on the loopback interface just now. */
  @SuppressWarnings("try") // the sockets only hold the ports while they are checked
  private static int threeFreePorts() throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      int p;
      try (ServerSocket probe = new ServerSocket(0)) {
        p = probe.getLocalPort();
      }
      if (p > 65533) continue;
      try (ServerSocket a = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress());
          ServerSocket b = new ServerSocket(p + 2, 1, InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new AssertionError("no three consecutive free ports");
  }

  @Test
  void serverModeListsEveryNodeOnConsecutivePortsFromPort() throws Exception {
    RedisFixture redis = closing(RedisFixture.start());
    int port = threeFreePorts();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = TickerMain.run(new String[] {"--server", "--redis", redis.uri(), "--port", String.valueOf(port),
        "--symbols", "AAPL", "--duration", "1"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(code).isEqualTo(TickerMain.OK);
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Corridor demo feed: 3 nodes on Redis "
        + redis.uri().substring("redis://".length()) + " (keys corridor-demo:*), chaos on node 1: off, node rotation "
        + "every 15 s, seed 42. Ctrl-C to stop.\n"
        + "  node 1  ws://127.0.0.1:" + port + "/v1\n"
        + "  node 2  ws://127.0.0.1:" + (port + 1) + "/v1\n"
        + "  node 3  ws://127.0.0.1:" + (port + 2) + "/v1\n"
        + String.join("\n", Topics.catalog(List.of("AAPL"))));
  }

  @Test
  void aRedisOutagePausesTheFeedAndItResumesWhenRedisIsBack() throws Exception {
    RedisFixture redis = closing(RedisFixture.start());
    DemoCluster cluster = cluster(redis, "--nodes", "2");
    CorridorClient client = CorridorClient.builder(cluster.urls().get(0)).endpoints(cluster.urls()).build();
    closing.add(client::close);
    Sequences aapl = new Sequences();
    client.subscribe(Topics.trades("AAPL"), aapl);
    client.connect();
    assertThat(within(10_000, () -> aapl.got.size() >= 5)).as("trades arriving").isTrue();

    redis.stop();
    assertThat(within(10_000, () -> log.contains("Redis unreachable: the feed pauses"))).isTrue();
    long skipped = cluster.publisher().skipped();
    assertThat(within(5_000, () -> cluster.publisher().skipped() > skipped)).as("ticks go on, skipped").isTrue();

    redis.restart();
    assertThat(within(10_000, () -> log.contains("Redis back: the feed resumes"))).isTrue();
    assertThat(log.stream().filter(l -> l.contains("Redis"))).as("told once each")
        .containsExactly("Redis unreachable: the feed pauses", "Redis back: the feed resumes");
    int resumedAt = aapl.got.size();
    // The restarted Redis kept nothing: the stream starts again, which the client is told.
    assertThat(within(10_000, () -> aapl.got.size() > resumedAt && !aapl.breaks.isEmpty()))
        .as("trades again, after a discontinuity").isTrue();
  }
}
