package dev.corridor.internal;

import dev.corridor.Message;
import dev.corridor.proto.v1.Deliver;
import org.jspecify.annotations.Nullable;

/**
 * Lets the session layer build a {@link Message} around the received delivery without copying it
 * and without a public constructor that would put a protobuf type into the API. {@link Message}
 * installs its private constructor here when its class is initialized.
 */
public final class MessageAccess {
  /** Message's private constructor. */
  public interface Factory {
    Message create(Deliver delivery);
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

  private static void initialize(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }
}
