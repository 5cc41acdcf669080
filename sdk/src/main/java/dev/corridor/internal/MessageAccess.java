package dev.corridor.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.corridor.Message;
import dev.corridor.proto.v1.Deliver;
import org.jspecify.annotations.Nullable;

/**
 * The bridge between {@link Message} and the received {@link Deliver} it wraps: the session layer
 * builds a message around the delivery without copying it, and the message reads its fields here,
 * so that no protocol type appears in the public package. {@link Message} installs its private
 * constructor here when its class is initialized. A message's delivery is typed {@code Object}
 * there and is always a {@link Deliver}.
 */
public final class MessageAccess {
  /** Message's private constructor. */
  public interface Factory {
    Message create(Object delivery);
  }

  /** Set once, by Message's static initializer. */
  private static volatile @Nullable Factory factory;

  private MessageAccess() {}

  public static void install(Factory f) {
    factory = f;
  }

  /** A message around the received delivery itself: nothing is copied (parsed messages are immutable). */
  public static Message create(Deliver delivery) {
    Factory f = factory;
    if (f == null) {
      initialize(Message.class);
      f = factory;
      if (f == null) throw new IllegalStateException("Message did not install its factory");
    }
    return f.create(delivery);
  }

  /** The delivery behind a message an application builds itself; {@code payload} is not copied. */
  public static Object delivery(String topic, long epoch, long sequence, String key, byte[] payload,
      long timestampMillis, boolean replay) {
    return Deliver.newBuilder()
        .setTopic(topic)
        .setEpoch(epoch)
        .setSequence(sequence)
        .setKey(key)
        .setPayload(UnsafeByteOperations.unsafeWrap(payload))
        .setTimestampMs(timestampMillis)
        .setReplay(replay)
        .build();
  }

  public static String topic(Object delivery) {
    return ((Deliver) delivery).getTopic();
  }

  public static long epoch(Object delivery) {
    return ((Deliver) delivery).getEpoch();
  }

  public static long sequence(Object delivery) {
    return ((Deliver) delivery).getSequence();
  }

  public static String key(Object delivery) {
    return ((Deliver) delivery).getKey();
  }

  /** The payload as received; immutable. */
  public static ByteString payload(Object delivery) {
    return ((Deliver) delivery).getPayload();
  }

  public static long timestampMillis(Object delivery) {
    return ((Deliver) delivery).getTimestampMs();
  }

  public static boolean replay(Object delivery) {
    return ((Deliver) delivery).getReplay();
  }

  private static void initialize(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
