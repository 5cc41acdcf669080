package dev.corridor.internal;

import dev.corridor.Response;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link Response}s without a public constructor for them: Response installs its private
 * constructor here when its class is initialized, as {@link MessageAccess} explains.
 */
public final class ResponseAccess {
  /** Response's private constructor. */
  public interface Factory {
    Response create(Response.Status status, byte[] payload, String message);
  }

  /** Set once, by Response's static initializer. */
  private static volatile @Nullable Factory factory;

  private ResponseAccess() {}

  public static void install(Factory f) {
    factory = f;
  }

  /** A response; {@code payload} is not copied. */
  public static Response create(Response.Status status, byte[] payload, String message) {
    return factory().create(status, payload, message);
  }

  private static Factory factory() {
    Factory f = factory;
    if (f == null) {
      ValueAccess.initialize(Response.class);
      f = factory;
      if (f == null) throw ValueAccess.notInstalled(Response.class);
    }
    return f;
  }
}
