package dev.corridor.bench.herd;

import dev.corridor.BackoffPolicy;
import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.EventListener;
import dev.corridor.ExponentialBackoff;
import dev.corridor.StateChange;
import dev.corridor.server.CorridorServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The reconnect herd measured for real: N {@link CorridorClient}s on loopback sockets against the
 * {@link CorridorServer} (no application, no chaos), which is stopped and,
 * after an outage, started again on the same port.
 *
 * <p>Scenario: the server starts on a free loopback port and every client connects; once all are
 * {@link ConnectionState#CONNECTED} (at most {@value #CONNECT_ALL_SECONDS} s, else the run fails)
 * the clock starts (t = 0, "the drop") and the server is stopped, which drops every connection at
 * once. While the port is closed each attempt fails fast with "connection refused". At
 * t = outage the server starts again on the same port. The run ends when every client is
 * CONNECTED again or at t = outage + {@value #AFTER_OUTAGE_SECONDS} s, whichever comes first; then
 * the clients and the server are closed and every thread this class started is ended.
 *
 * <p>The figures are those of {@link ReconnectHerd}, defined the same way and from the same origin
 * (the drop): attempts ({@link EventListener#attemptStarted}) per 100 ms bucket from the drop to
 * the hard limit; the peak attempts in any ten consecutive buckets from the one in which the
 * server returned; attempts per client; and the time at which 99 % of the clients had entered
 * CONNECTED after the drop (-1 if they never did). {@link ReconnectHerd.Result#downMillis()} is
 * the measured outage: from the drop until {@link CorridorServer#start()} returned, a few ms to a few
 * tens of ms longer than asked for, as Jetty takes that long to start.
 *
 * <p>Unlike the virtual-time version, this uses real sockets, real threads and the real clock:
 * the OS, OkHttp, Jetty and the CPU cores (shared with the server) add their latency, the drop
 * reaches the clients over about 0.1 s (the server disconnects them one by one, without a close
 * frame: clients see an EOF), refused attempts take about a millisecond rather than a fixed one,
 * and runs are not reproducible exactly. The jitter comes from each client's default
 * {@code java.util.Random}, not from seeded sources.
 *
 * <p>All clients share one {@link OkHttpClient}, but its {@link Dispatcher} allows N calls in
 * total and N per host. OkHttp's default (5 per host) would queue the herd's handshakes in the
 * client process, and an open WebSocket holds its call's slot for as long as it lives; here each
 * client stands for a separate device, so none may wait for another's slot. Heartbeat, timeouts
 * and every other client option keep their defaults.
 *
 * <p>Run: {@code java -cp bench/target/corridor-bench.jar dev.corridor.bench.herd.RealHerd
 * [clients] [outageSeconds]}. Each run is self-contained; run one at a time, or the runs compete
 * for the same cores and the same SDK timer thread.
 */
public final class RealHerd {
  /** Bounded wait for the initial connections, in seconds. */
  private static final long CONNECT_ALL_SECONDS = 60;
  /** Hard limit on the measurement after the outage, in seconds. */
  private static final long AFTER_OUTAGE_SECONDS = 60;
  /** Bounded wait for the clients' clean close at the end, in seconds. */
  private static final long CLOSE_ALL_SECONDS = 10;
  private static final long BUCKET_MILLIS = 100;

  private RealHerd() {}

  /**
   * Runs the scenario once with {@code clients} clients using {@code policy}, the port kept closed
   * for {@code outageMillis}. With 300 clients and a 10 s outage a run takes about half a minute
   * for the default policy, and never more than outage + {@value #AFTER_OUTAGE_SECONDS} s plus
   * set-up and tear-down (each bounded by tens of seconds).
   *
   * @throws IllegalStateException if not every client connects within {@value #CONNECT_ALL_SECONDS} s
   */
  public static ReconnectHerd.Result run(int clients, String policyName, BackoffPolicy policy,
      long outageMillis) throws Exception {
    if (clients < 1) throw new IllegalArgumentException("clients must be >= 1: " + clients);
    if (outageMillis < 0) throw new IllegalArgumentException("outageMillis must be >= 0: " + outageMillis);
    long horizonMillis = outageMillis + TimeUnit.SECONDS.toMillis(AFTER_OUTAGE_SECONDS);
    Recorder recorder = new Recorder(clients, horizonMillis);
    ExecutorService calls = Executors.newCachedThreadPool(daemon("herd-okhttp"));
    Dispatcher dispatcher = new Dispatcher(calls);
    dispatcher.setMaxRequests(clients);
    dispatcher.setMaxRequestsPerHost(clients);
    OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    // The defaults' inbound rate limit is per connection and a Hello is one message; only the
    // connection limit could refuse the herd, so it is raised to N when N is larger.
    CorridorServer server = CorridorServer.builder()
        .limits(256 * 1024, 500, 20_000, Math.max(2_000, clients)).build();
    List<CorridorClient> herd = new ArrayList<>(clients);
    try {
      server.start();
      for (int i = 0; i < clients; i++) {
        CorridorClient client = CorridorClient.builder(server.url()).okHttpClient(http).backoff(policy)
            .eventListener(recorder.listener(i)).build();
        herd.add(client);
        client.connect();
      }
      if (!recorder.connected.await(CONNECT_ALL_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + (clients - recorder.connected.getCount()) + " of "
            + clients + " clients connected within " + CONNECT_ALL_SECONDS + " s; no herd measured");
      }
      long drop = recorder.drop();
      server.stop();
      TimeUnit.NANOSECONDS.sleep(drop + TimeUnit.MILLISECONDS.toNanos(outageMillis) - System.nanoTime());
      server.start();
      long returnedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drop);
      recorder.reconnected.await(drop + TimeUnit.MILLISECONDS.toNanos(horizonMillis) - System.nanoTime(),
          TimeUnit.NANOSECONDS);
      return recorder.result(policyName, returnedMillis);
    } finally {
      for (CorridorClient c : herd) c.close();
      recorder.closed.await(CLOSE_ALL_SECONDS, TimeUnit.SECONDS);
      server.stop();
      dispatcher.cancelAll();
      calls.shutdown();
      if (!calls.awaitTermination(CLOSE_ALL_SECONDS, TimeUnit.SECONDS)) calls.shutdownNow();
      server.close();
      http.connectionPool().evictAll();
    }
  }

  /** Records attempts and returns to CONNECTED; fed from every client's state thread at once. */
  private static final class Recorder {
    /** {@link #dropNanos} before the drop. */
    private static final long NOT_YET = Long.MAX_VALUE;

    private final int clients;
    /** Attempts started in each 100 ms bucket after the drop; incremented from any thread. */
    private final AtomicLongArray buckets;
    /** 1 once client i has been CONNECTED before the drop; set from client i's state thread. */
    private final AtomicIntegerArray connectedBefore;
    /** Ms after the drop at which client i entered CONNECTED again, -1 until then; set once. */
    private final AtomicLongArray connectedAt;
    /** Counts down once per client on its first CONNECTED before the drop. */
    final CountDownLatch connected;
    /** Counts down once per client on its first CONNECTED after the drop. */
    final CountDownLatch reconnected;
    /** Counts down once per client on reaching a terminal state. */
    final CountDownLatch closed;
    /** System.nanoTime() of the drop (the origin of every figure), {@link #NOT_YET} before it. */
    private volatile long dropNanos = NOT_YET;

    Recorder(int clients, long horizonMillis) {
      this.clients = clients;
      this.buckets = new AtomicLongArray((int) (horizonMillis / BUCKET_MILLIS) + 1);
      this.connectedBefore = new AtomicIntegerArray(clients);
      this.connectedAt = new AtomicLongArray(clients);
      for (int i = 0; i < clients; i++) connectedAt.set(i, -1);
      this.connected = new CountDownLatch(clients);
      this.reconnected = new CountDownLatch(clients);
      this.closed = new CountDownLatch(clients);
    }

    /** Marks now as the drop and returns it. Call just before the server stops. */
    long drop() {
      long now = System.nanoTime();
      dropNanos = now;
      return now;
    }

    EventListener listener(int client) {
      return new EventListener() {
        @Override
        public void attemptStarted(long attempt) {
          long origin = dropNanos;
          if (origin == NOT_YET) return;
          long at = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin);
          if (at / BUCKET_MILLIS < buckets.length()) buckets.incrementAndGet((int) (at / BUCKET_MILLIS));
        }

        @Override
        public void stateChanged(StateChange change) {
          if (change.current().isTerminal()) {
            closed.countDown();
          } else if (change.current() == ConnectionState.CONNECTED) {
            long origin = dropNanos;
            if (origin == NOT_YET) {
              if (connectedBefore.compareAndSet(client, 0, 1)) connected.countDown();
            } else if (connectedAt.compareAndSet(client, -1,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin))) {
              reconnected.countDown();
            }
          }
        }
      };
    }

    /** The figures, computed by {@link ReconnectHerd#summarize} as for the simulation. */
    ReconnectHerd.Result result(String policy, long returnedMillis) {
      long[] perBucket = new long[buckets.length()];
      for (int b = 0; b < perBucket.length; b++) perBucket[b] = buckets.get(b);
      long[] times = new long[clients];
      for (int i = 0; i < clients; i++) times[i] = connectedAt.get(i);
      return ReconnectHerd.summarize(policy, clients, returnedMillis, perBucket, times);
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    long down = TimeUnit.SECONDS.toMillis(args.length > 1 ? Long.parseLong(args[1]) : 10);
    ReconnectHerd.printHeader(String.format(Locale.ROOT,
        "Reconnect herd: %d clients, server down %d s (real sockets, loopback)", n, down / 1000));
    ReconnectHerd.print(run(n, "default (jitter 0.8)", ExponentialBackoff.DEFAULT, down));
    ReconnectHerd.print(run(n, "no jitter", ExponentialBackoff.builder().jitter(0).build(), down));
    ReconnectHerd.print(run(n, "+/-20 % jitter", ReconnectHerd.symmetricJitter(0.2), down));
  }
}
