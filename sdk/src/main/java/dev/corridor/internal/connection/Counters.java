package dev.corridor.internal.connection;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Traffic, delivery and attempt counters. Written only in the client's serial context (single writer, so
 * plain increments of volatile fields are safe); read from any thread.
 */
public final class Counters {
  private static final AtomicLongFieldUpdater<Counters> MESSAGES_IN =
      AtomicLongFieldUpdater.newUpdater(Counters.class, "messagesIn");
  private static final AtomicLongFieldUpdater<Counters> BYTES_IN =
      AtomicLongFieldUpdater.newUpdater(Counters.class, "bytesIn");
  private static final AtomicLongFieldUpdater<Counters> MESSAGES_OUT =
      AtomicLongFieldUpdater.newUpdater(Counters.class, "messagesOut");
  private static final AtomicLongFieldUpdater<Counters> BYTES_OUT =
      AtomicLongFieldUpdater.newUpdater(Counters.class, "bytesOut");

  public volatile long attempts;
  public volatile long connections;
  public volatile long messagesIn;
  public volatile long messagesOut;
  public volatile long bytesIn;
  public volatile long bytesOut;
  public volatile long protocolErrors;
  public volatile long duplicatesDropped;
  public volatile long gapsDetected;
  public volatile long messagesReplayed;
  public volatile long discontinuities;
  /** Messages ended per {@link dev.corridor.SendResult.Outcome}, by ordinal. */
  public final java.util.concurrent.atomic.AtomicLongArray sendOutcomes =
      new java.util.concurrent.atomic.AtomicLongArray(dev.corridor.SendResult.Outcome.values().length);
  public volatile int outboxMessages;
  public volatile long outboxBytes;

  /**
   * Counts one inbound message. Once per message, so it uses ordered stores rather than full
   * volatile writes: the single writer needs no fence, and readers on other threads still see
   * every value in order, a moment later at most.
   */
  public void inbound(int bytes) {
    MESSAGES_IN.lazySet(this, messagesIn + 1);
    BYTES_IN.lazySet(this, bytesIn + bytes);
  }

  /** Counts one message handed to the socket; as {@link #inbound}. */
  public void outbound(int bytes) {
    MESSAGES_OUT.lazySet(this, messagesOut + 1);
    BYTES_OUT.lazySet(this, bytesOut + bytes);
  }
}
