package dev.corridor;

/**
 * Tells the client when the device has a usable network. While it reports none the client is
 * {@link ConnectionState#OFFLINE} and makes no attempts; when the network returns, or changes, it
 * connects at once, without waiting out the remaining backoff, and a long outage's slow cadence
 * ends.
 *
 * <p>The JVM default, {@link #ALWAYS_AVAILABLE}, never reports a loss. On Android,
 * {@code corridor-android} provides one on {@code ConnectivityManager}'s default-network callback
 * ({@code CorridorAndroid.networkMonitor(context)}, set by {@code CorridorAndroid.install}).
 */
public interface NetworkMonitor {
  /** Receives availability changes; may be called from any thread. */
  interface Listener {
    void onNetworkAvailable();

    void onNetworkLost();

    /**
     * The device moved to another usable network (Wi-Fi to cellular, say) without a moment
     * offline. A socket bound to the old network is abandoned at once and an attempt made on the
     * new one, skipping any backoff wait.
     */
    default void onNetworkChanged() {}
  }

  /** A monitor that always reports the network as available. */
  NetworkMonitor ALWAYS_AVAILABLE = new NetworkMonitor() {
    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public void start(Listener listener) {}

    @Override
    public void stop() {}
  };

  /** The current availability, read when the client starts. */
  boolean isAvailable();

  /** Starts reporting changes to {@code listener}. Called once, by {@code connect()}. */
  void start(Listener listener);

  /** Stops reporting. Called once, when the client reaches a terminal state. */
  void stop();
}
