package dev.corridor.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.internal.ws.RealWebSocket;
import okio.ByteString;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.jspecify.annotations.Nullable;

/**
 * The two WebSocket servers, neither of them ours, that {@link TransportConformanceTest} runs every
 * test against: Jetty 12's core WebSocket server and OkHttp's MockWebServer. Both sit behind one
 * small interface; each upgrade a test expects is prepared first ({@link Server#expectUpgrade}),
 * then the client connects.
 */
final class ConformanceServers {
  private ConformanceServers() {}

  static final long TIMEOUT_SECONDS = 5;
  static final String SUBPROTOCOL = "corridor.v1";
  static final String PATH = "/corridor/v1";
  /** Jetty's limits are raised above anything the tests send (its defaults are 64 KiB). */
  static final int SERVER_MAX_MESSAGE = 8 << 20;

  enum Kind {
    JETTY,
    MOCKWEBSERVER;

    Server start() throws Exception {
      return this == JETTY ? new JettyServer() : new MockServer();
    }
  }

  /** A close frame as the server saw it. */
  record Close(int code, String reason) {}

  interface Server extends AutoCloseable {
    String url();

    /** Prepares the server side of the next upgrade: selects {@code corridor.v1}, maybe deflate. */
    Peer expectUpgrade(boolean deflate);

    /** Answers the next upgrade with {@code status} and a {@code Retry-After} header. */
    void refuseNext(int status, String retryAfter);

    /** Stops the server; unchecked, so it throws no InterruptedException (AutoCloseable's advice). */
    @Override
    void close();
  }

  /** The server side of one WebSocket. */
  interface Peer {
    /** The upgrade request's header {@code name}, once the upgrade happened. */
    @Nullable String requestHeader(String name) throws InterruptedException;

    void sendBinary(byte[] message) throws Exception;

    /** Sends every message, in order, without waiting for one to be written before the next. */
    void sendAll(List<byte[]> messages) throws Exception;

    /** Sends {@code parts} as one message in as many frames; false if the server cannot. */
    boolean sendFragmented(byte[]... parts) throws Exception;

    /** Sends a ping; a server that cannot choose a payload sends an empty one. */
    void sendPing(byte[] payload) throws Exception;

    /** Whether {@link #sendPing} carries the payload it is given. */
    boolean pingCarriesPayload();

    /** Pongs received so far (their payloads, where the server library reports them). */
    int pongsReceived();

    /** Waits for a pong and returns its payload (only where the library reports pongs). */
    byte @Nullable [] takePong() throws InterruptedException;

    void close(int code, String reason) throws Exception;

    byte[] takeBinary() throws InterruptedException;

    /** The close frame the client sent (or echoed). */
    Close takeClose() throws InterruptedException;

    /** Waits until the socket is over on the server side. */
    void awaitEnded() throws InterruptedException;
  }

  private static <T> T take(BlockingQueue<T> queue, String what) throws InterruptedException {
    T t = queue.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(t).as("%s within %s s", what, TIMEOUT_SECONDS).isNotNull();
    return t;
  }

