package dev.corridor;

import dev.corridor.internal.RequiresApi26;
import java.util.concurrent.TimeUnit;

/**
 * Capped exponential backoff with jitter on every wait, a steady cadence at the cap, and a slower
 * one once an outage has lasted for minutes.
 *
 * <p>Step n (n = 0, 1, ...) has the ceiling {@code d = initial · multiplier^n}. Below the cap a
 * wait is drawn uniformly from {@code [d·(1 − jitter), d]}. At the cap ({@code maxDelay}) the
 * attempts settle into a cadence: the first wait at the cap is drawn from
 * {@code max·[1 − ⅝·jitter, 1 + ⅝·jitter]} (one whole period, ½ to 1½ times the cap, at the default
 * jitter), which gives every client its own phase, and later ones from
 * {@code max·[1 − jitter/8, 1 + jitter/8]}, which keeps it. Clients that lost the same server
 * therefore come back spread evenly over one period, and a single client is back on average half a
 * period after the server returns: for any pacing, the peak reconnect rate times the median wait
 * after the return is at least ½, and an even spread reaches that bound (see
 * {@code docs/defaults.md}).
 *
 * <p>With the defaults (1 s, ×2, 5.75 s, jitter 0.8) the waits are drawn from [0.2, 1] s,
 * [0.4, 2] s, [0.8, 4] s, then [2.9, 8.6] s once and [5.2, 6.3] s from then on. Once an outage
 * has lasted {@code slowAfter} (2 minutes), every wait is drawn from
 * {@code slowDelay·[1 − jitter/2, 1 + jitter/2]} ([18, 42] s by default) to save battery, until the
 * network changes, {@link CorridorClient#retryNow()} is called (say, the app came to the
 * foreground) or a connection pays the steps back. Immutable; validated when built.
 */
public final class ExponentialBackoff implements BackoffPolicy {
  /** 1 s initial, ×2, 5.75 s cap, jitter 0.8, 30 s after 2 minutes. */
  public static final ExponentialBackoff DEFAULT = builder().build();

  private final long initialMillis;
  private final double multiplier;
  private final long maxMillis;
  private final double jitter;
  private final long slowAfterMillis;
  private final long slowMillis;
  /** The first step whose ceiling reaches the cap. */
  private final int capStep;

  private ExponentialBackoff(Builder b) {
    this.initialMillis = b.initialMillis;
    this.multiplier = b.multiplier;
    this.maxMillis = b.maxMillis;
    this.jitter = b.jitter;
    this.slowAfterMillis = b.slowAfterMillis;
    this.slowMillis = b.slowMillis;
    int n = 0;
    // With a multiplier of 1 the ceiling never grows: the cap is reached only if it starts there.
    if (multiplier > 1.0) {
      while (ceilingMillis(n) < maxMillis) n++;
    } else if (initialMillis < maxMillis) {
      n = Integer.MAX_VALUE;
    }
    this.capStep = n;
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
    b.slowAfterMillis = slowAfterMillis;
    b.slowMillis = slowMillis;
    return b;
  }

  public long initialDelayMillis() {
    return initialMillis;
  }

  public double multiplier() {
    return multiplier;
  }

  /** The cap on the ceiling, in ms: the average wait once the cap is reached. */
  public long maxDelayMillis() {
    return maxMillis;
  }

  public double jitter() {
    return jitter;
  }

  /** How long an outage lasts before waits slow down to {@link #slowDelayMillis()}; 0 for never. */
  public long slowAfterMillis() {
    return slowAfterMillis;
  }

  /** The average wait once an outage has lasted {@link #slowAfterMillis()}, in ms. */
  public long slowDelayMillis() {
    return slowMillis;
  }

  /** The un-jittered ceiling {@code d} for step {@code n}. */
  long ceilingMillis(int n) {
    double d = initialMillis * Math.pow(multiplier, n);
    return d >= maxMillis ? maxMillis : (long) d;
  }

  @Override
  public long delayMillis(int step, long outageMillis, RandomSource random) {
    double r = random.nextDouble();
    if (slowAfterMillis > 0 && outageMillis >= slowAfterMillis) {
      return Math.round(slowMillis * (1.0 + jitter * (r - 0.5)));
    }
    if (step < capStep) {
      return Math.round(ceilingMillis(step) * (1.0 - jitter * r));
    }
    // At the cap: a wide first draw spreads the phase, narrow ones afterwards keep it.
    double spread = step == capStep ? jitter * 1.25 : jitter / 4;
    return Math.round(maxMillis * (1.0 + spread * (r - 0.5)));
  }

  @Override
  public int steadyStep() {
    return capStep == Integer.MAX_VALUE ? 0 : capStep + 1;
  }

  @Override
  public String toString() {
    return "ExponentialBackoff{initial=" + initialMillis + "ms, multiplier=" + multiplier
        + ", max=" + maxMillis + "ms, jitter=" + jitter + ", slowAfter=" + slowAfterMillis
        + "ms, slowDelay=" + slowMillis + "ms}";
  }

  public static final class Builder {
    private long initialMillis = 1_000;
    private double multiplier = 2.0;
    private long maxMillis = 5_750;
    private double jitter = 0.8;
    private long slowAfterMillis = 120_000;
    private long slowMillis = 30_000;

    private Builder() {}

    /** Ceiling of the first wait after a healthy connection drops. Default 1 s. Must be positive. */
    public Builder initialDelay(long delay, TimeUnit unit) {
      this.initialMillis = positiveMillis("initialDelay", delay, unit);
      return this;
    }

    /** Growth factor per step. Default 2.0. Must be at least 1. */
    public Builder multiplier(double multiplier) {
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier must be >= 1 and finite: " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Cap on the ceiling, and the average wait once it is reached. Default 5.75 s: clients that
     * lost one server come back spread over 5.75 s (under 20 % of them in any second) and one client
     * is back within ~2.9 s of the server's return, half the time. Must be positive. Together with
     * {@link #slowDelay} it also bounds server hints: a hint is a floor on the wait but imposes at
     * most 10 times the longer of the two, 5 minutes by default.
     */
    public Builder maxDelay(long delay, TimeUnit unit) {
      this.maxMillis = positiveMillis("maxDelay", delay, unit);
      return this;
    }

    /**
     * Fraction of each ceiling that is randomised, in [0, 1]. 0 disables jitter (not advised:
     * clients reconnect in lock-step), 1 is "full jitter" (waits below the cap may be near zero).
     * Default 0.8.
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * How long an outage may last before the waits slow down to {@link #slowDelay}, to save
     * battery. Default 2 minutes; 0 never slows down. Retrying never stops.
     */
    public Builder slowAfter(long after, TimeUnit unit) {
      if (after < 0) throw new IllegalArgumentException("slowAfter must be >= 0: " + after + " " + unit);
      this.slowAfterMillis = unit.toMillis(after);
      return this;
    }

    /** The average wait once an outage has lasted {@link #slowAfter}. Default 30 s. Must be positive. */
    public Builder slowDelay(long delay, TimeUnit unit) {
      this.slowMillis = positiveMillis("slowDelay", delay, unit);
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

    /** Convenience for {@link #slowAfter(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder slowAfter(java.time.Duration after) {
      return slowAfter(after.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Convenience for {@link #slowDelay(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder slowDelay(java.time.Duration delay) {
      return slowDelay(delay.toMillis(), TimeUnit.MILLISECONDS);
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
