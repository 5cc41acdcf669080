package dev.corridor.internal.connection;

/** The current socket, as the session layer may use it. Valid until the session is told it is gone. */
public interface Link {
  /** Writes one message. False when the socket no longer accepts messages. */
  boolean send(byte[] message);

  /** Bytes handed to the socket and not yet written. */
  long queuedBytes();
}
