package dev.corridor.internal.connection;

import java.util.List;

/**
 * Which endpoint the next attempt uses: the first, to begin with; the next one (wrapping round)
 * after an attempt fails; the same one after an established connection is lost. Touched in the
 * serial context; read from anywhere.
 */
final class Endpoints {
  private final List<String> urls;
  private volatile int current;

  Endpoints(List<String> urls) {
    if (urls.isEmpty()) throw new IllegalArgumentException("no endpoints");
    this.urls = urls;
  }

  String current() {
    return urls.get(current);
  }

  /** The attempt on the current endpoint failed: the next attempt goes to the next one. */
  void attemptFailed() {
    current = (current + 1) % urls.size();
  }
}
