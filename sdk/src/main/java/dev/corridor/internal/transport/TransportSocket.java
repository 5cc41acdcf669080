package dev.corridor.internal.transport;

/** One WebSocket. Thread-safe: may be called from any thread. */
public interface TransportSocket {
  /** Queues a binary message. False if the socket is closing, closed or its queue is full. */
  boolean send(byte[] message);

  /** Bytes queued but not yet written to the network. */
  long queuedBytes();

  /** Starts a clean close; the peer's answer arrives as {@link TransportListener#onClosed}. */
  void close(int code, String reason);

  /** Drops the connection at once. No further callbacks for it are needed or expected. */
  void cancel();
}
