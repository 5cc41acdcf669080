package dev.corridor.internal.connection;

import java.util.List;

/**
 * Which endpoint the next attempt uses: the first, to begin with; the next one (wrapping round)
 * after an attempt fails or the server sends its clients elsewhere; the same one after an
 * established connection is otherwise lost. Touched in the
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

  /**
   * Whether a connection the server closed with {@code closeCode} should be retried on the next
   * endpoint: 1001 (going away), 1012 (service restart), 1013 (try again later).
   */
  static boolean sendsElsewhere(int closeCode) {
    return closeCode == 1001 || closeCode == 1012 || closeCode == 1013;
  }

  /** The attempt on the current endpoint failed: the next attempt goes to the next one. */
  void attemptFailed() {
    current = (current + 1) % urls.size();
  }
}
