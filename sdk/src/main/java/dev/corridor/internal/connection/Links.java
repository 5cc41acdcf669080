package dev.corridor.internal.connection;

import org.jspecify.annotations.Nullable;

/**
 * The one place that says whether anything may be written, and where: the current state's
 * policies in {@link Transitions} ({@link Transitions#sendsMessages}, {@link Transitions#holdsSocket})
 * applied to the current socket. The session's parts ask here on every write instead of keeping
 * links and terminated flags of their own. Implemented by {@link ConnectionMachine}; the links are
 * read in the client's serial context, {@link #isTerminated} from any thread.
 */
public interface Links {
  /** The link application messages (publishes, subscriptions, requests, acks) go to now, or null. */
  @Nullable Link forMessages();

  /** The link for the handshake and the heartbeat (Hello, Ping, Pong), or null. */
  @Nullable Link forControl();

  /** True once the client is closed or failed: nothing will be written again. */
  boolean isTerminated();
}
