package dev.corridor.internal.connection;

import dev.corridor.CorridorException;
import dev.corridor.CorridorException.Kind;
import dev.corridor.internal.transport.TransportListener;
import org.jspecify.annotations.Nullable;

/**
 * Routes one socket's callbacks from the transport's threads into the client's serial context,
 * tagged with the attempt's generation so that {@link ConnectionMachine#ifCurrent} drops those of
 * an abandoned socket.
 */
final class SocketListener implements TransportListener {
  private final long gen;
  private final ConnectionMachine machine;
  private final ReadGate readGate;

  SocketListener(long gen, ConnectionMachine machine, ReadGate readGate) {
    this.gen = gen;
    this.machine = machine;
    this.readGate = readGate;
  }

  @Override
  public void onOpen(@Nullable String subprotocol, @Nullable String extensions) {
    machine.ifCurrent(gen, () -> machine.onOpen(subprotocol, extensions));
  }

  @Override
  public void onMessage(byte[] message) {
    // Backpressure: on the transport's reader thread, outside the serial context.
    readGate.awaitReadable(gen);
    machine.onMessageIfCurrent(gen, message);
  }

  @Override
  public void onTextMessage(int length) {
    machine.ifCurrent(gen, () -> machine.protocolError(new CorridorException(Kind.PROTOCOL,
        "text message of " + length + " chars; protocol v1 uses binary messages only")));
  }

  @Override
  public void onClosing(int code, String reason) {
    machine.ifCurrent(gen, () -> machine.onServerClosing(code, reason));
  }

  @Override
  public void onClosed(int code, String reason) {
    machine.ifCurrent(gen, () -> machine.onServerClosing(code, reason));
  }

  @Override
  public void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter) {
    machine.ifCurrent(gen, () -> machine.onFailure(error, httpStatus, retryAfter));
  }
}
