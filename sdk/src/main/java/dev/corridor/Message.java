package dev.corridor;

/** One delivery on a subscribed topic. Immutable; the payload array is the receiver's to keep. */
public final class Message {
  private final String topic;
  private final long epoch;
  private final long sequence;
  private final String key;
  private final byte[] payload;
  private final long timestampMillis;
  private final boolean replay;

  public Message(String topic, long epoch, long sequence, String key, byte[] payload,
      long timestampMillis, boolean replay) {
    this.topic = topic;
    this.epoch = epoch;
    this.sequence = sequence;
    this.key = key;
    this.payload = payload;
    this.timestampMillis = timestampMillis;
    this.replay = replay;
  }

  public String topic() {
    return topic;
  }

  /** The stream epoch this sequence belongs to. */
  public long epoch() {
    return epoch;
  }

  /** Per-topic sequence within {@link #epoch()}, from 1. */
  public long sequence() {
    return sequence;
  }

  /** The message's key (empty if none); LATEST subscriptions conflate per key. */
  public String key() {
    return key;
  }

  public byte[] payload() {
    return payload;
  }

  /** When the server produced it, ms since the Unix epoch. */
  public long timestampMillis() {
    return timestampMillis;
  }

  /** True when it was replayed from the server's history after a reconnect or a gap. */
  public boolean isReplay() {
    return replay;
  }

  @Override
  public String toString() {
    return "Message{" + topic + " " + epoch + ":" + sequence + (key.isEmpty() ? "" : " key=" + key)
        + ", " + payload.length + " bytes" + (replay ? ", replay" : "") + "}";
  }
}
