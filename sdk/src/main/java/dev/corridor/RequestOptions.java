package dev.corridor;

import dev.corridor.internal.RequiresApi26;
import java.util.concurrent.TimeUnit;

/** Timeout and retry behaviour of one request. Immutable; {@link #DEFAULT}: 10 s, not idempotent. */
public final class RequestOptions {
  public static final RequestOptions DEFAULT = builder().build();

  private final long timeoutMillis;
  private final boolean idempotent;
  private final boolean anyStatus;

  private RequestOptions(Builder b) {
    this.timeoutMillis = b.timeoutMillis;
    this.idempotent = b.idempotent;
    this.anyStatus = b.anyStatus;
  }

  public static Builder builder() {
    return new Builder();
  }

  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** Whether a response with a status other than OK completes the request normally. */
  public boolean anyStatus() {
    return anyStatus;
  }

  public boolean idempotent() {
    return idempotent;
  }

  public static final class Builder {
    private long timeoutMillis = 10_000;
    private boolean idempotent;
    private boolean anyStatus;

    private Builder() {}

    /**
     * Total time from {@code request()} to the response, across reconnects; then the request
     * fails with {@link RequestException.Kind#TIMEOUT}. Default 10 s. Must be positive.
     */
    public Builder timeout(long timeout, TimeUnit unit) {
      long millis = unit.toMillis(timeout);
      if (millis <= 0) throw new IllegalArgumentException("timeout must be positive: " + timeout + " " + unit);
      this.timeoutMillis = millis;
      return this;
    }

    /** Convenience for {@link #timeout(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder timeout(java.time.Duration timeout) {
      return timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the request may be sent again after the connection drops while it is outstanding.
     * Default false: such a request fails with {@link RequestException.Kind#DISCONNECTED}, since the
     * server may have acted on it.
     */
    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /**
     * Whether a response whose status is not {@link Response.Status#OK} completes the request
     * normally, for callers that handle every status themselves. Default false: such a response
     * fails the request with a {@link RequestException} of kind {@code NOT_OK}, which carries the
     * response, so that an error answer cannot be mistaken for a result.
     */
    public Builder anyStatus(boolean anyStatus) {
      this.anyStatus = anyStatus;
      return this;
    }

    public RequestOptions build() {
      return new RequestOptions(this);
    }
  }
}
