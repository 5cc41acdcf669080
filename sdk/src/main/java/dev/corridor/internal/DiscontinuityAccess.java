package dev.corridor.internal;

import dev.corridor.Discontinuity;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link Discontinuity}s without a public constructor for them: Discontinuity installs its private
 * constructor here when its class is initialized, as {@link MessageAccess} explains.
 */
public final class DiscontinuityAccess {
  /** Discontinuity's private constructor. */
  public interface Factory {
    Discontinuity create(String topic, Discontinuity.Reason reason, long fromEpoch, long fromSequence,
        long epoch, long nextSequence);
  }

  /** Set once, by Discontinuity's static initializer. */
  private static volatile @Nullable Factory factory;

  private DiscontinuityAccess() {}

  public static void install(Factory f) {
    factory = f;
  }

  /** A break in {@code topic}'s stream. */
  public static Discontinuity create(String topic, Discontinuity.Reason reason, long fromEpoch, long fromSequence,
      long epoch, long nextSequence) {
    return factory().create(topic, reason, fromEpoch, fromSequence, epoch, nextSequence);
  }

  private static Factory factory() {
    Factory f = factory;
    if (f == null) {
      ValueAccess.initialize(Discontinuity.class);
      f = factory;
      if (f == null) throw ValueAccess.notInstalled(Discontinuity.class);
    }
    return f;
  }
}
