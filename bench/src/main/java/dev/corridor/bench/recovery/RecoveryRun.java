package dev.corridor.bench.recovery;

import dev.corridor.CorridorClient;
import dev.corridor.ExponentialBackoff;
import dev.corridor.server.CorridorServer;
import dev.corridor.server.PublishHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recovery under faults over real sockets: K {@link CorridorClient}s with the default backoff,
 * through a {@link FaultProxy}, against a {@link CorridorServer} with its defaults (whose Welcome
 * hints a 15 s heartbeat)
 * with an application that records every publish it accepts.
 *
 * <p>Faults: the proxy runs the schedule (default {@value #DEFAULT_SCHEDULE}, 130 s, the one the
 * peers were measured with in the research notes). Every client publishes a counter 1, 2, 3 ...
 * with {@code send} (acknowledged delivery) every 100 ms from t = 0 to the end (1,301 messages in
 * 130 s), then the run waits for every send to end (at most {@value #ACK_WAIT_SECONDS} s).
 * {@link RecoveryReport} derives the figures from the client events and the server's record.
 *
 * <p>Flapping: K fresh clients through a second proxy in {@code flap} mode (the server accepts
 * the WebSocket, sends its Welcome, and the connection is closed {@value FaultProxy#FLAP_CLOSE_MILLIS}
 * ms later), for {@code --flap-seconds}; the attempts each client started in that window and the
 * gaps between them.
 *
 * <p>Every client has its own seeded jitter ({@code --seed}, client i: seed · 1000 + i), its own
 * client id and the SDK's defaults otherwise (the shared default OkHttp client, which has no
 * dispatcher limit). Server, proxy, clients and this class share one JVM and one clock.
 *
 * <p>Run: {@code java -cp bench/target/corridor-bench.jar dev.corridor.bench.recovery.RecoveryRun
 * [--clients=30] [--schedule=...] [--duration=130] [--flap-seconds=30] [--seed=1]
 * [--only=faults|flap] [--log=FILE]}. {@code --log} writes every client and proxy event.
 */
public final class RecoveryRun {
  static final String DEFAULT_SCHEDULE = "0:pass,15:blackhole,75:pass,90:reset,92:refuse,110:pass";
  static final String TOPIC = "probe";
  private static final long PUBLISH_MILLIS = 100;
  private static final long ACK_WAIT_SECONDS = 60;
  private static final long CLOSE_WAIT_SECONDS = 10;

  private RecoveryRun() {}

  /** The reference server with an application that records each client's accepted counters. */
  static final class RecordingServer implements AutoCloseable {
    private final Map<String, List<Long>> received = new ConcurrentHashMap<>();
    private final CorridorServer server;

    RecordingServer() throws Exception {
      server = CorridorServer.builder().onPublish(p -> {
        List<Long> list = received.computeIfAbsent(p.clientId(), id -> Collections.synchronizedList(new ArrayList<>()));
        list.add(Long.parseLong(new String(p.payload(), java.nio.charset.StandardCharsets.UTF_8)));
        return PublishHandler.accepted();
      }).build();
      server.start();
    }

    /** The counters accepted from {@code clientId}, in arrival order. */
    List<Long> received(String clientId) {
      List<Long> list = received.getOrDefault(clientId, List.of());
      synchronized (list) {
        return List.copyOf(list);
      }
    }

    java.net.InetSocketAddress address() {
      return server.address();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** Clients through one proxy; closes them all. */
  private static final class Fleet implements AutoCloseable {
    final FaultProxy proxy;
    final List<ClientProbe> probes = new ArrayList<>();
    final List<CorridorClient> clients = new ArrayList<>();

    Fleet(FaultProxy proxy, String prefix, int k, long seedBase) {
      this.proxy = proxy;
      String url = "ws://127.0.0.1:" + proxy.port() + "/v1"; // CorridorServer's default path
      for (int i = 0; i < k; i++) {
        ClientProbe probe = new ClientProbe(String.format(Locale.ROOT, "%s-%02d", prefix, i), proxy.startNanos());
        probes.add(probe);
        clients.add(CorridorClient.builder(url).clientId(probe.id).backoff(ExponentialBackoff.DEFAULT)
            .random(new SplittableRandom(seedBase + i)::nextDouble).eventListener(probe).build());
      }
      for (CorridorClient c : clients) c.connect();
    }

    @Override
    public void close() {
      for (CorridorClient c : clients) c.close();
      try {
        for (ClientProbe p : probes) p.terminal.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // kept for the caller; the proxy is closed all the same
      } finally {
        proxy.close();
      }
    }
  }

  /** The fault schedule; returns the report once every client and the proxy are closed. */
  static RecoveryReport.Faults runFaults(RecordingServer server, Options o, List<String> log) throws Exception {
    List<FaultProxy.Step> steps = FaultProxy.parse(o.schedule);
    List<FaultProxy.Event> proxyLog = Collections.synchronizedList(new ArrayList<>());
    FaultProxy proxy = FaultProxy.start(0, server.address(), steps, proxyLog::add);
    int perClient = (int) (o.durationMillis / PUBLISH_MILLIS) + 1;
    Fleet fleet = new Fleet(proxy, "probe", o.clients, o.seed * 1000);
    CountDownLatch ended = new CountDownLatch(o.clients * perClient);
    CountDownLatch published = new CountDownLatch(1);
    AtomicLong counter = new AtomicLong();
    ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "recovery-publisher"));
    try {
      publisher.scheduleAtFixedRate(() -> {
        long n = counter.incrementAndGet();
        if (n > perClient) {
          published.countDown();
          return;
        }
        byte[] payload = Long.toString(n).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < o.clients; i++) {
          ClientProbe probe = fleet.probes.get(i);
          fleet.clients.get(i).send(TOPIC, payload).whenComplete((r, e) -> probe.sendEnded(r, e, ended));
        }
      }, 0, PUBLISH_MILLIS, TimeUnit.MILLISECONDS);
      published.await();
      publisher.shutdown();
      ended.await(ACK_WAIT_SECONDS, TimeUnit.SECONDS); // sends still pending then are reported as such
    } finally {
      publisher.shutdownNow();
      fleet.close();
      publisher.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }
    Map<String, List<Long>> received = new HashMap<>();
    for (ClientProbe p : fleet.probes) received.put(p.id, server.received(p.id));
    timeline(log, "faults, schedule " + o.schedule, proxyLog, fleet.probes);
    return new RecoveryReport.Faults(steps, o.durationMillis, perClient, fleet.probes, received);
  }

  /** Fresh clients against a proxy that closes every connection just after the Welcome. */
  static RecoveryReport.Flap runFlap(RecordingServer server, Options o, List<String> log) throws Exception {
    List<FaultProxy.Event> proxyLog = Collections.synchronizedList(new ArrayList<>());
    FaultProxy proxy = FaultProxy.start(0, server.address(), FaultProxy.parse("0:flap"), proxyLog::add);
    Fleet fleet = new Fleet(proxy, "flap", o.clients, o.seed * 1000 + 500);
    try {
      TimeUnit.NANOSECONDS.sleep(proxy.startNanos() + TimeUnit.MILLISECONDS.toNanos(o.flapMillis) - System.nanoTime());
    } finally {
      fleet.close();
    }
    timeline(log, "flapping", proxyLog, fleet.probes);
    return new RecoveryReport.Flap(o.flapMillis, fleet.probes);
  }

  /** Appends the proxy's and the clients' events to {@code log}, in time order (seconds on the proxy's clock). */
  private static void timeline(List<String> log, String title, List<FaultProxy.Event> proxyLog, List<ClientProbe> probes) {
    record Line(long atMillis, String text) {}
    List<Line> lines = new ArrayList<>();
    synchronized (proxyLog) {
      for (FaultProxy.Event e : proxyLog) lines.add(new Line(e.atMillis(), e.toString()));
    }
    for (ClientProbe p : probes) {
      for (ClientProbe.Event e : p.events()) {
        lines.add(new Line(e.atMillis(), e.toString().replaceFirst("  ", "  " + p.id + "  ")));
      }
    }
    lines.sort(Comparator.comparingLong(Line::atMillis));
    log.add("# " + title);
    for (Line l : lines) log.add(l.text());
  }

  record Options(int clients, String schedule, long durationMillis, long flapMillis, long seed, String only, String log) {
    static Options parse(String[] args) {
      Map<String, String> m = new HashMap<>();
      for (String a : args) {
        if (!a.startsWith("--") || !a.contains("=")) throw new IllegalArgumentException("expected --name=value: " + a);
        m.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      }
      Options o = new Options(Integer.parseInt(m.getOrDefault("clients", "30")), m.getOrDefault("schedule", DEFAULT_SCHEDULE),
          Math.round(Double.parseDouble(m.getOrDefault("duration", "130")) * 1000),
          Math.round(Double.parseDouble(m.getOrDefault("flap-seconds", "30")) * 1000),
          Long.parseLong(m.getOrDefault("seed", "1")), m.getOrDefault("only", "all"), m.get("log"));
      m.keySet().removeAll(List.of("clients", "schedule", "duration", "flap-seconds", "seed", "only", "log"));
      if (!m.isEmpty()) throw new IllegalArgumentException("unknown options: " + m.keySet());
      if (!List.of("all", "faults", "flap").contains(o.only)) throw new IllegalArgumentException("--only=faults|flap");
      return o;
    }
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    System.out.printf(Locale.ROOT, "Recovery run (real sockets, loopback): %d clients, %s, Java %s, %d cores%n",
        o.clients, ExponentialBackoff.DEFAULT, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    List<String> log = new ArrayList<>();
    try (RecordingServer server = new RecordingServer()) {
      if (!o.only.equals("flap")) {
        System.out.printf(Locale.ROOT, "%nFaults: schedule %s, %d s%n", o.schedule, o.durationMillis / 1000);
        runFaults(server, o, log).print(System.out);
      }
      if (!o.only.equals("faults")) {
        System.out.printf(Locale.ROOT, "%nFlapping: Welcome, then closed %d ms later, for %d s%n",
            FaultProxy.FLAP_CLOSE_MILLIS, o.flapMillis / 1000);
        runFlap(server, o, log).print(System.out);
      }
    }
    if (o.log != null) Files.write(Path.of(o.log), log);
  }
}
