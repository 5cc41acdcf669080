package dev.corridor.internal;

import dev.corridor.Message;
import dev.corridor.proto.v1.Deliver;
import org.jspecify.annotations.Nullable;

/**
 * Builds received {@link Message}s without a public constructor for them: {@link Message}
 * installs its private constructor here when its class is initialized. A received message keeps
 * its payload where it arrived (the frame's array and the payload's place in it).
 */
public final class MessageAccess {
  /** Message's private constructor. */
  public interface Factory {
    Message create(String topic, String key, long epoch, long sequence, long timestampMillis,
        boolean replay, byte[] source, int offset, int length);
  }

  /** Set once, by Message's static initializer. */
  private static volatile @Nullable Factory factory;

  private MessageAccess() {}

  public static void install(Factory f) {
    factory = f;
  }

  /** A received message whose payload is {@code length} bytes of {@code source} at {@code offset}. */
  public static Message received(String topic, String key, long epoch, long sequence,
      long timestampMillis, boolean replay, byte[] source, int offset, int length) {
    return factory().create(topic, key, epoch, sequence, timestampMillis, replay, source, offset, length);
  }

  /** A received message from a delivery the generated parser made (its payload is copied once). */
  public static Message create(Deliver d) {
    byte[] payload = d.getPayload().toByteArray();
    return received(d.getTopic(), d.getKey(), d.getEpoch(), d.getSequence(), d.getTimestampMs(),
        d.getReplay(), payload, 0, payload.length);
  }

  private static Factory factory() {
    Factory f = factory;
    if (f == null) {
      ValueAccess.initialize(Message.class);
      f = factory;
      if (f == null) throw ValueAccess.notInstalled(Message.class);
    }
    return f;
  }
}
