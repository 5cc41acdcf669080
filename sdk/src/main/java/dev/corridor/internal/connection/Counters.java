package dev.corridor.internal.connection;

/**
 * Traffic and attempt counters. Written only in the client's serial context (single writer, so
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
}
