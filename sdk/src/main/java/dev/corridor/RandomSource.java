package dev.corridor;

/**
 * The source of randomness for backoff jitter. Injected so that tests can fix it and assert exact
 * delays. Called only on the client's state thread.
 */
public interface RandomSource {
  /** @return a value uniformly distributed in [0, 1) */
  double nextDouble();
}
