package dev.corridor.sample;

import dev.corridor.sample.market.MarketFeed;
import java.util.List;

/**
 * What the ticker needs of a running demo feed: where its nodes listen, the market behind them and
 * the chaos controls. {@link DemoServer} is one node in memory, {@link DemoCluster} several on one
 * Redis. Closing it stops everything.
 */
interface DemoFeed extends AutoCloseable {
  /** Every node's URL, in order: the ticker's endpoints. */
  List<String> urls();

  MarketFeed market();

  ChaosControl chaos();

  @Override
  void close();
}
