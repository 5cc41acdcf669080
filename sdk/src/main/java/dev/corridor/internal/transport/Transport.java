package dev.corridor.internal.transport;

/** Opens WebSockets. Implementations: {@link OkHttpTransport}, and in-memory ones in tests. */
public interface Transport {
  /**
   * Starts opening a socket and returns at once. Exactly one of {@link TransportListener#onOpen}
   * or {@link TransportListener#onFailure} follows, then, after an open, messages and exactly one
   * of {@link TransportListener#onClosed} or {@link TransportListener#onFailure}.
   */
  TransportSocket open(TransportRequest request, TransportListener listener);
}
