package dev.corridor.bench.scale;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.EventListener;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.StateChange;
import dev.corridor.server.CorridorServer;
import dev.corridor.server.EngineUnavailableException;
import dev.corridor.server.ServerEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The scale-out run: three {@link CorridorServer} nodes on one Redis (the Redis Streams engine),
 * N real {@link CorridorClient} connections over loopback sockets, one node killed mid-stream.
 *
 * <p>Scenario: each client lists the three nodes as its endpoints, rotated so that a third start
 * on each node, and subscribes (RELIABLE) to one of {@value #TOPICS} topics. The application
 * publishes {@code rate} messages a second to each topic, through the three nodes in turn, so most
 * messages are delivered by a node other than the one that stored them; each payload carries its
 * publish time. After {@code steadySeconds} of that (the steady phase, which gives the fan-out
 * and latency figures), node 1 is stopped as if it crashed: its sockets are dropped without a
 * close frame and it stops listening. Its clients move to their next endpoint and resume there
 * from their last sequence. Publishing goes on through the two survivors for {@code afterSeconds},
 * then stops; the run waits (at most 60 s) until every client has the last message of its topic.
 *
 * <p>Figures: per client, every sequence of its topic from 1 to the last must have reached the
 * application once: <b>lost</b> counts sequences that never arrived, <b>duplicated</b> any that
 * arrived twice; <b>resumed</b>: per moved client, the time from the kill until it was CONNECTED
 * again (on another node), and until its first message published after the kill arrived;
 * <b>fan-out</b>: messages each node delivered per second in the steady phase (its {@code
 * corridor.server.messages.out} Deliver meter); <b>latency</b>: publish to the application's
 * listener, steady phase, across nodes (client and server share one clock: one JVM).
 *
 * <p>Run: {@code java -cp bench/target/corridor-bench.jar dev.corridor.bench.scale.ScaleRun
 * [--clients=2000] [--rate=10] [--redis=redis://host:port] [--docs=docs]}; without {@code --redis}
 * it starts a redis-server of its own (the one on the PATH, else the one embedded-redis ships).
 * With {@code --docs} it writes its section of {@code docs/benchmarks.md}.
 */
public final class ScaleRun {
  static final int TOPICS = 20;
  static final int NODES = 3;

  private ScaleRun() {}

  /** What one run measured. */
  public record Result(int clients, int nodes, int topics, int ratePerTopic, long published, long expected,
      long lost, long duplicated, int moved, long resumedP50Millis, long resumedP99Millis, long resumedMaxMillis,
      double resumedWithin10s, long deliveringP99Millis, long[] fanOutPerNodePerSecond, double latencyP50Micros,
      double latencyP99Micros, long steadyMillis, String redisVersion) {}

  public static Result run(int clients, int rate, String redisUri, String redisVersion, long steadySeconds,
      long afterSeconds) throws Exception {
    String prefix = "scale" + System.nanoTime();
    List<CorridorServer> nodes = new ArrayList<>();
    List<SimpleMeterRegistry> meters = new ArrayList<>();
    for (int n = 0; n < NODES; n++) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      meters.add(registry);
      CorridorServer node = CorridorServer.builder().engine(ServerEngine.redis(redisUri).keyPrefix(prefix))
          .limits(256 * 1024, 500, 20_000, clients * 2).meterRegistry(registry).build();
      node.start();
      nodes.add(node);
    }
    ExecutorService calls = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "scale-okhttp");
      t.setDaemon(true);
      return t;
    });
    Dispatcher dispatcher = new Dispatcher(calls);
    dispatcher.setMaxRequests(clients * 2);
    dispatcher.setMaxRequestsPerHost(clients * 2);
    OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    Receivers receivers = new Receivers(clients);
    List<CorridorClient> herd = new ArrayList<>(clients);
    Thread publisher = null;
    try {
      for (int i = 0; i < clients; i++) {
        List<String> endpoints = new ArrayList<>();
        for (int k = 0; k < NODES; k++) endpoints.add(nodes.get((i + k) % NODES).url());
        CorridorClient client = CorridorClient.builder(endpoints.get(0)).endpoints(endpoints).okHttpClient(http)
            .eventListener(receivers.events(i)).build();
        client.subscribe(topic(i), receivers.listener(i));
        herd.add(client);
        client.connect();
      }
      if (!receivers.subscribed.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(receivers.subscribed.getCount() + " of " + clients
            + " clients not subscribed within 120 s");
      }
      long[] publishedPerTopic = new long[TOPICS];
      AtomicInteger phase = new AtomicInteger(); // 0 steady, 1 after the kill, 2 stopped
      Publisher feed = new Publisher(nodes, rate, publishedPerTopic, phase);
      publisher = new Thread(feed, "scale-feed");
      publisher.setDaemon(true);
      long[] outBefore = new long[NODES];
      publisher.start();
      TimeUnit.SECONDS.sleep(2); // warm-up: excluded from the figures
      receivers.measureLatency(true);
      for (int n = 0; n < NODES; n++) outBefore[n] = delivered(meters.get(n));
      long steadyStart = System.nanoTime();
      TimeUnit.SECONDS.sleep(steadySeconds);
      long steadyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - steadyStart);
      long[] fanOut = new long[NODES];
      for (int n = 0; n < NODES; n++) fanOut[n] = (delivered(meters.get(n)) - outBefore[n]) * 1000 / steadyMillis;
      receivers.measureLatency(false);

      long kill = receivers.kill(feed.sentSoFar());
      nodes.get(0).stop(); // a crash: sockets dropped, no close frame, the port closed
      phase.set(1);
      TimeUnit.SECONDS.sleep(afterSeconds);
      phase.set(2);
      publisher.join(10_000);
      long published = Arrays.stream(publishedPerTopic).sum();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!receivers.allHaveLast(publishedPerTopic) && System.nanoTime() < deadline) Thread.sleep(50);
      return receivers.result(clients, rate, published, publishedPerTopic, kill, fanOut, steadyMillis, redisVersion);
    } finally {
      if (publisher != null) publisher.interrupt();
      for (CorridorClient c : herd) c.close();
      dispatcher.cancelAll();
      calls.shutdownNow();
      for (CorridorServer n : nodes) n.close();
      http.connectionPool().evictAll();
    }
  }

  static String topic(int client) {
    return "quotes.S" + (client % TOPICS);
  }

  private static long delivered(SimpleMeterRegistry registry) {
    Counter c = registry.find("corridor.server.messages.out").tag("kind", "deliver").counter();
    return c == null ? 0 : (long) c.count();
  }

  /** Publishes {@code rate} a second to every topic, through the running nodes in turn. */
  private static final class Publisher implements Runnable {
    private final List<CorridorServer> nodes;
    private final int rate;
    private final long[] perTopic;
    private final AtomicInteger phase;
    private volatile long sent;

    Publisher(List<CorridorServer> nodes, int rate, long[] perTopic, AtomicInteger phase) {
      this.nodes = nodes;
      this.rate = rate;
      this.perTopic = perTopic;
      this.phase = phase;
    }

    long sentSoFar() {
      return sent;
    }

    @Override
    public void run() {
      long interval = TimeUnit.SECONDS.toNanos(1) / rate;
      long next = System.nanoTime();
      int turn = 0;
      while (phase.get() < 2) {
        for (int t = 0; t < TOPICS; t++) {
          CorridorServer via = nodes.get(phase.get() == 0 ? turn++ % NODES : 1 + turn++ % (NODES - 1));
          byte[] payload = ByteBuffer.allocate(16).putLong(System.nanoTime()).putLong(perTopic[t] + 1).array();
          try {
            via.publish("quotes.S" + t, "S" + t, payload);
            perTopic[t]++;
            sent++;
          } catch (EngineUnavailableException e) {
            // Not stored: not counted.
          }
        }
        next += interval;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  /** What every client's application saw. */
  private static final class Receivers {
    final int clients;
    final CountDownLatch subscribed;
    /** Per client: how many times each sequence arrived (index = sequence), grown as needed. */
    final int[][] counts;
    final AtomicLongArray lastSequence;
    final AtomicLongArray connectedAfterKill;
    final AtomicLongArray deliveringAfterKill;
    final boolean[] moved;
    final long[] latencies = new long[4_000_000];
    final AtomicInteger latencyCount = new AtomicInteger();
    volatile boolean measuring;
    volatile long killNanos = Long.MAX_VALUE;
    /** Per topic: the first sequence published after the kill. */
    volatile long firstAfterKill = Long.MAX_VALUE;

    Receivers(int clients) {
      this.clients = clients;
      this.subscribed = new CountDownLatch(clients);
      this.counts = new int[clients][];
      for (int i = 0; i < clients; i++) counts[i] = new int[1024];
      this.lastSequence = new AtomicLongArray(clients);
      this.connectedAfterKill = new AtomicLongArray(clients);
      this.deliveringAfterKill = new AtomicLongArray(clients);
      for (int i = 0; i < clients; i++) {
        connectedAfterKill.set(i, -1);
        deliveringAfterKill.set(i, -1);
      }
      this.moved = new boolean[clients];
    }

    void measureLatency(boolean on) {
      measuring = on;
    }

    long kill(long sentSoFar) {
      for (int i = 0; i < clients; i++) moved[i] = i % NODES == 0;
      firstAfterKill = sentSoFar / TOPICS + 2; // a message every topic got after this point
      long now = System.nanoTime();
      killNanos = now;
      return now;
    }

    EventListener events(int client) {
      return new EventListener() {
        @Override
        public void stateChanged(StateChange change) {
          if (change.current() == ConnectionState.CONNECTED && System.nanoTime() > killNanos) {
            connectedAfterKill.compareAndSet(client, -1, System.nanoTime() - killNanos);
          }
        }
      };
    }

    MessageListener listener(int client) {
      return new MessageListener() {
        @Override
        public void onMessage(Message m) {
          long now = System.nanoTime();
          ByteBuffer payload = m.payloadBuffer();
          long sentAt = payload.getLong(payload.position());
          long seq = m.sequence();
          int[] c = counts[client];
          if (seq >= c.length) {
            c = Arrays.copyOf(c, (int) Math.max(seq + 1, c.length * 2L));
            counts[client] = c;
          }
          c[(int) seq]++;
          lastSequence.accumulateAndGet(client, seq, Math::max);
          if (measuring) {
            int at = latencyCount.getAndIncrement();
            if (at < latencies.length) latencies[at] = now - sentAt;
          }
          if (sentAt > killNanos && now > killNanos) {
            deliveringAfterKill.compareAndSet(client, -1, now - killNanos);
          }
        }

        @Override
        public void onStateChanged(dev.corridor.Subscription.State state) {
          if (state == dev.corridor.Subscription.State.SUBSCRIBED && killNanos == Long.MAX_VALUE) {
            subscribed.countDown();
          }
        }
      };
    }

    boolean allHaveLast(long[] perTopic) {
      for (int i = 0; i < clients; i++) {
        if (lastSequence.get(i) < perTopic[i % TOPICS]) return false;
      }
      return true;
    }

    Result result(int n, int rate, long published, long[] perTopic, long kill, long[] fanOut, long steadyMillis,
        String redisVersion) {
      long lost = 0;
      long duplicated = 0;
      long expected = 0;
      for (int i = 0; i < n; i++) {
        long last = perTopic[i % TOPICS];
        expected += last;
        int[] c = counts[i];
        for (long s = 1; s <= last; s++) {
          int got = s < c.length ? c[(int) s] : 0;
          if (got == 0) lost++;
          if (got > 1) duplicated += got - 1;
        }
      }
      List<Long> resumed = new ArrayList<>();
      List<Long> delivering = new ArrayList<>();
      int within = 0;
      for (int i = 0; i < n; i++) {
        if (!moved[i]) continue;
        long r = connectedAfterKill.get(i);
        resumed.add(r < 0 ? Long.MAX_VALUE : TimeUnit.NANOSECONDS.toMillis(r));
        long d = deliveringAfterKill.get(i);
        delivering.add(d < 0 ? Long.MAX_VALUE : TimeUnit.NANOSECONDS.toMillis(d));
        if (d >= 0 && d <= TimeUnit.SECONDS.toNanos(10)) within++;
      }
      resumed.sort(null);
      delivering.sort(null);
      int count = Math.min(latencyCount.get(), latencies.length);
      long[] l = Arrays.copyOf(latencies, count);
      Arrays.sort(l);
      return new Result(n, NODES, TOPICS, rate, published, expected, lost, duplicated, resumed.size(),
          percentile(resumed, 0.50), percentile(resumed, 0.99), resumed.isEmpty() ? -1 : resumed.get(resumed.size() - 1),
          resumed.isEmpty() ? 0 : (double) within / resumed.size(), percentile(delivering, 0.99), fanOut,
          count == 0 ? 0 : l[(int) (count * 0.50)] / 1e3, count == 0 ? 0 : l[Math.min(count - 1, (int) (count * 0.99))] / 1e3,
          steadyMillis, redisVersion);
    }
  }

  private static long percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) return -1;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p) - 1));
  }

  /** The Markdown section of docs/benchmarks.md. */
  public static String markdown(Result r, String command) {
    StringBuilder s = new StringBuilder();
    s.append(BEGIN).append("\n## Scale-out: three nodes on Redis, one killed\n\n");
    s.append("Measured ").append(java.time.LocalDate.now(java.time.ZoneOffset.UTC)).append(" by `").append(command)
        .append("` (").append(r.redisVersion()).append("; everything on this machine's loopback, one JVM for the ")
        .append("nodes and the clients). Method: the javadoc of `bench/src/main/java/dev/corridor/bench/scale/")
        .append("ScaleRun.java`. The run's figures, not edited:\n\n");
    s.append("| figure | value | target |\n| --- | --- | --- |\n");
    s.append(row("clients (real connections)", String.format(Locale.ROOT, "%,d over %d nodes, %d topics",
        r.clients(), r.nodes(), r.topics()), ""));
    s.append(row("messages published", String.format(Locale.ROOT, "%,d (%d/s per topic)", r.published(),
        r.ratePerTopic()), ""));
    s.append(row("deliveries expected at the applications", String.format(Locale.ROOT, "%,d", r.expected()), ""));
    s.append(row("lost", String.format(Locale.ROOT, "%,d", r.lost()), "0"));
    s.append(row("duplicated at the application", String.format(Locale.ROOT, "%,d", r.duplicated()), "0"));
    s.append(row("clients moved off the killed node", String.format(Locale.ROOT, "%,d", r.moved()), ""));
    s.append(row("reconnected on another node, p50 / p99 / max", r.resumedP50Millis() + " / "
        + r.resumedP99Millis() + " / " + r.resumedMaxMillis() + " ms", ""));
    s.append(row("resumed (a message published after the kill delivered) within 10 s",
        String.format(Locale.ROOT, "%.1f %% (p99 %d ms)", r.resumedWithin10s() * 100, r.deliveringP99Millis()),
        "≥ 99 %"));
    StringBuilder fan = new StringBuilder();
    for (long f : r.fanOutPerNodePerSecond()) fan.append(fan.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,d", f));
    s.append(row("fan-out per node, steady phase (messages delivered/s)", fan.toString(), ""));
    s.append(row("publish to deliver, across nodes, p50 / p99", String.format(Locale.ROOT, "%.2f / %.2f ms",
        r.latencyP50Micros() / 1e3, r.latencyP99Micros() / 1e3), ""));
    s.append("\n").append(END).append("\n");
    return s.toString();
  }

  static final String BEGIN = "<!-- scale-run: written by ScaleRun; Report keeps it -->";
  static final String END = "<!-- /scale-run -->";

  private static String row(String figure, String value, String target) {
    return "| " + figure + " | " + value + " | " + target + " |\n";
  }

  /** Puts {@code section} into {@code benchmarks.md} in place of the earlier one, or at its end. */
  public static void writeSection(Path benchmarks, String section) throws IOException {
    String md = Files.exists(benchmarks) ? Files.readString(benchmarks) : "# Benchmarks\n\n";
    int begin = md.indexOf(BEGIN);
    int end = md.indexOf(END);
    if (begin >= 0 && end > begin) {
      md = md.substring(0, begin) + section.strip() + md.substring(end + END.length());
    } else {
      md = md.stripTrailing() + "\n\n" + section;
    }
    Files.writeString(benchmarks, md.endsWith("\n") ? md : md + "\n");
  }

  /** The section already in {@code benchmarks.md}, or "" (so that a full report keeps it). */
  public static String existingSection(Path benchmarks) throws IOException {
    if (!Files.exists(benchmarks)) return "";
    String md = Files.readString(benchmarks);
    int begin = md.indexOf(BEGIN);
    int end = md.indexOf(END);
    return begin >= 0 && end > begin ? md.substring(begin, end + END.length()) + "\n" : "";
  }

  public static void main(String[] args) throws Exception {
    int clients = Integer.parseInt(option(args, "--clients=", "2000"));
    int rate = Integer.parseInt(option(args, "--rate=", "10"));
    String redisUri = option(args, "--redis=", null);
    String docs = option(args, "--docs=", null);
    LocalRedis local = redisUri == null ? LocalRedis.start() : null;
    try {
      String uri = redisUri != null ? redisUri : local.uri();
      String version = local != null ? local.describe() : "Redis at " + redisUri;
      System.err.println("[scale] " + clients + " clients, 3 nodes, " + version);
      Result r = run(clients, rate, uri, version, 10, 15);
      String md = markdown(r, "java -cp bench/target/corridor-bench.jar dev.corridor.bench.scale.ScaleRun "
          + String.join(" ", args));
      System.out.println(md);
      if (docs != null) {
        writeSection(Path.of(docs).resolve("benchmarks.md"), md);
        System.err.println("[scale] wrote its section of " + Path.of(docs).resolve("benchmarks.md"));
      }
      boolean met = r.lost() == 0 && r.duplicated() == 0 && r.resumedWithin10s() >= 0.99;
      System.err.println("[scale] targets " + (met ? "met" : "MISSED"));
    } finally {
      if (local != null) local.close();
    }
    System.exit(0);
  }

  private static String option(String[] args, String prefix, String fallback) {
    for (String a : args) if (a.startsWith(prefix)) return a.substring(prefix.length());
    return fallback;
  }
}
