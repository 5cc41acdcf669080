package dev.corridor.internal;

import dev.corridor.Clock;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What a developer must not miss, logged through {@code java.util.logging} (logger
 * {@code dev.corridor}; Android routes it to logcat) when the application has not taken it over:
 * an application callback that threw, a protocol error from the server, a refused subscription,
 * the client failing for good. An application takes a kind over by installing an
 * {@code EventListener} that overrides its method (or, for refusals, a {@code MessageListener}
 * that overrides {@code onRejected}).
 *
 * <p>Each kind is rate-limited on the client's clock, so that a listener throwing on every message
 * or a server sending garbage cannot flood the log: {@link #BURST} records, then one per
 * {@link #QUIET_NANOS} naming how many were left out. Thread-safe; cheap when nothing is logged.
 */
public final class Feedback {
  /** Records of one kind logged before the rate limit applies. */
  static final int BURST = 5;
  /** After the burst, at most one record of a kind per this period. */
  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** The kinds, each limited on its own. */
  public enum Kind {
    CALLBACK_FAILED(Level.WARNING),
    PROTOCOL_ERROR(Level.WARNING),
    SUBSCRIPTION_REJECTED(Level.WARNING),
    CLIENT_FAILED(Level.SEVERE);

    final Level level;

    Kind(Level level) {
      this.level = level;
    }
  }

  static final Logger LOGGER = Logger.getLogger("dev.corridor");

  /**
   * Marks Corridor's own listeners (the Kotlin adapters): they observe events without handling
   * them, so they do not take the log's place.
   */
  public interface Observer {}

  private final Clock clock;
  private final Limiter[] limiters = new Limiter[Kind.values().length];

  public Feedback(Clock clock) {
    this.clock = clock;
    for (int i = 0; i < limiters.length; i++) limiters[i] = new Limiter();
  }

  /** Logs {@code message} (and {@code error}, if any) as {@code kind}, unless rate-limited. */
  public void log(Kind kind, String message, Throwable error) {
    if (!LOGGER.isLoggable(kind.level)) return;
    int skipped = limiters[kind.ordinal()].admit(clock.nanoTime());
    if (skipped < 0) return;
    String text = skipped == 0 ? message : message + " (" + skipped + " similar left out)";
    LogRecord record = new LogRecord(kind.level, text);
    record.setLoggerName(LOGGER.getName());
    record.setThrown(error);
    LOGGER.log(record);
  }

  /** As {@link #log(Kind, String, Throwable)}, without a throwable. */
  public void log(Kind kind, String message) {
    log(kind, message, null);
  }

  /** Whether {@code listener}'s class overrides {@code method} of {@code base} (public, any arguments). */
  public static boolean overrides(Object listener, Class<?> base, String method) {
    for (Method m : listener.getClass().getMethods()) {
      if (m.getName().equals(method) && m.getDeclaringClass() != base
          && base.isAssignableFrom(m.getDeclaringClass())) {
        return true;
      }
    }
    return false;
  }

  /** A burst, then one per quiet period. */
  private static final class Limiter {
    private int inBurst;
    private long lastNanos;
    private boolean any;
    private int skipped;

    /** -1 if the record must be left out, else how many were left out before it. */
    synchronized int admit(long now) {
      if (inBurst < BURST) {
        inBurst++;
        lastNanos = now;
        any = true;
        return 0;
      }
      if (any && now - lastNanos < QUIET_NANOS) {
        skipped++;
        return -1;
      }
      lastNanos = now;
      int left = skipped;
      skipped = 0;
      return left;
    }
  }
}
