package dev.corridor.sample.ticker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The notable events of a run, numbered from 1, the newest {@value #KEPT} kept: what the full
 * screen shows on its notice line and plain mode prints as {@code # } lines. Not thread-safe:
 * {@link TickerModel} guards it.
 */
final class ModelEvents {
  static final int KEPT = 100;

  private final ArrayDeque<String> kept = new ArrayDeque<>();
  private long count;

  void add(String text) {
    count++;
    kept.addLast(text);
    if (kept.size() > KEPT) kept.removeFirst();
  }

  long count() {
    return count;
  }

  @Nullable String last() {
    return kept.peekLast();
  }

  /** Events after the first {@code seen}, oldest first (only those still kept). */
  List<String> after(long seen) {
    long wanted = Math.min(count - seen, kept.size());
    List<String> out = new ArrayList<>();
    if (wanted <= 0) return out;
    int skip = (int) (kept.size() - wanted);
    for (String e : kept) {
      if (skip-- > 0) continue;
      out.add(e);
    }
    return out;
  }
}
