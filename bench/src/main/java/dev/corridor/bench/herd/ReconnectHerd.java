package dev.corridor.bench.herd;

import dev.corridor.BackoffPolicy;
import dev.corridor.ConnectionState;
import dev.corridor.ErrorPolicy;
import dev.corridor.EventListener;
import dev.corridor.ExponentialBackoff;
import dev.corridor.NetworkMonitor;
import dev.corridor.RandomSource;
import dev.corridor.TokenProvider;
import dev.corridor.internal.connection.ConnectionControl;
import dev.corridor.internal.Guarded;
import dev.corridor.internal.connection.ConnectionMachine;
import dev.corridor.internal.connection.ConnectionSettings;
import dev.corridor.internal.connection.Counters;
import dev.corridor.internal.connection.HealthWatch;
import dev.corridor.internal.connection.Link;
import dev.corridor.internal.connection.ReadGate;
import dev.corridor.internal.connection.SessionHandler;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.transport.Transport;
import dev.corridor.internal.transport.TransportListener;
import dev.corridor.internal.transport.TransportSocket;
import dev.corridor.testing.FakeTime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The reconnect herd in virtual time: N clients, each running the SDK's real connection machine
 * (state machine, retry planner, backoff policy), all lose their connection at once when the server
 * goes away, and the server refuses connections for a while. Counts every connection attempt in
 * 100 ms buckets and reports the peak attempt rate after the server returns, the attempts per
 * client and the time until 99 % of the clients are connected again.
 *
 * <p>Run: {@code java -cp bench/target/corridor-bench.jar dev.corridor.bench.herd.ReconnectHerd [N]}.
 * Deterministic for a given N: every client's jitter comes from its own seeded random source.
 */
public final class ReconnectHerd {
  /** Outcome of one simulated herd. */
  public record Result(String policy, int clients, long downMillis, long[] attemptsPer100ms,
      int peakPerSecondAfterReturn, double attemptsPerClient, long millisTo99Percent,
      long medianMillisAfterReturn) {

    /** Peak attempts in any one-second window after the server returned, as a share of N. */
    public double peakShare() {
      return (double) peakPerSecondAfterReturn / clients;
    }
  }

  private static final long BUCKET_MILLIS = 100;

  private ReconnectHerd() {}

  /** A ±{@code spread} symmetric jitter around the exponential ceiling (the common textbook form). */
  public static BackoffPolicy symmetricJitter(double spread) {
    ExponentialBackoff ceilings = ExponentialBackoff.builder().jitter(0).build();
    return new BackoffPolicy() {
      @Override
      public long delayMillis(int step, long outageMillis, RandomSource random) {
        long d = ceilings.delayMillis(step, outageMillis, () -> 0);
        return (long) (d * (1 - spread + 2 * spread * random.nextDouble()));
      }

      @Override
      public int steadyStep() {
        return ceilings.steadyStep();
      }
    };
  }

