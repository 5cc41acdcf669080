package dev.corridor.internal.connection;

/**
 * Traffic, delivery and attempt counters. Written only in the client's serial context (single writer, so
 * plain increments of volatile fields are safe); read from any thread.
 */
public final class Counters {
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
}
