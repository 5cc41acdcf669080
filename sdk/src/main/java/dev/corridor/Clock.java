package dev.corridor;

/**
 * The client's source of time. Injected through {@link CorridorClient.Builder#clock} so that tests
 * can run timing behaviour in virtual time ({@link dev.corridor.testing.FakeTime}).
 */
public interface Clock {
  /** The system clock. */
  Clock SYSTEM = new Clock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }
  };

  /** Monotonic time for measuring intervals, in nanoseconds from an arbitrary origin. */
  long nanoTime();

  /** Wall-clock time in milliseconds since the Unix epoch, for timestamps and deadlines. */
  long currentTimeMillis();
}
