package dev.corridor;

import dev.corridor.internal.RequiresApi26;
import java.util.concurrent.TimeUnit;

/**
 * Capped exponential backoff with jitter, applied to every attempt including the first after a
 * drop, and still applied at the cap so that clients never fall into lock-step.
 *
 * <p>The n-th attempt of an outage (n = 0, 1, ...) waits a delay drawn uniformly from
 * {@code [d·(1 − jitter), d]}, where {@code d = min(cap, initial · multiplier^n)}. With the
 * defaults (1 s, ×2, 30 s cap, jitter 0.8) the waits are drawn from [0.2, 1] s, [0.4, 2] s,
 * [0.8, 4] s ... up to [6, 30] s: spread almost as widely as full jitter, yet never shorter than a
 * fifth of the ceiling. See {@code docs/defaults.md} for the evidence.
 *
 * <p>An optional attempt budget makes the client jump to the cap once that many attempts of one
 * outage have failed: it then keeps retrying at the cap's cadence (jittered) instead of giving
 * up. Immutable; validated when built.
 */
public final class ExponentialBackoff implements BackoffPolicy {
  /** 1 s initial, ×2, 30 s cap, jitter 0.8, no budget. */
  public static final ExponentialBackoff DEFAULT = builder().build();

  private final long initialMillis;
  private final double multiplier;
  private final long maxMillis;
  private final double jitter;
  private final int attemptBudget;

  private ExponentialBackoff(Builder b) {
    this.initialMillis = b.initialMillis;
    this.multiplier = b.multiplier;
    this.maxMillis = b.maxMillis;
    this.jitter = b.jitter;
    this.attemptBudget = b.attemptBudget;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.initialMillis = initialMillis;
    b.multiplier = multiplier;
    b.maxMillis = maxMillis;
    b.jitter = jitter;
    b.attemptBudget = attemptBudget;
    return b;
  }

  public long initialDelayMillis() {
    return initialMillis;
  }

  public double multiplier() {
    return multiplier;
  }

  /** The cap on the ceiling, in ms; server hints are capped at 10 times it. */
  public long maxDelayMillis() {
    return maxMillis;
  }

  public double jitter() {
    return jitter;
  }

  /** Attempts after which delays jump to the cap, or 0 for no budget. */
  public int attemptBudget() {
    return attemptBudget;
  }

  /** The un-jittered ceiling {@code d} for attempt {@code n} (0-based). */
  long ceilingMillis(int n) {
    if (attemptBudget > 0 && n >= attemptBudget) return maxMillis;
    double d = initialMillis * Math.pow(multiplier, n);
    return d >= maxMillis ? maxMillis : (long) d;
  }

  @Override
  public Backoff newBackoff(RandomSource random) {
    return new Backoff() {
      private int attempt;

      @Override
      public long nextDelayMillis() {
        long ceiling = ceilingMillis(attempt);
        if (attempt < Integer.MAX_VALUE) attempt++;
        double r = random.nextDouble();
        return Math.round(ceiling * (1.0 - jitter * r));
      }
    };
  }

  @Override
  public String toString() {
    return "ExponentialBackoff{initial=" + initialMillis + "ms, multiplier=" + multiplier
        + ", max=" + maxMillis + "ms, jitter=" + jitter + ", attemptBudget=" + attemptBudget + "}";
  }

  public static final class Builder {
    private long initialMillis = 1_000;
    private double multiplier = 2.0;
    private long maxMillis = 30_000;
    private double jitter = 0.8;
    private int attemptBudget;

    private Builder() {}

    /** Ceiling of the first delay after a drop. Default 1 s. Must be positive. */
    public Builder initialDelay(long delay, TimeUnit unit) {
      this.initialMillis = positiveMillis("initialDelay", delay, unit);
      return this;
    }

    /** Growth factor per attempt. Default 2.0. Must be at least 1. */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier must be >= 1 and finite: " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Cap on the ceiling. Default 30 s. Must be positive. Also bounds server hints (HTTP {@code
     * Retry-After}, a close reason's {@code retry-after}, an Error's {@code retry_after_ms}): a
     * hint is a floor on the wait but imposes at most 10 times this, 5 minutes by default.
     */
    public Builder maxDelay(long delay, TimeUnit unit) {
      this.maxMillis = positiveMillis("maxDelay", delay, unit);
      return this;
    }

    /** Convenience for {@link #initialDelay(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder initialDelay(java.time.Duration delay) {
      return initialDelay(delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Convenience for {@link #maxDelay(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder maxDelay(java.time.Duration delay) {
      return maxDelay(delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Fraction of the ceiling that is randomised, in [0, 1]. 0 disables jitter (not advised: clients
     * reconnect in lock-step), 1 is "full jitter" (waits may be near zero). Default 0.8.
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * After this many failed attempts in one outage, wait the (jittered) cap between attempts from
     * then on. Retrying never stops. Default 0: no budget, delays grow to the cap on their own.
     */
    public Builder attemptBudget(int attempts) {
      if (attempts < 0) throw new IllegalArgumentException("attemptBudget must be >= 0: " + attempts);
      this.attemptBudget = attempts;
      return this;
    }

    public ExponentialBackoff build() {
      if (initialMillis > maxMillis) {
        throw new IllegalArgumentException(
            "initialDelay (" + initialMillis + " ms) exceeds maxDelay (" + maxMillis + " ms)");
      }
      return new ExponentialBackoff(this);
    }

    private static long positiveMillis(String name, long delay, TimeUnit unit) {
      long millis = unit.toMillis(delay);
      if (millis <= 0) throw new IllegalArgumentException(name + " must be positive: " + delay + " " + unit);
      return millis;
    }
  }
}
