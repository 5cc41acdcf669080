package dev.corridor;

import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** How a subscription delivers. Immutable; {@link #DEFAULT} is reliable with a 1,024-message queue. */
public final class SubscribeOptions {
  /** Delivery mode. */
  public enum Mode {
    /**
     * Every message, in order, exactly once to the application within the server's retention: the
     * client drops duplicates, asks for replay of gaps, resumes after reconnects and reports a
     * {@link Discontinuity} when the server cannot replay. A full queue slows socket reads.
     */
    RELIABLE,
    /**
     * Conflated: only the newest message per key reaches a slow listener, as market-data screens
     * want. Not replayed after a reconnect; gaps are expected.
     */
    LATEST
  }

  public static final SubscribeOptions DEFAULT = builder().build();
  public static final SubscribeOptions LATEST = builder().mode(Mode.LATEST).build();

  private final Mode mode;
  private final int maxRate;
  private final int queueCapacity;
  private final @Nullable Executor executor;
  private final long resumeEpoch;
  private final long resumeSequence;

  private SubscribeOptions(Builder b) {
    this.resumeEpoch = b.resumeEpoch;
    this.resumeSequence = b.resumeSequence;
    this.mode = b.mode;
    this.maxRate = b.maxRate;
    this.queueCapacity = b.queueCapacity;
    this.executor = b.executor;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.mode = mode;
    b.maxRate = maxRate;
    b.queueCapacity = queueCapacity;
    b.executor = executor;
    b.resumeEpoch = resumeEpoch;
    b.resumeSequence = resumeSequence;
    return b;
  }

  public Mode mode() {
    return mode;
  }

  /** Most messages per second the server is asked to send (0 = no limit). A hint. */
  public int maxRate() {
    return maxRate;
  }

  /** Messages queued for a RELIABLE listener before socket reads wait. */
  public int queueCapacity() {
    return queueCapacity;
  }

  public @Nullable Executor executor() {
    return executor;
  }

  /** Epoch to resume after (0 = start at the live edge). */
  public long resumeEpoch() {
    return resumeEpoch;
  }

  /** Sequence to resume after, within {@link #resumeEpoch()}. */
  public long resumeSequence() {
    return resumeSequence;
  }

  public static final class Builder {
    private Mode mode = Mode.RELIABLE;
    private int maxRate;
    private int queueCapacity = 1024;
    private @Nullable Executor executor;
    private long resumeEpoch;
    private long resumeSequence;

    private Builder() {}

    /**
     * RELIABLE only: continue after a position the application saved (e.g. from
     * {@link Subscription#epoch()} and {@link Subscription#lastSequence()} before the process
     * ended). The server replays what follows it, or reports a {@link Discontinuity}. Default: start
     * at the live edge.
     */
    public Builder resumeFrom(long epoch, long sequence) {
      if (epoch < 1 || sequence < 0) {
        throw new IllegalArgumentException("resumeFrom needs epoch >= 1 and sequence >= 0");
      }
      this.resumeEpoch = epoch;
      this.resumeSequence = sequence;
      return this;
    }

    /** Default {@link Mode#RELIABLE}. */
    public Builder mode(Mode mode) {
      if (mode == null) throw new NullPointerException("mode == null");
      this.mode = mode;
      return this;
    }

    /** A hint to the server: at most this many messages per second (0 = no limit, the default). */
    public Builder maxRate(int perSecond) {
      if (perSecond < 0) throw new IllegalArgumentException("maxRate must be >= 0: " + perSecond);
      this.maxRate = perSecond;
      return this;
    }

    /** RELIABLE only: messages queued for the listener before socket reads wait. Default 1024. */
    public Builder queueCapacity(int messages) {
      if (messages < 1) throw new IllegalArgumentException("queueCapacity must be >= 1: " + messages);
      this.queueCapacity = messages;
      return this;
    }

    /** Where the listener runs; it should run tasks in order. Default: the client's callback executor. */
    public Builder executor(Executor executor) {
      if (executor == null) throw new NullPointerException("executor == null");
      this.executor = executor;
      return this;
    }

    public SubscribeOptions build() {
      return new SubscribeOptions(this);
    }
  }
}
