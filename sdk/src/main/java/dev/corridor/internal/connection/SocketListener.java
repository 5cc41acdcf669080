package dev.corridor.internal.connection;

import dev.corridor.CorridorException;
import dev.corridor.CorridorException.Kind;
import dev.corridor.internal.transport.TransportListener;
import org.jspecify.annotations.Nullable;

/**
 * Routes one socket's callbacks from its reader thread into the client's serial context, tagged
 * with the attempt's generation so that those of an abandoned socket are dropped. The reader is
 * Corridor's own thread, so it enters the context itself when the context is idle
 * ({@link dev.corridor.internal.time.SerialContext#executeOnReader}): no thread hop per callback.
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
    machine.ifCurrentOnReader(gen, () -> machine.onOpen(subprotocol, extensions));
  }

  @Override
  public void onMessage(byte[] message, boolean moreBuffered) {
    // Backpressure: on the transport's reader thread, outside the serial context.
    readGate.awaitReadable(gen);
    machine.onMessageIfCurrent(gen, message, moreBuffered);
  }

  @Override
  public void onControlFrame() {
    machine.ifCurrentOnReader(gen, machine::controlFrameReceived);
  }

  @Override
  public void onEndOfBurst() {
    machine.ifCurrentOnReader(gen, machine::endOfBurst);
  }

  @Override
  public void onTextMessage(int length) {
    machine.ifCurrentOnReader(gen, () -> machine.protocolError(new CorridorException(Kind.PROTOCOL,
        "text message of " + length + " chars; protocol v1 uses binary messages only")));
  }

  @Override
  public void onClosing(int code, String reason) {
    machine.ifCurrentOnReader(gen, () -> machine.onServerClosing(code, reason));
  }

  @Override
  public void onClosed(int code, String reason) {
    machine.ifCurrentOnReader(gen, () -> machine.onServerClosing(code, reason));
  }

  @Override
  public void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter) {
    machine.ifCurrentOnReader(gen, () -> machine.onFailure(error, httpStatus, retryAfter));
  }
}
