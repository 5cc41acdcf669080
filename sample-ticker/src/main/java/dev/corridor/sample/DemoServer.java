package dev.corridor.sample;

import dev.corridor.sample.market.MarketFeed;
import dev.corridor.sample.server.Chaos;
import dev.corridor.sample.server.FeedServer;
import dev.corridor.sample.server.ProtocolEngine;
import dev.corridor.sample.server.ServerConfig;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * The embedded demo feed: market data, the protocol engine, the WebSocket server and the chaos
 * controller, wired together and started. Closing it stops everything.
 */
public final class DemoServer implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timers;
  private final MarketFeed market;
  private final FeedServer server;
  private final Chaos chaos;

  private DemoServer(ScheduledThreadPoolExecutor timers, MarketFeed market, FeedServer server, Chaos chaos) {
    this.timers = timers;
    this.market = market;
    this.server = server;
    this.chaos = chaos;
  }

  /**
   * Starts a feed for {@code watchlist} moving {@code updatesPerSecond} times a second per symbol;
   * its prices and its chaos draw from {@link Seeds#of(long) seed}. Chaos starts with every mode
   * off.
   *
   * @throws java.io.IOException if the port cannot be bound (e.g. it is in use)
   */
  public static DemoServer start(ServerConfig config, Map<String, Double> watchlist, double updatesPerSecond,
      long seed, Consumer<String> log) throws Exception {
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "demo-feed");
      t.setDaemon(true);
      return t;
    });
    timers.setRemoveOnCancelPolicy(true);
    MarketFeed market = new MarketFeed(watchlist, updatesPerSecond, Seeds.of(seed).feed(), System::currentTimeMillis);
    ProtocolEngine engine = new ProtocolEngine(config, market, timers, System::currentTimeMillis);
    market.attach(engine::publish);
    FeedServer server = new FeedServer(config, engine);
    try {
      server.start();
    } catch (Exception e) {
      timers.shutdownNow();
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

  public FeedServer server() {
    return server;
  }

  public MarketFeed market() {
    return market;
  }

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
