package dev.corridor.sample.server;

import dev.corridor.sample.market.MarketFeed;
import dev.corridor.server.CorridorServer;
import dev.corridor.server.EngineUnavailableException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The market feed's way into a cluster: each message is published through the first node in the
 * list that is running; one whose Redis cannot be reached passes it to the next. When no node can
 * take it (every one down, or Redis unreachable) the message is skipped: the feed pauses instead
 * of failing, and the ticks go on. Nothing is lost from a subscriber's point of view: a message
 * that was never stored has no sequence, so the streams have no gap.
 *
 * <p>An outage is told to the log once, when it begins ("Redis unreachable: the feed pauses", or
 * "no node is running: the feed pauses"), and once when a publish succeeds again. <b>Thread:</b>
 * thread-safe; the feed's timer thread calls it.
 */
public final class FeedPublisher implements MarketFeed.Sink {
  /** Why the feed is paused. */
  enum Outage {
    NONE,
    NO_NODE,
    REDIS
  }

  /** What the publisher needs of a node: a {@link CorridorServer}'s two methods of the same names. */
  public interface Node {
    boolean isRunning();

    /** Stores and delivers the message; throws {@link EngineUnavailableException} if Redis is unreachable. */
    void publish(String topic, String key, byte[] payload);

    static Node of(CorridorServer server) {
      return new Node() {
        @Override
        public boolean isRunning() {
          return server.isRunning();
        }

        @Override
        public void publish(String topic, String key, byte[] payload) {
          server.publish(topic, key, payload);
        }
      };
    }
  }

  private final List<Node> nodes;
  private final Consumer<String> log;

  // Guarded by this.
  private Outage outage = Outage.NONE;
  private long skipped;

  /** A publisher through {@code servers}, in this order; outages are told to {@code log}. */
  public static FeedPublisher over(List<CorridorServer> servers, Consumer<String> log) {
    return new FeedPublisher(servers.stream().map(Node::of).toList(), log);
  }

  FeedPublisher(List<Node> nodes, Consumer<String> log) {
    if (nodes.isEmpty()) throw new IllegalArgumentException("no nodes");
    this.nodes = List.copyOf(nodes);
    this.log = log;
  }

  @Override
  public void publish(String topic, String key, byte[] payload) {
    boolean anyRunning = false;
    for (Node node : nodes) {
      if (!node.isRunning()) continue;
      anyRunning = true;
      try {
        node.publish(topic, key, payload);
        changed(Outage.NONE);
        return;
      } catch (EngineUnavailableException e) {
        // This node's Redis connection is down; another node's may be up (each reconnects on its own).
      }
    }
    synchronized (this) {
      skipped++;
    }
    changed(anyRunning ? Outage.REDIS : Outage.NO_NODE);
  }

  /** Messages skipped because no node could take them. */
  public synchronized long skipped() {
    return skipped;
  }

  private void changed(Outage now) {
    Outage before;
    synchronized (this) {
      before = outage;
      if (before == now) return;
      outage = now;
    }
    switch (now) {
      case REDIS -> log.accept("Redis unreachable: the feed pauses");
      case NO_NODE -> log.accept("no node is running: the feed pauses");
      case NONE -> log.accept(before == Outage.REDIS ? "Redis back: the feed resumes" : "the feed resumes");
    }
  }
}
