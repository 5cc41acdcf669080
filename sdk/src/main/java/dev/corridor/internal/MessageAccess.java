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
 * constructor here when its class is initialized.
 *
 * <p>A message keeps one {@code Object}: its {@link Deliver}, or, once the payload has been
 * copied into an array of the receiver's own, a {@link WithArray} holding both.
 */
public final class MessageAccess {
  /** Message's private constructor. */
  public interface Factory {
    Message create(Object state);
  }

  /** A delivery together with the array {@link Message#payload()} returns. */
  private static final class WithArray {
    final Deliver delivery;
    final byte[] array;

    WithArray(Deliver delivery, byte[] array) {
      this.delivery = delivery;
      this.array = array;
    }
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

  /**
   * The state of a message an application builds itself: {@code payload} is not copied, and is the
   * array {@link Message#payload()} returns.
   */
  public static Object built(String topic, long epoch, long sequence, String key, byte[] payload,
      long timestampMillis, boolean replay) {
    return new WithArray(Deliver.newBuilder()
        .setTopic(topic)
        .setEpoch(epoch)
        .setSequence(sequence)
        .setKey(key)
        .setPayload(UnsafeByteOperations.unsafeWrap(payload))
        .setTimestampMs(timestampMillis)
        .setReplay(replay)
        .build(), payload);
  }

  /** {@code state} with {@code array} as the message's payload array. */
  public static Object withArray(Object state, byte[] array) {
    return new WithArray(deliverOf(state), array);
  }

  /** The payload array a message has handed out, or null if it has not made one yet. */
  public static byte @Nullable [] array(Object state) {
    return state instanceof WithArray ? ((WithArray) state).array : null;
  }

  private static Deliver deliverOf(Object state) {
    return state instanceof Deliver ? (Deliver) state : ((WithArray) state).delivery;
  }

  public static String topic(Object state) {
    return deliverOf(state).getTopic();
  }

  public static long epoch(Object state) {
    return deliverOf(state).getEpoch();
  }

  public static long sequence(Object state) {
    return deliverOf(state).getSequence();
  }

  public static String key(Object state) {
    return deliverOf(state).getKey();
  }

  /** The payload as received; immutable. */
  public static ByteString payload(Object state) {
    return deliverOf(state).getPayload();
  }

  public static long timestampMillis(Object state) {
    return deliverOf(state).getTimestampMs();
  }

  public static boolean replay(Object state) {
    return deliverOf(state).getReplay();
  }

  private static void initialize(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
