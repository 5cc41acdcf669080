package dev.corridor.sample;

import dev.corridor.sample.market.MarketFeed;
import dev.corridor.sample.server.Chaos;
import dev.corridor.server.CorridorServer;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * The embedded demo feed: market data, the Corridor server and the chaos
 * controller, wired together and started. Closing it stops everything.
 */
public final class DemoServer implements DemoFeed {
  private final ScheduledThreadPoolExecutor timers;
  private final MarketFeed market;
  private final CorridorServer server;
  private final Chaos chaos;

  private DemoServer(ScheduledThreadPoolExecutor timers, MarketFeed market, CorridorServer server, Chaos chaos) {
    this.timers = timers;
    this.market = market;
    this.server = server;
    this.chaos = chaos;
  }

  /**
   * Starts a feed for {@code watchlist}, on a server built from {@code serverBuilder} (with the
   * feed as its topic policy and handlers), moving {@code updatesPerSecond} times a second per symbol;
   * its prices and its chaos draw from {@link Seeds#of(long) seed}. Chaos starts with every mode
   * off.
   *
   * @throws java.io.IOException if the port cannot be bound (e.g. it is in use)
   */
  public static DemoServer start(CorridorServer.Builder serverBuilder, Map<String, Double> watchlist, double updatesPerSecond,
      long seed, Consumer<String> log) throws Exception {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "demo-feed");
      t.setDaemon(true);
      return t;
    });
    timers.setRemoveOnCancelPolicy(true);
    MarketFeed market = new MarketFeed(watchlist, updatesPerSecond, Seeds.of(seed).feed(), System::currentTimeMillis);
    CorridorServer server = serverBuilder.topicPolicy(market).onPublish(market).onRequest(market).build();
    market.attach(server::publish);
    try {
      server.start();
    } catch (Exception e) {
      timers.shutdownNow();
      server.close();
      throw e;
    }
    market.start(timers);
    Chaos chaos = new Chaos(server, timers, Seeds.of(seed).chaos(), log);
    chaos.start();
    return new DemoServer(timers, market, server, chaos);
  }

  public String url() {
    return server.url();
  }

  @Override
  public java.util.List<String> urls() {
    return java.util.List.of(url());
  }

  public CorridorServer server() {
    return server;
  }

  @Override
  public MarketFeed market() {
    return market;
  }

  @Override
  public Chaos chaos() {
    return chaos;
  }

  @Override
  public void close() {
    chaos.close();
    market.stop();
    server.close();
    timers.shutdownNow();
  }
}
