package dev.corridor.server.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One WebSocket, bridged to a {@link ProtocolEngine.Connection}. Public because Jetty invokes its
 * listener methods reflectively. Counts outgoing messages not yet written so that a client that
 * reads too slowly is found out instead of growing the server's memory.
 */
public final class JettyEndpoint implements Session.Listener.AutoDemanding {
  private final ProtocolEngine engine;
  private final int maxOutgoing;
  private final AtomicInteger outstanding = new AtomicInteger();
  private final TopicGrants grants;
  private final String subject;
  /** Shared by every endpoint of the server: the {@code corridor.server.queued} gauge. */
  private final AtomicLong queued;
  private final ServerMetrics metrics;
  private volatile ProtocolEngine.Connection connection;

  public JettyEndpoint(ProtocolEngine engine, int maxOutgoing, TopicGrants grants, String subject,
      AtomicLong queued, ServerMetrics metrics) {
    this.engine = engine;
    this.subject = subject;
    this.maxOutgoing = maxOutgoing;
    this.grants = grants;
    this.queued = queued;
    this.metrics = metrics;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    connection = engine.open(new ProtocolEngine.Peer() {
      @Override
      public boolean send(byte[] frame) {
        if (outstanding.incrementAndGet() > maxOutgoing) {
          outstanding.decrementAndGet();
          return false;
        }
        queued.incrementAndGet();
        Runnable written = () -> {
          outstanding.decrementAndGet();
          queued.decrementAndGet();
        };
        session.sendBinary(ByteBuffer.wrap(frame), Callback.from(written, failure -> written.run()));
        return true;
      }

      @Override
      public void close(int code, String reason) {
        session.close(code, reason, Callback.NOOP);
      }

      @Override
      public void disconnect() {
        session.disconnect();
      }
    }, grants, subject);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    callback.succeed();
    ProtocolEngine.Connection c = connection;
    if (c != null) c.onMessage(bytes);
  }

  @Override
  public void onWebSocketText(String message) {
    ProtocolEngine.Connection c = connection;
    if (c != null) c.onText();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    ProtocolEngine.Connection c = connection;
    if (c != null) c.onClose();
    callback.succeed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    if (cause instanceof org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException) {
      metrics.drop(ServerMetrics.Drop.TOO_LARGE);
    }
    ProtocolEngine.Connection c = connection;
    if (c != null) c.onClose();
  }
}
