package dev.corridor;

import dev.corridor.internal.RequiresApi26;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * How the outbox treats one message: its coalescing key, its time to live, its priority under
 * pressure and its delivery guarantee. Immutable; {@link #DEFAULT} is acknowledged, normal
 * priority, no key, no TTL.
 *
 * <pre>{@code
 * SendOptions amend = SendOptions.builder()
 *     .key("order-42")                    // a newer amend of order 42 replaces an unsent older one
 *     .ttl(5, TimeUnit.SECONDS)           // never sent more than 5 s after send()
 *     .priority(SendOptions.Priority.HIGH)
 *     .build();
 * }</pre>
 */
public final class SendOptions {
  /** Which messages the outbox evicts first when it is full. */
  public enum Priority {
    LOW,
    NORMAL,
    HIGH
  }

  /** The guarantee a message gets. */
  public enum Delivery {
    /**
     * At least once to the server, exactly once with its deduplication: resent after every reconnect
     * until acknowledged. Completes {@link SendResult.Outcome#ACKNOWLEDGED}.
     */
    ACKNOWLEDGED,
    /**
     * At most once: written when connected (now or after a reconnect), never resent. Completes
     * {@link SendResult.Outcome#WRITTEN} once handed to the socket.
     */
    BEST_EFFORT
  }

  public static final SendOptions DEFAULT = builder().build();

  private final @Nullable String key;
  private final long ttlMillis;
  private final Priority priority;
  private final Delivery delivery;

  private SendOptions(Builder b) {
    this.key = b.key;
    this.ttlMillis = b.ttlMillis;
    this.priority = b.priority;
    this.delivery = b.delivery;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.key = key;
    b.ttlMillis = ttlMillis;
    b.priority = priority;
    b.delivery = delivery;
    return b;
  }

  public @Nullable String key() {
    return key;
  }

  /** Time to live in ms, or 0 for none. */
  public long ttlMillis() {
    return ttlMillis;
  }

  public Priority priority() {
    return priority;
  }

  public Delivery delivery() {
    return delivery;
  }

  @Override
  public String toString() {
    return "SendOptions{key=" + key + ", ttl=" + ttlMillis + "ms, " + priority + ", " + delivery + "}";
  }

  public static final class Builder {
    private @Nullable String key;
    private long ttlMillis;
    private Priority priority = Priority.NORMAL;
    private Delivery delivery = Delivery.ACKNOWLEDGED;

    private Builder() {}

    /**
     * Coalescing key. A newer message with the same key replaces this one while this one has not
     * been written yet; this one then completes {@link SendResult.Outcome#SUPERSEDED}. Keys are per
     * client, across topics. Default: none. At most 256 characters.
     */
    public Builder key(@Nullable String key) {
      if (key != null && (key.isEmpty() || key.length() > 256)) {
        throw new IllegalArgumentException("key must be 1-256 characters");
      }
      this.key = key;
      return this;
    }

    /**
     * Time to live from {@code send()}. A message past it is never written (again); it completes
     * {@link SendResult.Outcome#EXPIRED}. Default: none (0). Must not be negative. A TTL of about
     * 146 years (2^62 ns) or more, {@code Long.MAX_VALUE} of any unit included, means no deadline:
     * the message never expires and carries no {@code deadline_ms}.
     */
    public Builder ttl(long ttl, TimeUnit unit) {
      if (ttl < 0) throw new IllegalArgumentException("ttl must not be negative: " + ttl);
      this.ttlMillis = unit.toMillis(ttl);
      if (ttl > 0 && ttlMillis == 0) this.ttlMillis = 1;
      return this;
    }

    /** Convenience for {@link #ttl(long, TimeUnit)}; needs Android API 26. */
    @RequiresApi26
    public Builder ttl(java.time.Duration ttl) {
      return ttl(ttl.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Eviction priority when the outbox is full. Default {@link Priority#NORMAL}. */
    public Builder priority(Priority priority) {
      if (priority == null) throw new NullPointerException("priority == null");
      this.priority = priority;
      return this;
    }

    /** Delivery guarantee. Default {@link Delivery#ACKNOWLEDGED}. */
    public Builder delivery(Delivery delivery) {
      if (delivery == null) throw new NullPointerException("delivery == null");
      this.delivery = delivery;
      return this;
    }

    public SendOptions build() {
      return new SendOptions(this);
    }
  }
}
