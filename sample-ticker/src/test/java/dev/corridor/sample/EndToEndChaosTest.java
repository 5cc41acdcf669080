package dev.corridor.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.SendResult;
import dev.corridor.sample.proto.PriceAlert;
import dev.corridor.server.CorridorServer;
import dev.corridor.sample.ticker.TickerClient;
import dev.corridor.sample.ticker.TickerModel;
import dev.corridor.sample.ticker.TickerSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Server and SDK client in one JVM over real sockets, with seeded chaos for a bounded time. This is
 * the one real-time test of the sample: it waits (bounded) for the system to settle.
 */
class EndToEndChaosTest {
  private DemoServer server;
  private TickerClient ticker;

  @AfterEach
  void stop() throws Exception {
    if (ticker != null) ticker.close();
    if (server != null) server.close();
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

  @Test
  void survivesSeededChaosWithoutGapsDuplicatesOrLostAlerts() throws Exception {
    long seed = 1234;
    Map<String, Double> watchlist = new LinkedHashMap<>();
    watchlist.put("AAPL", 189.5);
    watchlist.put("MSFT", 415.2);
    watchlist.put("NVDA", 880.0);
    server = DemoServer.start(CorridorServer.builder(), watchlist, 20, seed, line -> { });
    TickerModel model = new TickerModel();
    ticker = new TickerClient(TickerClient.builder(server.url(), null, "e2e-client")
        .heartbeatInterval(1, TimeUnit.SECONDS).pongTimeout(1, TimeUnit.SECONDS), model);
    ticker.start(List.copyOf(watchlist.keySet()));
    assertThat(within(10_000, () -> ticker.client().state() == ConnectionState.CONNECTED)).isTrue();

    for (ChaosControl.Mode m : List.of(ChaosControl.Mode.KILL, ChaosControl.Mode.STALL,
        ChaosControl.Mode.RESTART, ChaosControl.Mode.DELAY_ACKS, ChaosControl.Mode.DROP_ACKS,
        ChaosControl.Mode.TRIM_HISTORY)) {
      server.chaos().set(m, true);
    }
    // Alert edits during the chaos: 10 alerts, edited again and again (thresholds far from the
    // price so none fires); every edit has a unique threshold so the server's record identifies it.
    Random random = new Random(seed);
    List<long[]> edits = new ArrayList<>();
    List<CompletableFuture<SendResult>> outcomes = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int n = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 3; i++, n++) {
        int alert = random.nextInt(10);
        long threshold = 10_000_000_000L + n; // $10,000 + n micros: never reached
        edits.add(new long[] {alert, threshold});
        outcomes.add(ticker.setAlert("a" + alert, "AAPL", PriceAlert.Direction.ABOVE, threshold));
      }
      if (n % 45 == 0 && server.server().isRunning()) server.chaos().killNow(); // a hard drop every ~1.5 s
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    for (ChaosControl.Mode m : ChaosControl.Mode.values()) server.chaos().set(m, false);

    // After the chaos: the client reconnects and every alert edit ends.
    assertThat(within(30_000, () -> server.server().isRunning()
        && ticker.client().state() == ConnectionState.CONNECTED
        && outcomes.stream().allMatch(CompletableFuture::isDone))).as("settled").isTrue();

    List<String> applied = server.market().alerts().applied();
    int acked = 0;
    int superseded = 0;
    for (int i = 0; i < edits.size(); i++) {
      String record = "e2e-client/a" + edits.get(i)[0] + "@" + edits.get(i)[1];
      SendResult.Outcome outcome = outcomes.get(i).join().outcome();
      long times = applied.stream().filter(record::equals).count();
      switch (outcome) {
        case ACKNOWLEDGED -> {
          acked++;
          assertThat(times).as("acknowledged %s recorded once", record).isEqualTo(1);
        }
        case SUPERSEDED, EXPIRED -> {
          superseded++;
          assertThat(times).as("%s %s never reaches the server", outcome, record).isZero();
        }
        default -> throw new AssertionError("unexpected outcome " + outcome + " for " + record);
      }
    }
    TickerSummary summary = model.summary();
    assertThat(summary.appDuplicates()).as("duplicates seen by the application").isZero();
    assertThat(summary.appGaps()).as("gaps seen by the application").isZero();
    assertThat(summary.trades()).isPositive();
    assertThat(ticker.client().state()).isEqualTo(ConnectionState.CONNECTED);
    // Kills every ~1.5 s for 10 s: whatever the pacing made of them, the link was dropped and
    // attempted again several times (successful reconnects depend on where the waits fall).
    assertThat(ticker.client().stats().attempts()).as("the chaos really dropped the link").isGreaterThanOrEqualTo(3);
    assertThat(ticker.client().stats().reconnects()).as("and the client came back").isGreaterThanOrEqualTo(1);
    System.out.printf("e2e chaos (seed %d): %d alert edits (%d acknowledged once, %d superseded), "
        + "%d reconnects, %d trades, %d duplicates suppressed, %d gaps replayed, %d discontinuities, "
        + "0 duplicates and 0 gaps seen by the application%n", seed, edits.size(), acked, superseded,
        ticker.client().stats().reconnects(), summary.trades(), summary.duplicatesSuppressed(),
        summary.gapsReplayed(), summary.discontinuities());
  }
}
