package dev.corridor.sample;

import dev.corridor.Scheduler;
import dev.corridor.sample.market.MarketFeed;
import dev.corridor.sample.server.Chaos;
import dev.corridor.sample.server.FeedPublisher;
import dev.corridor.sample.server.NodeRotation;
import dev.corridor.server.CorridorServer;
import dev.corridor.server.ServerEngine;
import dev.corridor.server.ServerFaults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The demo feed as a cluster: several Corridor server nodes on one Redis (the Redis Streams
 * engine, keys under {@value #KEY_PREFIX}{@code :}), sharing topic sequences and history, sessions
 * and publish deduplication, so that a client that moves from one node to another resumes with no
 * gap and no duplicate. One {@link MarketFeed} is every node's topic policy and handler, and
 * publishes through the first node that is running ({@link FeedPublisher}). The chaos controls
 * act on node 1 (the kill-everything key on every node); {@link #rotate} takes the nodes down in
 * turn ({@link NodeRotation}). Closing it stops everything. Thread-safe.
 */
public final class DemoCluster implements DemoFeed {
  /** The key prefix of the demo's Redis keys: one demo per Redis at a time. */
  public static final String KEY_PREFIX = "corridor-demo";

  /*
   * The Redis client (Lettuce, on Netty) logs through java.util.logging here, and its reconnect
   * warnings would scribble over the full-screen UI: only SEVERE records get through. A logger
   * held by nothing else may be collected with its level, hence the fields.
   */
  private static final Logger LETTUCE_LOG = Logger.getLogger("io.lettuce");
  private static final Logger NETTY_LOG = Logger.getLogger("io.netty");

  /** Lets only SEVERE records of the Redis client's loggers through; what matters is told as events. */
  static void quietRedisClientLogs() {
    LETTUCE_LOG.setLevel(Level.SEVERE);
    NETTY_LOG.setLevel(Level.SEVERE);
  }

  /** A node that could not start, and why (its {@link #getCause()}). */
  static final class NodeFailure extends IOException {
    private static final long serialVersionUID = 1L;
    /** The node's index, from 0. */
    final int node;

    NodeFailure(int node, Exception cause) {
      super("node " + (node + 1) + " did not start: " + cause.getMessage(), cause);
      this.node = node;
    }
  }

  private final ScheduledThreadPoolExecutor timers;
  private final MarketFeed market;
  private final List<CorridorServer> nodes;
  private final FeedPublisher publisher;
  private final Chaos chaos;
  private final Consumer<String> log;
  // Guarded by this.
  private @Nullable NodeRotation rotation;

  private DemoCluster(ScheduledThreadPoolExecutor timers, MarketFeed market, List<CorridorServer> nodes,
      FeedPublisher publisher, Chaos chaos, Consumer<String> log) {
    this.timers = timers;
    this.market = market;
    this.nodes = nodes;
    this.publisher = publisher;
    this.chaos = chaos;
    this.log = log;
  }

  /**
   * Starts one node per builder in {@code nodeBuilders} (host, port, token, origins as the caller
   * set them; the engine and handlers are set here) on the Redis at {@code redisUri}, and the feed
   * for {@code watchlist} behind them, as {@link DemoServer#start} does for one node. Chaos starts
   * with every mode off; the rotation starts with {@link #rotate}.
   *
   * @throws NodeFailure if a node cannot start: Redis cannot be reached (then the cause is an
   *     IOException caused by the Redis client's exception), or its port cannot be bound. The nodes
   *     already started are closed again.
   */
  public static DemoCluster start(String redisUri, List<CorridorServer.Builder> nodeBuilders,
      Map<String, Double> watchlist, double updatesPerSecond, long seed, Consumer<String> log) throws IOException {
    if (nodeBuilders.isEmpty()) throw new IllegalArgumentException("no nodes");
    quietRedisClientLogs();
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(3, r -> {
      Thread t = new Thread(r, "demo-feed");
      t.setDaemon(true);
      return t;
    });
    timers.setRemoveOnCancelPolicy(true);
    MarketFeed market = new MarketFeed(watchlist, updatesPerSecond, Seeds.of(seed).feed(), System::currentTimeMillis);
    ServerEngine engine = ServerEngine.redis(redisUri).keyPrefix(KEY_PREFIX);
    List<CorridorServer> nodes = new ArrayList<>();
    for (CorridorServer.Builder b : nodeBuilders) {
      nodes.add(b.engine(engine).topicPolicy(market).onPublish(market).onRequest(market).build());
    }
    for (int i = 0; i < nodes.size(); i++) {
      try {
        nodes.get(i).start();
      } catch (Exception e) {
        nodes.forEach(CorridorServer::close);
        timers.shutdownNow();
        throw new NodeFailure(i, e);
      }
    }
    FeedPublisher publisher = FeedPublisher.over(nodes, log);
    market.attach(publisher);
    market.start(timers);
    Chaos chaos = new Chaos(nodes.get(0), timers, Seeds.of(seed).chaos(), log);
    chaos.start();
    return new DemoCluster(timers, market, List.copyOf(nodes), publisher, chaos, log);
  }

  /**
   * Starts taking the nodes down in turn on the cluster's timers, the first one
   * {@value NodeRotation#PERIOD_MILLIS} ms from now: the node {@code watchedEndpoint} names (the
   * ticker's), if given. Once only.
   */
  public NodeRotation rotate(@Nullable Supplier<String> watchedEndpoint) {
    return rotate(watchedEndpoint, (task, delay, unit) -> {
      ScheduledFuture<?> f = timers.schedule(task, delay, unit);
      return () -> f.cancel(false);
    });
  }

  /** As {@link #rotate(Supplier)}, its timers on {@code scheduler} (virtual time in tests). */
  public synchronized NodeRotation rotate(@Nullable Supplier<String> watchedEndpoint, Scheduler scheduler) {
    if (rotation != null) throw new IllegalStateException("already rotating");
    rotation = new NodeRotation(nodes, scheduler, watchedEndpoint, log);
    rotation.start();
    return rotation;
  }

  /** The nodes, in order (node 1 first). */
  public List<CorridorServer> nodes() {
    return nodes;
  }

  @Override
  public List<String> urls() {
    List<String> urls = new ArrayList<>();
    for (CorridorServer n : nodes) urls.add(n.url());
    return urls;
  }

  @Override
  public MarketFeed market() {
    return market;
  }

  public FeedPublisher publisher() {
    return publisher;
  }

  /**
   * The chaos controls: every mode acts on node 1, as on the single demo node; {@link
   * ChaosControl#killNow()} drops the connections of every node.
   */
  @Override
  public ChaosControl chaos() {
    return new ChaosControl() {
      @Override
      public void set(Mode mode, boolean enabled) {
        chaos.set(mode, enabled);
      }

      @Override
      public boolean isEnabled(Mode mode) {
        return chaos.isEnabled(mode);
      }

      @Override
      public long nextEventInMillis(Mode mode) {
        return chaos.nextEventInMillis(mode);
      }

      @Override
      public void killNow() {
        for (CorridorServer n : nodes) {
          for (ServerFaults.Connection c : n.faults().connections()) c.disconnect();
        }
        log.accept("chaos: killed every connection on every node");
      }

      @Override
      public String describe() {
        return chaos.describe();
      }
    };
  }

  @Override
  public void close() {
    synchronized (this) {
      if (rotation != null) rotation.close();
    }
    chaos.close();
    market.stop();
    for (CorridorServer n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // closing the others anyway
      }
    }
    timers.shutdownNow();
  }
}
