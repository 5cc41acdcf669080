package dev.corridor.internal;

import dev.corridor.SendResult;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link SendResult}s without a public constructor for them: SendResult installs its private
 * constructor here when its class is initialized, as {@link MessageAccess} explains.
 */
public final class SendResultAccess {
  /** SendResult's private constructor. */
  public interface Factory {
    SendResult create(SendResult.Outcome outcome, long sequence, @Nullable String errorCode,
        @Nullable String errorMessage);
  }

  /** Set once, by SendResult's static initializer. */
  private static volatile @Nullable Factory factory;

  private SendResultAccess() {}

  public static void install(Factory f) {
    factory = f;
  }

  /** How a sent message ended. */
  public static SendResult create(SendResult.Outcome outcome, long sequence, @Nullable String errorCode,
      @Nullable String errorMessage) {
    return factory().create(outcome, sequence, errorCode, errorMessage);
  }

  private static Factory factory() {
    Factory f = factory;
    if (f == null) {
      ValueAccess.initialize(SendResult.class);
      f = factory;
      if (f == null) throw ValueAccess.notInstalled(SendResult.class);
    }
    return f;
  }
}
