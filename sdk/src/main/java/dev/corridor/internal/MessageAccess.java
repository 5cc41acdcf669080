package dev.corridor.internal;

import com.google.protobuf.ByteString;
import dev.corridor.Message;
import org.jspecify.annotations.Nullable;

/**
 * Lets the session layer build a {@link Message} around the received payload without copying it
 * and without a public constructor that would put a protobuf type into the API. {@link Message}
 * installs its private constructor here when its class is initialized.
 */
public final class MessageAccess {
  /** Message's private constructor. */
  public interface Factory {
    Message create(String topic, long epoch, long sequence, String key, ByteString payload,
        long timestampMillis, boolean replay);
  }

  /** Set once, by Message's static initializer. */
  private static volatile @Nullable Factory factory;

  private MessageAccess() {}

  public static void install(Factory f) {
    factory = f;
  }

  /** A message whose payload is {@code payload} itself (ByteStrings are immutable). */
  public static Message create(String topic, long epoch, long sequence, String key, ByteString payload,
      long timestampMillis, boolean replay) {
    Factory f = factory;
    if (f == null) {
      initialize(Message.class);
      f = factory;
      if (f == null) throw new IllegalStateException("Message did not install its factory");
    }
    return f.create(topic, epoch, sequence, key, payload, timestampMillis, replay);
  }

  private static void initialize(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
