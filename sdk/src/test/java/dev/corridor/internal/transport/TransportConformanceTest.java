package dev.corridor.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.internal.time.SystemScheduler;
import dev.corridor.internal.transport.ConformanceServers.Close;
import dev.corridor.internal.transport.ConformanceServers.Kind;
import dev.corridor.internal.transport.ConformanceServers.Peer;
import dev.corridor.internal.transport.ConformanceServers.Server;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OkHttpTransport} against two WebSocket servers that are not ours, on real loopback
 * sockets: every parameterized test runs on Jetty 12 and on MockWebServer. Tests that need what
 * only one of them can do (Jetty's fragmented sends) or what neither would do (a wrong
 * {@code Sec-WebSocket-Accept}, from {@link HostileServer}) are plain tests.
 */
@Timeout(20)
class TransportConformanceTest {
  private static final long TIMEOUT_SECONDS = ConformanceServers.TIMEOUT_SECONDS;
  private static final long LIMIT = 1 << 20;
  private static final OkHttpClient OKHTTP = new OkHttpClient();

  /** Corridor's pool stand-in; tells when a socket's reader task (its {@code run()}) returned. */
  private final BlockingQueue<Runnable> readersEnded = new LinkedBlockingQueue<>();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "conformance-pool");
    t.setDaemon(true);
    return t;
  });
  private final java.util.concurrent.Executor threads = task -> pool.execute(() -> {
    try {
      task.run();
    } finally {
      if (task instanceof FramedSocket) readersEnded.add(task);
    }
  });
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) c.close();
    pool.shutdownNow();
  }

  private Server start(Kind kind) throws Exception {
    Server server = kind.start();
    toClose.add(server);
    return server;
  }

  private OkHttpTransport transport(OkHttpClient client, long limit, boolean compression) {
    return new OkHttpTransport(client, limit, compression, threads, SystemScheduler.INSTANCE,
        TimeUnit.SECONDS.toNanos(2));
  }

  private TransportSocket open(OkHttpTransport transport, String url, Recorder recorder) {
    TransportSocket socket = transport.open(
        new TransportRequest(url, Collections.singletonMap("Sec-WebSocket-Protocol", ConformanceServers.SUBPROTOCOL)),
        recorder);
    toClose.add(socket::cancel);
    return socket;
  }

  /** Opens a socket to {@code server}, waits for it to open and returns it. */
  private TransportSocket connect(Server server, Peer peer, Recorder recorder) throws InterruptedException {
    return connect(transport(OKHTTP, LIMIT, false), server, recorder);
  }

  private TransportSocket connect(OkHttpTransport transport, Server server, Recorder recorder)
      throws InterruptedException {
    TransportSocket socket = open(transport, server.url(), recorder);
    recorder.take(Open.class);
    return socket;
  }

  private void awaitReaderEnded() throws InterruptedException {
    Runnable ended = readersEnded.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(ended).as("the socket's reader returned within %s s", TIMEOUT_SECONDS).isNotNull();
  }

  static int readerThreads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("corridor-reader")) n++;
    }
    return n;
  }

  // ---- Upgrade ----

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void upgradeSelectsTheOfferedSubprotocolAndCallbacksRunOnTheReaderThread(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();

    open(transport(OKHTTP, LIMIT, false), server.url(), recorder);

    Open open = recorder.take(Open.class);
    assertThat(open.subprotocol()).isEqualTo(ConformanceServers.SUBPROTOCOL);
    assertThat(open.extensions()).as("no extension offered, none accepted").isNull();
    assertThat(open.thread()).startsWith("corridor-reader 127.0.0.1");
    assertThat(peer.requestHeader("Sec-WebSocket-Protocol")).isEqualTo(ConformanceServers.SUBPROTOCOL);
    assertThat(peer.requestHeader("Sec-WebSocket-Version")).isEqualTo("13");
    assertThat(peer.requestHeader("Sec-WebSocket-Extensions")).isNull();
    assertThat(Base64.getDecoder().decode(peer.requestHeader("Sec-WebSocket-Key"))).hasSize(16);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void refusedUpgradeReportsTheHttpStatusAndRetryAfter(Kind kind) throws Exception {
    Server server = start(kind);
    server.refuseNext(503, "7");
    Recorder recorder = new Recorder();

    open(transport(OKHTTP, LIMIT, false), server.url(), recorder);

    Failure failure = recorder.take(Failure.class);
    assertThat(failure.status()).isEqualTo(503);
    assertThat(failure.retryAfter()).isEqualTo("7");
    assertThat(failure.error()).isInstanceOf(ProtocolException.class).hasMessageContaining("HTTP 503");
    awaitReaderEnded();
    recorder.assertNoMore();
  }

  // ---- Messages ----

  static Stream<Arguments> kindsAndSizes() {
    int[] sizes = {0, 1, 125, 126, 65535, 65536, (1 << 20) - 1};
    List<Arguments> args = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (int s : sizes) args.add(Arguments.of(k, s));
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0}, {1} bytes")
  @MethodSource("kindsAndSizes")
  void serverMessageOfEveryLengthFormArrivesExactly(Kind kind, int size) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    connect(server, peer, recorder);
    byte[] message = WireFrames.pattern(size, 42);

    peer.sendBinary(message);

    assertThat(ByteString.of(recorder.take(Message.class).bytes())).isEqualTo(ByteString.of(message));
  }

  @ParameterizedTest(name = "{0}, {1} bytes")
  @MethodSource("kindsAndSizes")
  void clientMessageOfEveryLengthFormArrivesExactly(Kind kind, int size) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    TransportSocket socket = connect(server, peer, recorder);
    byte[] message = WireFrames.pattern(size, 43);

    assertThat(socket.send(message)).isTrue();

    assertThat(ByteString.of(peer.takeBinary())).isEqualTo(ByteString.of(message));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void burstOfSmallMessagesArrivesCompleteAndInOrderBothWays(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    TransportSocket socket = connect(server, peer, recorder);
    int n = 2000;

    List<byte[]> burst = new ArrayList<>();
    for (int i = 0; i < n; i++) burst.add(burstMessage(i));

    for (int i = 0; i < n; i++) assertThat(socket.send(burst.get(i))).as("send %s", i).isTrue();
    peer.sendAll(burst);

    for (int i = 0; i < n; i++) {
      assertThat(ByteString.of(peer.takeBinary())).as("client message %s at the server", i)
          .isEqualTo(ByteString.of(burstMessage(i)));
    }
    for (int i = 0; i < n; i++) {
      assertThat(ByteString.of(recorder.take(Message.class).bytes())).as("server message %s at the client", i)
          .isEqualTo(ByteString.of(burstMessage(i)));
    }
    assertThat(socket.queuedBytes()).as("nothing left queued").isZero();
  }

  private static byte[] burstMessage(int i) {
    return WireFrames.pattern(1 + i % 64, i);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void compressedServerMessagesInflateExactly(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(true);
    Recorder recorder = new Recorder();
    OkHttpTransport transport = transport(OKHTTP, LIMIT, true);
    open(transport, server.url(), recorder);
    Open open = recorder.take(Open.class);
    assertThat(open.extensions()).as("the server accepted the offer").startsWith("permessage-deflate");
    assertThat(peer.requestHeader("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
    byte[] text = "compressible text, compressible text, compressible text. ".repeat(20_000)
        .substring(0, (1 << 20) - 1).getBytes(StandardCharsets.UTF_8);
    byte[][] messages = {text, WireFrames.pattern(70_000, 1), new byte[5000], text, new byte[0]};

    for (byte[] m : messages) peer.sendBinary(m); // several: the server's window carries over

    for (byte[] m : messages) {
      assertThat(ByteString.of(recorder.take(Message.class).bytes())).isEqualTo(ByteString.of(m));
    }
  }

  // ---- Control frames ----

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void serverPingIsAnsweredWithAPongBeforeLaterMessages(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    TransportSocket socket = connect(server, peer, recorder);
    byte[] payload = "ping-7".getBytes(StandardCharsets.UTF_8);

    peer.sendPing(payload);
    peer.sendBinary(new byte[] {1});
    recorder.take(Message.class); // the ping was read before it
    socket.send(new byte[] {2}); // queued after the pong
    peer.takeBinary();

    assertThat(peer.pongsReceived()).as("pongs at the server").isEqualTo(1);
    if (peer.pingCarriesPayload()) assertThat(peer.takePong()).isEqualTo(payload);
    recorder.assertNoMore();
  }

  // ---- Closing ----

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void serverCloseIsReportedEchoedWithItsCodeAndEndsTheSocket(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    connect(server, peer, recorder);

    peer.close(4000, "bye");

    assertThat(recorder.take(Closing.class)).isEqualTo(new Closing(4000, "bye"));
    assertThat(peer.takeClose().code()).as("close code echoed to the server").isEqualTo(4000);
    awaitReaderEnded();
    assertThat(recorder.take(Closed.class).code()).as("Transport contract: onClosed ends a clean close")
        .isEqualTo(4000);
    peer.awaitEnded();
    recorder.assertNoMore();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void clientCloseIsAnsweredAndEndsTheSocket(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    TransportSocket socket = connect(server, peer, recorder);

    socket.close(1000, "done");

    assertThat(peer.takeClose()).isEqualTo(new Close(1000, "done"));
    assertThat(recorder.take(Closing.class).code()).as("the server's answer").isEqualTo(1000);
    assertThat(socket.send(new byte[1])).as("send after close").isFalse();
    awaitReaderEnded();
    assertThat(recorder.take(Closed.class).code()).isEqualTo(1000);
    peer.awaitEnded();
    recorder.assertNoMore();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void cancelEndsTheReaderThreadAndTheConnection(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    int baseline = readerThreads();
    Recorder recorder = new Recorder();
    OkHttpClient pooled = new OkHttpClient(); // its own pool, to count what is left in it
    TransportSocket socket = connect(transport(pooled, LIMIT, false), server, recorder);
    assertThat(readerThreads()).as("reader threads while open").isEqualTo(baseline + 1);

    socket.cancel();

    awaitReaderEnded();
    assertThat(pooled.connectionPool().connectionCount()).as("connections left in the pool").isZero();
    assertThat(readerThreads()).as("reader threads after cancel").isEqualTo(baseline);
    assertThat(recorder.readerThread.getName()).doesNotStartWith("corridor-reader");
    assertThat(socket.send(new byte[1])).as("send after cancel").isFalse();
    peer.awaitEnded();
  }

  // ---- Limits ----

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void messageOverTheLimitFailsWith1009AndTheServerSeesClose1009(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    int limit = 64 * 1024;
    connect(transport(OKHTTP, limit, false), server, recorder);

    peer.sendBinary(new byte[limit + 1]);

    Failure failure = recorder.take(Failure.class);
    assertThat(failure.error()).isInstanceOf(FrameException.class);
    assertThat(((FrameException) failure.error()).closeCode()).isEqualTo(1009);
    assertThat(failure.status()).isEqualTo(-1);
    assertThat(peer.takeClose().code()).as("close code at the server").isEqualTo(1009);
    awaitReaderEnded();
    recorder.assertNoMore();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void messageOfExactlyTheLimitIsDelivered(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    int limit = 64 * 1024;
    connect(transport(OKHTTP, limit, false), server, recorder);
    byte[] message = WireFrames.pattern(limit, 5);

    peer.sendBinary(message);

    assertThat(ByteString.of(recorder.take(Message.class).bytes())).isEqualTo(ByteString.of(message));
  }

  // ---- Timeouts of the application's client ----

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void idleSocketOutlivesTheApplicationClientsReadTimeout(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    OkHttpClient app = OKHTTP.newBuilder().readTimeout(1, TimeUnit.SECONDS).writeTimeout(1, TimeUnit.SECONDS).build();
    TransportSocket socket = connect(transport(app, LIMIT, false), server, recorder);

    // The one bounded wait that must not end early: 1.5 s of silence, half again the timeout.
    Object event = recorder.events.poll(1500, TimeUnit.MILLISECONDS);

    assertThat(event).as("nothing happens on an idle socket past the read timeout").isNull();
    peer.sendBinary(new byte[] {9});
    assertThat(recorder.take(Message.class).bytes()).containsExactly(9);
    socket.send(new byte[] {8});
    assertThat(peer.takeBinary()).containsExactly(8);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void idleSocketOutlivesTheApplicationClientsCallTimeout(Kind kind) throws Exception {
    Server server = start(kind);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    OkHttpClient app = OKHTTP.newBuilder().callTimeout(1, TimeUnit.SECONDS).build();
    TransportSocket socket = connect(transport(app, LIMIT, false), server, recorder);

    Object event = recorder.events.poll(1500, TimeUnit.MILLISECONDS);

    assertThat(event).as("nothing happens on an idle socket past the call timeout").isNull();
    peer.sendBinary(new byte[] {9});
    assertThat(recorder.take(Message.class).bytes()).containsExactly(9);
    socket.send(new byte[] {8});
    assertThat(peer.takeBinary()).containsExactly(8);
  }

  // ---- What only Jetty can send ----

  @Test
  void fragmentedServerMessageIsReassembled() throws Exception {
    Server server = start(Kind.JETTY);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    connect(server, peer, recorder);
    byte[] a = WireFrames.pattern(3, 1);
    byte[] b = new byte[0];
    byte[] c = WireFrames.pattern(70_000, 2);
    byte[] d = WireFrames.pattern(1, 3);

    assertThat(peer.sendFragmented(a, b, c, d)).isTrue();

    assertThat(ByteString.of(recorder.take(Message.class).bytes())).isEqualTo(ByteString.of(WireFrames.concat(a, b, c, d)));
  }

  @Test
  void fragmentedServerMessageOverTheLimitFailsWith1009() throws Exception {
    Server server = start(Kind.JETTY);
    Peer peer = server.expectUpgrade(false);
    Recorder recorder = new Recorder();
    int limit = 64 * 1024;
    connect(transport(OKHTTP, limit, false), server, recorder);

    peer.sendFragmented(new byte[limit - 1], new byte[1], new byte[1]);

    Failure failure = recorder.take(Failure.class);
    assertThat(((FrameException) failure.error()).closeCode()).isEqualTo(1009);
    assertThat(peer.takeClose().code()).isEqualTo(1009);
  }

  // ---- What no well-behaved server sends ----

  @Test
  void wrongSecWebSocketAcceptFailsTheUpgrade() throws Exception {
    HostileServer server = HostileServer.start();
    toClose.add(server);
    Recorder recorder = new Recorder();
    open(transport(OKHTTP, LIMIT, false), server.url(), recorder);
    HostileServer.Conn conn = server.take();

    conn.writeHead("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(new byte[20]) + "\r\n"
        + "Sec-WebSocket-Protocol: corridor.v1\r\n\r\n");

    Failure failure = recorder.take(Failure.class);
    assertThat(failure.error()).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("Sec-WebSocket-Accept").hasMessageContaining(conn.expectedAccept());
    assertThat(failure.status()).isEqualTo(-1);
    awaitReaderEnded();
    conn.awaitClientGone();
    recorder.assertNoMore();
  }

  @Test
  void messagesSayWhetherTheNextFrameIsAlreadyBufferedAndAControlFrameEndsTheBurst() throws Exception {
    HostileServer server = HostileServer.start();
    toClose.add(server);
    Recorder recorder = new Recorder();
    open(transport(OKHTTP, LIMIT, false), server.url(), recorder);
    HostileServer.Conn conn = server.take().upgrade();
    recorder.take(Open.class);

    // Three messages in one write: the first two know the next is already buffered.
    conn.write(WireFrames.concat(WireFrames.binary(new byte[] {1}), WireFrames.binary(new byte[] {2}),
        WireFrames.binary(new byte[] {3})));
    for (int i = 0; i < 3; i++) recorder.take(Message.class);
    assertThat(recorder.moreFlags).containsExactly(true, true, false);

    // A message followed by a ping in one write: the burst ends with the ping, and is said to.
    conn.write(WireFrames.concat(WireFrames.binary(new byte[] {4}), WireFrames.ping(new byte[] {9})));
    recorder.take(Message.class);
    assertThat(recorder.burstsEndedByControl.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("end of burst").isTrue();
    assertThat(recorder.moreFlags).containsExactly(true, true, false, true);
    assertThat(recorder.burstsEndedByControl).isEmpty();
  }

  @Test
  void anErrorOnTheReaderThreadEndsTheSocketAndIsReported() throws Exception {
    HostileServer server = HostileServer.start();
    toClose.add(server);
    BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    BlockingQueue<Boolean> opened = new LinkedBlockingQueue<>();
    TransportListener throwing = new TransportListener() {
      @Override
      public void onOpen(@Nullable String subprotocol, @Nullable String extensions) {
        opened.add(true);
      }

      @Override
      public void onMessage(byte[] message, boolean moreBuffered) {
        throw new OutOfMemoryError("simulated: no heap for the next message");
      }

      @Override
      public void onTextMessage(int length) {}

      @Override
      public void onClosing(int code, String reason) {}

      @Override
      public void onClosed(int code, String reason) {}

      @Override
      public void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter) {
        failures.add(error);
      }
    };
    TransportSocket socket = transport(OKHTTP, LIMIT, false).open(
        new TransportRequest(server.url(), Collections.singletonMap("Sec-WebSocket-Protocol", ConformanceServers.SUBPROTOCOL)),
        throwing);
    toClose.add(socket::cancel);
    HostileServer.Conn conn = server.take().upgrade();
    assertThat(opened.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

    conn.write(WireFrames.binary(new byte[] {1, 2, 3}));

    Throwable failure = failures.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(OutOfMemoryError.class);
    conn.awaitClientGone(); // the socket is not left open with nobody reading it
    awaitReaderEnded();
  }

  @Test
  void failedUpgradeOfA101AnswerReleasesOkHttpsConnection() throws Exception {
    HostileServer server = HostileServer.start();
    toClose.add(server);
    OkHttpClient app = new OkHttpClient(); // its own pool, to count what is left in it
    Recorder recorder = new Recorder();
    open(transport(app, LIMIT, false), server.url(), recorder);
    HostileServer.Conn conn = server.take();

    conn.writeHead("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: wrong\r\n\r\n");

    recorder.take(Failure.class);
    awaitReaderEnded();
    // OkHttp hands a 101 over as a socket: closing the Response does not end the call, only
    // closing the socket's streams does. A call never ended is reported as leaked at the next GC.
    assertThat(app.connectionPool().connectionCount()).as("connections left in the pool").isZero();
    conn.awaitClientGone();
  }

  @Test
  void upgradeAnswerWithoutUpgradeHeaderFailsTheUpgrade() throws Exception {
    HostileServer server = HostileServer.start();
    toClose.add(server);
    Recorder recorder = new Recorder();
    open(transport(OKHTTP, LIMIT, false), server.url(), recorder);
    HostileServer.Conn conn = server.take();

    conn.writeHead("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + conn.expectedAccept() + "\r\n\r\n");

    Failure failure = recorder.take(Failure.class);
    assertThat(failure.error()).isInstanceOf(ProtocolException.class).hasMessageContaining("Upgrade");
    awaitReaderEnded();
  }

  // ---- The recording listener ----

  record Open(@Nullable String subprotocol, @Nullable String extensions, String thread) {}

  record Message(byte[] bytes) {}

  record Text(int length) {}

  record Closing(int code, String reason) {}

  record Closed(int code, String reason) {}

  record Failure(Throwable error, int status, @Nullable String retryAfter) {}

  /** Queues every callback, in order, and checks that each runs on the socket's reader thread. */
  static final class Recorder implements TransportListener {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    volatile Thread readerThread;

    private void add(Object event) {
      Thread t = Thread.currentThread();
      if (readerThread == null) readerThread = t;
      if (t != readerThread || !t.getName().startsWith("corridor-reader")) {
        event = new AssertionError(event + " on thread " + t.getName() + ", not the reader " + readerThread);
      }
      events.add(event);
    }

    @Override
    public void onOpen(@Nullable String subprotocol, @Nullable String extensions) {
      add(new Open(subprotocol, extensions, Thread.currentThread().getName()));
    }

    /** The moreBuffered flag of each message, in order, and the bursts ended by a control frame. */
    final List<Boolean> moreFlags = Collections.synchronizedList(new ArrayList<>());
    final BlockingQueue<Boolean> burstsEndedByControl = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(byte[] message, boolean moreBuffered) {
      moreFlags.add(moreBuffered);
      add(new Message(message));
    }

    @Override
    public void onEndOfBurst() {
      burstsEndedByControl.add(true);
    }

    @Override
    public void onTextMessage(int length) {
      add(new Text(length));
    }

    @Override
    public void onClosing(int code, String reason) {
      add(new Closing(code, reason));
    }

    @Override
    public void onClosed(int code, String reason) {
      add(new Closed(code, reason));
    }

    @Override
    public void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter) {
      add(new Failure(error, httpStatus, retryAfter));
    }

    <T> T take(Class<T> type) throws InterruptedException {
      Object e = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(e).as("%s within %s s", type.getSimpleName(), TIMEOUT_SECONDS).isNotNull();
      if (e instanceof AssertionError error) throw error;
      if (!type.isInstance(e)) {
        AssertionError error = new AssertionError("expected " + type.getSimpleName() + ", got " + e);
        if (e instanceof Failure f) error.initCause(f.error());
        throw error;
      }
      return type.cast(e);
    }

    void assertNoMore() {
      assertThat(events).as("callbacks left").isEmpty();
    }
  }
}
