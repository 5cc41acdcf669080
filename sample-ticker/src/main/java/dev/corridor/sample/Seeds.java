package dev.corridor.sample;

import dev.corridor.RandomSource;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Everything random in a run, drawn from one {@code --seed}: the feed's prices, the chaos
 * timetable (and which connection each event hits), and the client's reconnect jitter. Each gets
 * its own stream, so adding draws to one never shifts another. With the same seed, the same
 * options and the same timing, two runs make the same random choices; the timing itself (threads,
 * sockets) is the machine's.
 *
 * @param feed seed of the market feed's random walk (the run's seed itself)
 * @param chaos seed of the chaos controller
 * @param client seed of the client's {@link RandomSource}
 */
public record Seeds(long feed, long chaos, long client) {
  /** The streams of a run with {@code seed}. */
  public static Seeds of(long seed) {
    SplittableRandom split = new SplittableRandom(seed);
    return new Seeds(seed, split.nextLong(), split.nextLong());
  }

  /**
   * A new random source for the client's jitter ({@code CorridorClient.Builder.random}). The SDK
   * calls it on one thread at a time.
   */
  public RandomSource clientRandom() {
    Random random = new Random(client);
    return random::nextDouble;
  }
}
