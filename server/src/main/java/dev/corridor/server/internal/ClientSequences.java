package dev.corridor.server.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * Which client sequences one client id has settled: everything up to {@code cumulative}, plus up to
 * a window of sequences above it. Guarded by the engine's lock.
 */
final class ClientSequences {
  long cumulative;
  final Set<Long> above = new HashSet<>();

  /** Whether {@code seq} is settled. */
  boolean isSettled(long seq) {
    return seq <= cumulative || above.contains(seq);
  }

  /** Marks {@code seq} settled; false if it already was (a duplicate). */
  boolean settle(long seq, int window) {
    if (seq <= cumulative || !above.add(seq)) return false;
    while (above.remove(cumulative + 1)) cumulative++;
    if (above.size() > window) { // a hole that never fills: give up on it
      long min = above.stream().mapToLong(Long::longValue).min().getAsLong();
      cumulative = min - 1;
      while (above.remove(cumulative + 1)) cumulative++;
    }
    return true;
  }
}
