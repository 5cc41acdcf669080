package dev.corridor.internal;

/**
 * What the {@code *Access} classes of this package share. The public value types of
 * {@code dev.corridor} ({@link dev.corridor.Message}, {@link dev.corridor.Response},
 * {@link dev.corridor.SendResult}, {@link dev.corridor.StateChange},
 * {@link dev.corridor.Discontinuity}) have no public constructor: each one's static initializer
 * installs its private constructor in its {@code *Access} class, through which internal code (and
 * {@code dev.corridor.testing.TestValues}) builds it.
 */
final class ValueAccess {
  private ValueAccess() {}

  /**
   * Runs {@code type}'s static initializer (if it has not run yet), which installs its factory: for
   * a factory asked for before anything else touched the type.
   */
  static void initialize(Class<?> type) {
    try {
      Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  static IllegalStateException notInstalled(Class<?> type) {
    return new IllegalStateException(type.getSimpleName() + " did not install its factory");
  }
}
