package dev.corridor.sample.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The reference feed server on Jetty 12's core WebSocket (no servlet layer): checks the upgrade
 * (subprotocol {@code corridor.v1}, bearer token, Origin allow-list) and hands each socket to the
 * {@link ProtocolEngine}. It can be stopped and started again on the same port, which is how the
 * chaos controller restarts it.
 */
public final class FeedServer implements AutoCloseable {
  public static final String PATH = "/v1";
  public static final String SUBPROTOCOL = "corridor.v1";

  private final ServerConfig config;
  private final ProtocolEngine engine;
  private Server server;
  private int port;

  public FeedServer(ServerConfig config, ProtocolEngine engine) {
    this.config = config;
    this.engine = engine;
    this.port = config.port();
  }

  /** Starts listening; on restart, on the port it had before. */
  public synchronized void start() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("feed-server");
    threads.setDaemon(true);
    Server s = new Server(threads);
    ServerConnector connector = new ServerConnector(s);
    connector.setHost(config.host());
    connector.setPort(port);
    connector.setReuseAddress(true);
    // Jetty's default (0) leaves the JDK's backlog of 50: a herd of reconnecting clients overflows
    // it, and each dropped SYN is retried a second later (seen in the real-socket herd benchmark).
    connector.setAcceptQueueSize(1024);
    s.addConnector(connector);
    s.setHandler(WebSocketUpgradeHandler.from(s, container -> {
      container.setMaxBinaryMessageSize(config.maxMessageBytes());
      container.setMaxTextMessageSize(config.maxMessageBytes());
      container.setIdleTimeout(Duration.ofMinutes(5));
      container.addMapping(PATH, this::upgrade);
    }));
    s.setStopTimeout(0);
    s.start();
    port = connector.getLocalPort();
    server = s;
  }

  /** Drops every connection and stops listening. */
  public synchronized void stop() throws Exception {
    if (server != null) {
      for (ProtocolEngine.Connection c : engine.connections()) c.disconnect();
      server.stop();
      server = null;
    }
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "ws://" + config.host() + ":" + port + PATH;
  }

  public ProtocolEngine engine() {
    return engine;
  }

  /** {@link #stop()}, with failures unchecked: a close() should not throw InterruptedException. */
  @Override
  public void close() {
    try {
      stop();
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw new IllegalStateException("the feed server did not stop", e);
    }
  }

  private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response,
      org.eclipse.jetty.util.Callback callback) {
    if (!request.hasSubProtocol(SUBPROTOCOL)) {
      Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
          "Sec-WebSocket-Protocol must offer " + SUBPROTOCOL);
      return null;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && !config.allowedOrigins().isEmpty() && !config.allowedOrigins().contains(origin)) {
      Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "origin not allowed");
      return null;
    }
    if (config.token() != null) {
      String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      if (auth == null || !auth.equals("Bearer " + config.token())) {
        Response.writeError(request, response, callback, HttpStatus.UNAUTHORIZED_401, "bad or missing token");
        return null;
      }
    }
    response.setAcceptedSubProtocol(SUBPROTOCOL);
    return new FeedEndpoint(engine, config.maxOutgoingMessages());
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(config.host(), port);
  }
}
