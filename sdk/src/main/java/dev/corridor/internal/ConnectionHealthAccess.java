package dev.corridor.internal;

import dev.corridor.ConnectionHealth;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link ConnectionHealth} values without a public constructor for them: ConnectionHealth installs its private
 * constructor here when its class is initialized, as {@link MessageAccess} explains.
 */
public final class ConnectionHealthAccess {
  /** ConnectionHealth's private constructor. */
  public interface Factory {
    ConnectionHealth create(boolean sendsDelayed, boolean inboundSilent, long oldestUnacknowledgedAgeMillis,
        long lastInboundAgeMillis);
  }

  /** Set once, by ConnectionHealth's static initializer. */
  private static volatile @Nullable Factory factory;

  private ConnectionHealthAccess() {}

  public static void install(Factory f) {
    factory = f;
  }

  /** A health snapshot. */
  public static ConnectionHealth create(boolean sendsDelayed, boolean inboundSilent,
      long oldestUnacknowledgedAgeMillis, long lastInboundAgeMillis) {
    return factory().create(sendsDelayed, inboundSilent, oldestUnacknowledgedAgeMillis, lastInboundAgeMillis);
  }

  private static Factory factory() {
    Factory f = factory;
    if (f == null) {
      ValueAccess.initialize(ConnectionHealth.class);
      f = factory;
      if (f == null) throw ValueAccess.notInstalled(ConnectionHealth.class);
    }
    return f;
  }
}