  /**
   * Simulates {@code clients} clients with {@code policy}: all connected, then dropped at once
   * (t = 0), the server refusing connections for {@code downMillis}, then accepting all.
   */
  public static Result simulate(String name, BackoffPolicy policy, int clients, long downMillis,
      long horizonMillis) {
    FakeTime time = new FakeTime();
    Server server = new Server(time);
    long[] buckets = new long[(int) (horizonMillis / BUCKET_MILLIS) + 1];
    List<ConnectionMachine> machines = new ArrayList<>(clients);
    long[] connectedAt = new long[clients];
    Arrays.fill(connectedAt, -1);
    long[] dropNanos = {-1}; // the origin of every figure; -1 until the drop
    for (int i = 0; i < clients; i++) {
      final int id = i;
      Random random = new Random(1_000_003L * (i + 1));
      EventListener events = new EventListener() {
        @Override
        public void attemptStarted(long attempt) {
          if (dropNanos[0] < 0) return;
          long at = TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - dropNanos[0]);
          if (at < horizonMillis) buckets[(int) (at / BUCKET_MILLIS)]++;
        }
      };
      Executor direct = Runnable::run;
      RandomSource jitter = random::nextDouble;
      Guarded.Reporter reporter = error -> { throw new AssertionError(error); };
      ConnectionSettings settings = new ConnectionSettings(java.util.List.of("ws://herd.invalid/v1"), "corridor.v1",
          TokenProvider.NONE, direct, new Guarded.Monitor(NetworkMonitor.ALWAYS_AVAILABLE, reporter),
          policy, ErrorPolicy.DEFAULT, jitter, time, time, TimeUnit.SECONDS.toNanos(25),
          TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(15), TimeUnit.SECONDS.toNanos(5),
          1 << 20, false, TimeUnit.SECONDS.toNanos(30), reporter);
      SerialContext context = new SerialContext(direct, error -> { throw new AssertionError(error); });
      ConnectionMachine[] self = new ConnectionMachine[1];
      ConnectionMachine machine = new ConnectionMachine(settings, context, server, events, change -> {
        if (change.current() == ConnectionState.CONNECTED && dropNanos[0] >= 0 && connectedAt[id] < 0) {
          connectedAt[id] = TimeUnit.NANOSECONDS.toMillis(time.nanoTime() - dropNanos[0]);
        }
      }, new Counters(), new ReadGate(), new HealthWatch(time, time, context, 0, 0,
          (delayed, silent, oldest, inbound) -> { }));
      self[0] = machine;
      machine.attach(new WelcomingSession(() -> self[0]));
      machines.add(machine);
    }
    // Everyone connects while the server is up (a loopback connect takes 1 ms here), then the
    // server goes away for downMillis.
    for (ConnectionMachine m : machines) m.connect();
    time.advanceBy(1, TimeUnit.MILLISECONDS);
    for (ConnectionMachine m : machines) {
      if (m.state() != ConnectionState.CONNECTED) throw new IllegalStateException("not connected: " + m.state());
    }
    dropNanos[0] = time.nanoTime();
    server.down(downMillis);
    time.advanceBy(horizonMillis, TimeUnit.MILLISECONDS);
    return summarize(name, clients, downMillis, buckets, connectedAt);
  }

  /**
   * The figures of a herd, real or simulated, from the attempts per 100 ms bucket and each
   * client's reconnection time (-1: never), both measured from the drop: the peak attempts in any
   * ten consecutive buckets from the one in which the server returned, the attempts per client,
   * the time by which 99 % of the clients were connected again (-1: never), and the median time
   * from the server's return to a client's reconnection.
   */
  public static Result summarize(String name, int clients, long returnedMillis, long[] buckets,
      long[] connectedAtMillis) {
    long totalAttempts = Arrays.stream(buckets).sum();
    int firstAfter = (int) (returnedMillis / BUCKET_MILLIS);
    int peak = 0;
    for (int start = firstAfter; start + 10 <= buckets.length; start++) {
      int sum = 0;
      for (int b = start; b < start + 10; b++) sum += buckets[b];
      peak = Math.max(peak, sum);
    }
    long[] times = Arrays.stream(connectedAtMillis).filter(t -> t >= 0).sorted().toArray();
    int rank = (int) Math.ceil(clients * 0.99);
    long to99 = times.length >= rank ? times[rank - 1] : -1;
    // Clients connected again before the return (none, unless the outage was shorter than their wait) count as 0.
    long median = times.length >= (clients + 1) / 2 ? Math.max(0, times[(clients - 1) / 2] - returnedMillis) : -1;
    return new Result(name, clients, returnedMillis, buckets, peak, (double) totalAttempts / clients, to99, median);
  }

  /** The table header for {@link #print}. */
  public static void printHeader(String title) {
    System.out.println(title);
    System.out.printf(Locale.ROOT, "%-24s %14s %12s %18s%n", "policy", "peak/s after", "attempts", "99 % connected at");
  }

  /** One line per result; "not reached" when fewer than 99 % came back. */
  public static void print(Result r) {
    String to99 = r.millisTo99Percent() < 0 ? "not reached"
        : String.format(Locale.ROOT, "%.1f s", r.millisTo99Percent() / 1000.0);
    System.out.printf(Locale.ROOT, "%-24s %7d (%3.0f%%) %12.2f %18s%n", r.policy(),
        r.peakPerSecondAfterReturn(), 100 * r.peakShare(), r.attemptsPerClient(), to99);
  }

  /** The default policy and the baselines the report compares it with. */
  public static List<Result> simulateAll(int clients) {
    long down = 10_000;
    long horizon = 120_000;
    return List.of(
        simulate("default (jitter 0.8)", ExponentialBackoff.DEFAULT, clients, down, horizon),
        simulate("equal jitter (0.5)", ExponentialBackoff.builder().jitter(0.5).build(), clients, down, horizon),
        simulate("full jitter", ExponentialBackoff.builder().jitter(1.0).build(), clients, down, horizon),
        simulate("+/-20 % jitter", symmetricJitter(0.2), clients, down, horizon),
        simulate("no jitter", ExponentialBackoff.builder().jitter(0).build(), clients, down, horizon));
  }

  /** The server side: refuses while down, otherwise accepts and welcomes. */
  private static final class Server implements Transport {
    private final FakeTime time;
    private long downUntilNanos = -1;
    private final List<TransportListener> open = new ArrayList<>();

    Server(FakeTime time) {
      this.time = time;
    }

    /** Drops every open connection now and refuses new ones for {@code millis}. */
    void down(long millis) {
      downUntilNanos = time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      List<TransportListener> dropped = new ArrayList<>(open);
      open.clear();
      for (TransportListener l : dropped) l.onFailure(new IOException("server restarting"), -1, null);
    }

    @Override
    public TransportSocket open(dev.corridor.internal.transport.TransportRequest request, TransportListener listener) {
      // Answer after 1 ms of virtual time, as a loopback connect would.
      time.schedule(() -> {
        if (time.nanoTime() < downUntilNanos) {
          listener.onFailure(new IOException("connection refused"), -1, null);
        } else {
          open.add(listener);
          listener.onOpen("corridor.v1", null);
        }
      }, 1, TimeUnit.MILLISECONDS);
      return new TransportSocket() {
        @Override
        public boolean send(byte[] message) {
          return true;
        }

        @Override
        public long queuedBytes() {
          return 0;
        }

        @Override
        public void close(int code, String reason) {}

        @Override
        public void cancel() {}
      };
    }
  }

  /** Answers the Hello at once: the session layer's part of a handshake, nothing else. */
  private static final class WelcomingSession implements SessionHandler {
    private final java.util.function.Supplier<ConnectionControl> control;

    WelcomingSession(java.util.function.Supplier<ConnectionControl> control) {
      this.control = control;
    }

    @Override
    public void onOpen(Link link) {
      control.get().welcomed(0);
    }

    @Override
    public void onMessage(byte[] message) {}

    @Override
    public void sendPing(long nonce) {
      control.get().pongReceived(nonce); // a healthy server answers at once
    }

    @Override
    public void onDisconnected() {}

    @Override
    public void onTerminated() {}
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    printHeader(String.format(Locale.ROOT, "Reconnect herd: %d clients, server down 10 s (virtual time)", n));
    for (Result r : simulateAll(n)) print(r);
  }
}
