package dev.corridor.server.internal;

import com.google.protobuf.ByteString;
import dev.corridor.proto.v1.Deliver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One topic's stream: its epoch, its next sequence and a replay history bounded by size and age.
 * Guarded by the in-memory backplane's lock.
 */
final class TopicLog {
  final String topic;
  private long epoch;
  private long nextSequence = 1;
  private final ArrayDeque<Deliver> history = new ArrayDeque<>();

  TopicLog(String topic, long epoch) {
    this.topic = topic;
    this.epoch = epoch;
  }

  long epoch() {
    return epoch;
  }

  long nextSequence() {
    return nextSequence;
  }

  /** Sequence of the oldest message still held (nextSequence when the history is empty). */
  long oldestSequence() {
    return history.isEmpty() ? nextSequence : history.peekFirst().getSequence();
  }

  Deliver append(String key, ByteString payload, long nowMillis, int maxSize, long maxAgeMillis) {
    Deliver d = Deliver.newBuilder().setTopic(topic).setEpoch(epoch).setSequence(nextSequence++)
        .setKey(key).setPayload(payload).setTimestampMs(nowMillis).build();
    history.addLast(d);
    trim(maxSize, nowMillis - maxAgeMillis);
    return d;
  }

  /** Drops history beyond {@code maxSize} messages or older than {@code oldestMillis}. */
  void trim(int maxSize, long oldestMillis) {
    while (history.size() > maxSize) history.pollFirst();
    while (!history.isEmpty() && history.peekFirst().getTimestampMs() < oldestMillis) history.pollFirst();
  }

  /** Whether every message after {@code sequence} of {@code epoch} can still be replayed. */
  boolean canReplayAfter(long epoch, long sequence) {
    return epoch == this.epoch && sequence + 1 >= oldestSequence() && sequence < nextSequence;
  }

  /** Messages after {@code sequence}, flagged as replays if {@code replay}. */
  List<Deliver> after(long sequence, boolean replay) {
    List<Deliver> out = new ArrayList<>();
    for (Deliver d : history) {
      if (d.getSequence() > sequence) out.add(replay ? d.toBuilder().setReplay(true).build() : d);
    }
    return out;
  }

  /** Starts a new epoch: the history is gone, sequences restart at 1. */
  void newEpoch(long epoch) {
    this.epoch = epoch;
    this.nextSequence = 1;
    history.clear();
  }
}