  private static <T> T await(CompletableFuture<T> future, String what) throws InterruptedException {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError(what + " within " + TIMEOUT_SECONDS + " s", e);
    }
  }

  // ---- Jetty 12 ----

  private static final class JettyServer implements Server {
    private final org.eclipse.jetty.server.Server server;
    private final ServerConnector connector;
    /** What the next upgrades get: a JettyPeer, or a refusal. */
    private final LinkedBlockingDeque<Object> next = new LinkedBlockingDeque<>();

    JettyServer() throws Exception {
      QueuedThreadPool threads = new QueuedThreadPool();
      threads.setName("jetty-conformance");
      threads.setDaemon(true);
      server = new org.eclipse.jetty.server.Server(threads);
      connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
        container.setMaxBinaryMessageSize(SERVER_MAX_MESSAGE);
        container.setMaxFrameSize(SERVER_MAX_MESSAGE);
        container.setIdleTimeout(Duration.ofMinutes(1));
        container.addMapping(PATH, (request, response, callback) -> {
          Object answer = next.poll();
          if (answer instanceof int[] refusal) {
            response.getHeaders().put("Retry-After", Integer.toString(refusal[1]));
            org.eclipse.jetty.server.Response.writeError(request, response, callback, refusal[0], "refused by test");
            return null;
          }
          if (!(answer instanceof JettyPeer peer)) {
            org.eclipse.jetty.server.Response.writeError(request, response, callback, 500, "upgrade not expected");
            return null;
          }
          peer.upgraded(request);
          response.setAcceptedSubProtocol(SUBPROTOCOL);
          if (!peer.deflate) {
            response.setExtensions(List.of()); // Jetty would accept an offered permessage-deflate
          }
          return peer;
        });
      }));
      server.setStopTimeout(0);
      server.start();
    }

    @Override
    public String url() {
      return "ws://127.0.0.1:" + connector.getLocalPort() + PATH;
    }

    @Override
    public Peer expectUpgrade(boolean deflate) {
      JettyPeer peer = new JettyPeer(deflate);
      next.add(peer);
      return peer;
    }

    @Override
    public void refuseNext(int status, String retryAfter) {
      next.add(new int[] {status, Integer.parseInt(retryAfter)});
    }

    @Override
    public void close() {
      try {
        server.stop();
      } catch (Exception e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        throw new AssertionError("Jetty did not stop", e);
      }
    }

    @Override
    public String toString() {
      return "Jetty";
    }
  }

  /** Jetty's listener for one socket; public because Jetty calls it reflectively. */
  public static final class JettyPeer implements Session.Listener.AutoDemanding, Peer {
    final boolean deflate;
    private final CompletableFuture<Session> open = new CompletableFuture<>();
    private final Map<String, String> headers = new ConcurrentHashMap<>();
    private final CountDownLatch upgradedLatch = new CountDownLatch(1);
    private final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final BlockingQueue<Close> closes = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile int pongCount;

    JettyPeer(boolean deflate) {
      this.deflate = deflate;
    }

    void upgraded(ServerUpgradeRequest request) {
      request.getHeaders().forEach(f -> headers.put(f.getName().toLowerCase(Locale.ROOT), f.getValue()));
      upgradedLatch.countDown();
    }

    @Override
    public void onWebSocketOpen(Session session) {
      open.complete(session);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
      byte[] b = new byte[payload.remaining()];
      payload.get(b);
      callback.succeed();
      binaries.add(b);
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
      byte[] b = new byte[payload.remaining()];
      payload.get(b);
      pongCount++;
      pongs.add(b);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
      closes.add(new Close(statusCode, reason == null ? "" : reason));
      ended.countDown();
      callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      ended.countDown();
    }

    private Session session() throws InterruptedException {
      return await(open, "Jetty WebSocket open");
    }

    private static void sent(CompletableFuture<Void> done) throws InterruptedException {
      await(done, "Jetty send completed");
    }

    private static Callback callback(CompletableFuture<Void> done) {
      return Callback.from(() -> done.complete(null), done::completeExceptionally);
    }

    @Override
    public @Nullable String requestHeader(String name) throws InterruptedException {
      assertThat(upgradedLatch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("Jetty upgrade").isTrue();
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public void sendBinary(byte[] message) throws Exception {
      CompletableFuture<Void> done = new CompletableFuture<>();
      session().sendBinary(ByteBuffer.wrap(message), callback(done));
      sent(done);
    }

    @Override
    public void sendAll(List<byte[]> messages) throws Exception {
      List<CompletableFuture<Void>> sends = new java.util.ArrayList<>();
      Session session = session();
      for (byte[] m : messages) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.sendBinary(ByteBuffer.wrap(m), callback(done));
        sends.add(done);
      }
      for (CompletableFuture<Void> done : sends) sent(done);
    }

    @Override
    public boolean sendFragmented(byte[]... parts) throws Exception {
      for (int i = 0; i < parts.length; i++) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session().sendPartialBinary(ByteBuffer.wrap(parts[i]), i == parts.length - 1, callback(done));
        sent(done);
      }
      return true;
    }

    @Override
    public void sendPing(byte[] payload) throws Exception {
      CompletableFuture<Void> done = new CompletableFuture<>();
      session().sendPing(ByteBuffer.wrap(payload), callback(done));
      sent(done);
    }

    @Override
    public boolean pingCarriesPayload() {
      return true;
    }

    @Override
    public int pongsReceived() {
      return pongCount;
    }

    @Override
    public byte[] takePong() throws InterruptedException {
      return take(pongs, "pong at Jetty");
    }

    @Override
    public void close(int code, String reason) throws Exception {
      session().close(code, reason, Callback.NOOP);
    }

    @Override
    public byte[] takeBinary() throws InterruptedException {
      return take(binaries, "binary message at Jetty");
    }

    @Override
    public Close takeClose() throws InterruptedException {
      return take(closes, "close at Jetty");
    }

    @Override
    public void awaitEnded() throws InterruptedException {
      assertThat(ended.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("Jetty socket ended").isTrue();
    }
  }

  // ---- MockWebServer ----

  private static final class MockServer implements Server {
    private final MockWebServer server = new MockWebServer();
    /** Peers in the order their upgrades were enqueued, for matching recorded requests. */
    private final BlockingQueue<MockPeer> upgrades = new LinkedBlockingQueue<>();

    MockServer() throws Exception {
      server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    }

    @Override
    public String url() {
      return "ws://127.0.0.1:" + server.getPort() + PATH;
    }

    @Override
    public Peer expectUpgrade(boolean deflate) {
      MockPeer peer = new MockPeer(server);
      MockResponse.Builder response = new MockResponse.Builder().webSocketUpgrade(peer)
          .setHeader("Sec-WebSocket-Protocol", SUBPROTOCOL);
      // MockWebServer's side then compresses what it sends (messages of 1 KiB and more).
      if (deflate) response.setHeader("Sec-WebSocket-Extensions", "permessage-deflate");
      server.enqueue(response.build());
      upgrades.add(peer);
      return peer;
    }

    @Override
    public void refuseNext(int status, String retryAfter) {
      server.enqueue(new MockResponse.Builder().code(status).setHeader("Retry-After", retryAfter)
          .body("refused by test").build());
    }

    @Override
    public void close() {
      server.close();
    }

    @Override
    public String toString() {
      return "MockWebServer";
    }
  }

  private static final class MockPeer extends WebSocketListener implements Peer {
    private final MockWebServer server;
    private final CompletableFuture<WebSocket> open = new CompletableFuture<>();
    private @Nullable RecordedRequest request;
    private final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    private final BlockingQueue<Close> closes = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    MockPeer(MockWebServer server) {
      this.server = server;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      open.complete(webSocket);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      binaries.add(bytes.toByteArray());
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      closes.add(new Close(code, reason));
      webSocket.close(code, reason); // answers (or completes) the close handshake; OkHttp ignores a second close
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      ended.countDown();
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
      ended.countDown();
    }

    private RealWebSocket socket() throws InterruptedException {
      return (RealWebSocket) await(open, "MockWebServer WebSocket open");
    }

    @Override
    public synchronized @Nullable String requestHeader(String name) throws InterruptedException {
      if (request == null) {
        request = server.takeRequest(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(request).as("upgrade request at MockWebServer").isNotNull();
      }
      return request.getHeaders().get(name);
    }

    @Override
    public void sendBinary(byte[] message) throws Exception {
      assertThat(socket().send(ByteString.of(message))).as("MockWebServer queued the message").isTrue();
    }

    @Override
    public void sendAll(List<byte[]> messages) throws Exception {
      for (byte[] m : messages) sendBinary(m); // OkHttp queues: no wait for the write
    }

    @Override
    public boolean sendFragmented(byte[]... parts) {
      return false; // OkHttp's WebSocket writes every message as one frame
    }

    @Override
    public void sendPing(byte[] payload) throws Exception {
      // OkHttp's API has no ping; this is what its ping interval calls (always an empty payload).
      socket().writePingFrame$okhttp();
    }

    @Override
    public boolean pingCarriesPayload() {
      return false;
    }

    @Override
    public int pongsReceived() {
      try {
        return socket().receivedPongCount();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public byte @Nullable [] takePong() {
      return null; // OkHttp only counts pongs
    }

    @Override
    public void close(int code, String reason) throws Exception {
      assertThat(socket().close(code, reason)).as("MockWebServer queued the close").isTrue();
    }

    @Override
    public byte[] takeBinary() throws InterruptedException {
      return take(binaries, "binary message at MockWebServer");
    }

    @Override
    public Close takeClose() throws InterruptedException {
      return take(closes, "close at MockWebServer");
    }

    @Override
    public void awaitEnded() throws InterruptedException {
      assertThat(ended.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("MockWebServer socket ended").isTrue();
    }
  }
}
