package dev.corridor.internal;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link StateChange}s without a public constructor for them: StateChange installs its private
 * constructor here when its class is initialized, as {@link MessageAccess} explains.
 */
public final class StateChangeAccess {
  /** StateChange's private constructor. */
  public interface Factory {
    StateChange create(ConnectionState previous, ConnectionState current, StateChange.Cause cause,
        @Nullable CorridorException error, long retryDelayMillis);
  }

  /** Set once, by StateChange's static initializer. */
  private static volatile @Nullable Factory factory;

  private StateChangeAccess() {}

  public static void install(Factory f) {
    factory = f;
  }

  /** A transition; {@code retryDelayMillis} is -1 unless {@code current} is WAITING_TO_RETRY. */
  public static StateChange create(ConnectionState previous, ConnectionState current, StateChange.Cause cause,
      @Nullable CorridorException error, long retryDelayMillis) {
    return factory().create(previous, current, cause, error, retryDelayMillis);
  }

  private static Factory factory() {
    Factory f = factory;
    if (f == null) {
      ValueAccess.initialize(StateChange.class);
      f = factory;
      if (f == null) throw ValueAccess.notInstalled(StateChange.class);
    }
    return f;
  }
}
