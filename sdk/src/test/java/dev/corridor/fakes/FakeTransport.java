package dev.corridor.fakes;

import dev.corridor.internal.transport.Transport;
import dev.corridor.internal.transport.TransportListener;
import dev.corridor.internal.transport.TransportRequest;
import dev.corridor.internal.transport.TransportSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link Transport}: every {@code open} creates a {@link FakeSocket} that the test (or
 * a {@link FakeServer}) drives by hand. Nothing happens until told to, so tests stay in virtual time.
 */
public final class FakeTransport implements Transport {
  public final List<FakeSocket> sockets = new ArrayList<>();
  /** Called for every new socket, e.g. to let a fake server accept it. */
  private SocketHandler onOpen = socket -> {};

  public interface SocketHandler {
    void opened(FakeSocket socket);
  }

  public void onOpen(SocketHandler handler) {
    this.onOpen = handler;
  }

  @Override
  public TransportSocket open(TransportRequest request, TransportListener listener) {
    FakeSocket socket = new FakeSocket(request, listener);
    sockets.add(socket);
    onOpen.opened(socket);
    return socket;
  }

  public FakeSocket last() {
    if (sockets.isEmpty()) throw new AssertionError("no socket was opened");
    return sockets.get(sockets.size() - 1);
  }

  public int openCount() {
    return sockets.size();
  }

  /** One socket: records what the client sent and lets the test play the server. */
  public static final class FakeSocket implements TransportSocket {
    public final TransportRequest request;
    public final TransportListener listener;
    public final List<byte[]> sent = new ArrayList<>();
    public int closeCode = -1;
    public String closeReason;
    public boolean cancelled;
    public long queuedBytes;
    /** Sees every message the client sends, as it is sent (a fake server's inbox). */
    public java.util.function.Consumer<byte[]> inbox = message -> {};

    FakeSocket(TransportRequest request, TransportListener listener) {
      this.request = request;
      this.listener = listener;
    }

    @Override
    public boolean send(byte[] message) {
      if (cancelled || closeCode >= 0) return false;
      sent.add(message);
      inbox.accept(message);
      return true;
    }

    @Override
    public long queuedBytes() {
      return queuedBytes;
    }

    @Override
    public void close(int code, String reason) {
      if (closeCode < 0) {
        closeCode = code;
        closeReason = reason;
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    public boolean isOpen() {
      return !cancelled && closeCode < 0;
    }

    // Server-side actions.

    public void acceptUpgrade(String subprotocol) {
      listener.onOpen(subprotocol, null);
    }

    public void receive(byte[] message) {
      listener.onMessage(message);
    }

    /** As {@link #receive}, telling the client whether more is already buffered behind it. */
    public void receive(byte[] message, boolean moreBuffered) {
      listener.onMessage(message, moreBuffered);
    }

    public void serverClose(int code, String reason) {
      listener.onClosing(code, reason);
    }

    public void failWithStatus(int status, String retryAfter) {
      listener.onFailure(new java.net.ProtocolException("Expected HTTP 101 but was " + status), status, retryAfter);
    }

    public void failWithIo(String message) {
      listener.onFailure(new java.io.IOException(message), -1, null);
    }
  }
}
