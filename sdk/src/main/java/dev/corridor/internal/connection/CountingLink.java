package dev.corridor.internal.connection;

import dev.corridor.EventListener;
import dev.corridor.internal.transport.TransportSocket;

/** The session's view of one open socket, counting what is written. */
final class CountingLink implements Link {
  private final TransportSocket socket;
  private final Counters counters;
  private final EventListener events;

  CountingLink(TransportSocket socket, Counters counters, EventListener events) {
    this.socket = socket;
    this.counters = counters;
    this.events = events;
  }

  @Override
  public boolean send(byte[] message) {
    boolean sent = socket.send(message);
    if (sent) {
      counters.outbound(message.length);
      events.messageSent(message.length);
    }
    return sent;
  }

  @Override
  public long queuedBytes() {
    return socket.queuedBytes();
  }
}
