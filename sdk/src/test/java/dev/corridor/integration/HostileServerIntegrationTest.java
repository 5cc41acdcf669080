package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.StateChange.Cause.ATTEMPT_FAILED;
import static dev.corridor.StateChange.Cause.CONNECTION_LOST;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.RETRY_TIMER;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static dev.corridor.internal.transport.WireFrames.BINARY;
import static dev.corridor.internal.transport.WireFrames.FIN;
import static dev.corridor.internal.transport.WireFrames.RSV1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.EventListener;
import dev.corridor.StateChange;
import dev.corridor.internal.transport.HostileServer;
import dev.corridor.internal.transport.HostileServer.Conn;
import dev.corridor.internal.transport.WireFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.Inflater;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real {@link CorridorClient} against {@link HostileServer}, a raw server that completes the
 * upgrade by hand and then writes what a hostile or broken server would: frames far over the
 * inbound limit (streamed, never held), lying headers, a deflate bomb, frames that break RFC 6455,
 * a flood of pings it never reads the answers to. The client must refuse each at the right depth,
 * close with the right code, keep its heap bounded, recover (or fail for good, as the error policy
 * says), let no exception escape to an uncaught handler, and give back its reader threads.
 */
@Timeout(30)
class HostileServerIntegrationTest {
  private static final long TIMEOUT_SECONDS = HostileServer.TIMEOUT_SECONDS;
  private static final long MIB = 1 << 20;
  /** What the client may grow its heap by while refusing a message the size of a hundred limits. */
  private static final long HEAP_BOUND = 32 * MIB;

  private HostileServer server;
  private final ClientRecorder recorder = new ClientRecorder();
  private final TimedEvents events = new TimedEvents(recorder);
  private final List<CorridorClient> clients = new ArrayList<>();
  private final List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
  private Thread.UncaughtExceptionHandler previousHandler;
  private int readerBaseline;

  @BeforeEach
  void setUp() throws IOException {
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(new AssertionError(
        "uncaught on " + t.getName() + ": " + e, e)));
    readerBaseline = ReaderThreads.count();
    server = HostileServer.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      for (CorridorClient c : clients) c.close();
      ReaderThreads.awaitAtMost(readerBaseline, TIMEOUT_SECONDS);
      assertThat(uncaught).as("exceptions that escaped to an uncaught handler").isEmpty();
    } finally {
      if (server != null) server.close();
      Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }
  }

  private CorridorClient.Builder builder() {
    return CorridorClient.builder(server.url())
        .eventListener(events)
        .backoff(IntegrationTestSupport.FAST_BACKOFF)
        .heartbeatInterval(10, TimeUnit.SECONDS) // every refusal below must come long before it
        .closeTimeout(1, TimeUnit.SECONDS);
  }

  private CorridorClient connect(CorridorClient.Builder builder) {
    CorridorClient client = builder.build();
    clients.add(client);
    client.addStateListener(recorder);
    client.connect();
    return client;
  }

  /** Accepts the next connection, upgrades it (optionally with deflate) and welcomes the client. */
  private Conn acceptAndWelcome(String extensions) throws Exception {
    Conn conn = server.take().upgrade(HostileServer.SUBPROTOCOL, extensions);
    conn.startReading(true);
    conn.takeHello();
    return conn;
  }

  /** A client connected to the hostile server (the first connection, welcomed). */
  private Conn connected(CorridorClient.Builder builder, String extensions) throws Exception {
    connect(builder);
    Conn conn = acceptAndWelcome(extensions);
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    events.connectedAt.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return conn;
  }

  /** Waits for the reconnection after a refused message: retry, upgrade, Welcome. Returns when CONNECTED. */
  private long awaitReconnected(Conn refused, String extensions) throws Exception {
    acceptAndWelcome(extensions);
    recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST, CorridorException.Kind.MESSAGE_TOO_LARGE);
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    Long at = events.connectedAt.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(at).as("second CONNECTED").isNotNull();
    assertThat(server.acceptedCount()).as("connections accepted").isEqualTo(2);
    return at;
  }

  // ---- Messages over the limit ----

  @Test
  void frameOf200MiBIsRefusedAtItsHeaderWithBoundedHeapAndTheClientReconnects() throws Exception {
    Conn conn = connected(builder(), null); // default limit: 1 MiB
    long size = 200 * MIB;
    byte[] chunk = new byte[64 * 1024];
    CompletableFuture<Long> streamed = new CompletableFuture<>();

    try (HeapSampler heap = HeapSampler.start()) {
      long start = System.nanoTime();
      conn.write(WireFrames.header(FIN | BINARY, size));
      Thread writer = new Thread(() -> streamed.complete(conn.stream(size, chunk)), "hostile-stream");
      writer.setDaemon(true);
      writer.start();

      CorridorException error = recorder.awaitProtocolError();
      assertThat(error.kind()).isEqualTo(CorridorException.Kind.MESSAGE_TOO_LARGE);
      assertThat(error.closeCode()).isEqualTo(1009);
      assertThat(conn.takeClose().closeCode()).as("close code at the server").isEqualTo(1009);
      long reconnectedAt = awaitReconnected(conn, null);
      long peak = heap.peakGrowth();
      long allocated = heap.allocatedSinceStart();

      long written = await(streamed, "the stream ends once the client is gone");
      System.out.printf("hostile 200MiB frame: heap peak +%.1f MiB, reconnected in %d ms (%.2f MiB allocated by"
          + " all threads meanwhile; the server got %.1f MiB of the payload out before the client closed)%n",
          peak / (double) MIB, TimeUnit.NANOSECONDS.toMillis(reconnectedAt - start), allocated / (double) MIB,
          written / (double) MIB);
      assertThat(peak).as("heap growth while refusing 200 MiB").isLessThan(HEAP_BOUND);
      assertThat(written).as("payload bytes the server could push").isLessThan(size);
    }
  }

  @Test
  void headerAnnouncing1GiBIsRefusedAtOnceWithoutWaitingForThePayloadOrTheHeartbeat() throws Exception {
    Conn conn = connected(builder(), null);

    long start = System.nanoTime();
    conn.write(WireFrames.concat(WireFrames.header(FIN | BINARY, 1L << 30), new byte[64 * 1024]));
    // ... and then silence: a reader that waited for the rest would wait until the heartbeat gave up.

    CorridorException error = recorder.awaitProtocolError();
    long refusedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(error.kind()).isEqualTo(CorridorException.Kind.MESSAGE_TOO_LARGE);
    assertThat(error.getMessage()).contains(Long.toString(1L << 30));
    assertThat(refusedAfter).as("ms to refuse (heartbeat interval: 10 s)").isLessThan(2000);
    assertThat(conn.takeClose().closeCode()).isEqualTo(1009);
    awaitReconnected(conn, null);
  }

  @Test
  void deflateBombIsRefusedWith1009AsItInflatesWithBoundedHeapAndTheClientReconnects() throws Exception {
    byte[] bomb = WireFrames.zeroBomb(512); // 512 MiB of zeros, in about 0.5 MiB
    assertThat(bomb.length).as("compressed size").isBetween((int) (MIB / 4), (int) MIB - 1); // passes the header check
    assertThat(inflatesPast(bomb, 8 * MIB)).as("the bomb inflates past 8 MiB").isTrue();
    Conn conn = connected(builder().compression(true), "permessage-deflate");
    assertThat(conn.header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");

    try (HeapSampler heap = HeapSampler.start()) {
      long start = System.nanoTime();
      conn.write(WireFrames.frame(FIN | RSV1 | BINARY, bomb));

      CorridorException error = recorder.awaitProtocolError();
      assertThat(error.kind()).isEqualTo(CorridorException.Kind.MESSAGE_TOO_LARGE);
      assertThat(error.getMessage()).contains("inflated");
      assertThat(conn.takeClose().closeCode()).isEqualTo(1009);
      long reconnectedAt = awaitReconnected(conn, "permessage-deflate");
      long peak = heap.peakGrowth();
      long allocated = heap.allocatedSinceStart();
      System.out.printf("hostile deflate bomb (%.2f MiB -> 512 MiB): heap peak +%.1f MiB, reconnected in %d ms"
          + " (%.2f MiB allocated by all threads meanwhile)%n", bomb.length / (double) MIB, peak / (double) MIB,
          TimeUnit.NANOSECONDS.toMillis(reconnectedAt - start), allocated / (double) MIB);
      assertThat(peak).as("heap growth while refusing a 512 MiB bomb").isLessThan(HEAP_BOUND);
    }
  }

  private static boolean inflatesPast(byte[] deflated, long bytes) throws Exception {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(deflated);
      byte[] out = new byte[64 * 1024];
      long total = 0;
      while (total <= bytes && !inflater.needsInput()) total += inflater.inflate(out);
      return total > bytes;
    } finally {
      inflater.end();
    }
  }

  // ---- Frames that break RFC 6455 ----

  static Stream<Arguments> violations() {
    byte[] key = {1, 2, 3, 4};
    return Stream.of(
        Arguments.of("RSV1 without an extension", WireFrames.frame(FIN | RSV1 | BINARY, new byte[3]), 1002),
        Arguments.of("RSV2 and RSV3", WireFrames.frame(FIN | 0x30 | BINARY, new byte[3]), 1002),
        Arguments.of("unknown data opcode 0x3", WireFrames.frame(FIN | 0x3, new byte[3]), 1002),
        Arguments.of("unknown control opcode 0xb", WireFrames.frame(FIN | 0xb, new byte[3]), 1002),
        Arguments.of("masked server frame", WireFrames.concat(WireFrames.header(FIN | BINARY, 3, WireFrames.FORM_7, true),
            key, new byte[3]), 1002),
        Arguments.of("close code 1005 on the wire", WireFrames.close(1005, ""), 1002),
        Arguments.of("close code 999", WireFrames.close(999, "x"), 1002),
        Arguments.of("fragmented ping", WireFrames.frame(WireFrames.PING, new byte[1]), 1002),
        Arguments.of("continuation without a message", WireFrames.frame(FIN, new byte[1]), 1002),
        Arguments.of("close reason not UTF-8", WireFrames.close(1000, new byte[] {(byte) 0xc3}), 1007));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void frameBreakingTheProtocolFailsTheClientForGoodAfterACleanClose(String what, byte[] frame, int closeCode)
      throws Exception {
    Conn conn = connected(builder(), null);
    CorridorClient client = clients.get(0);

    conn.write(frame);

    CorridorException error = recorder.awaitProtocolError();
    assertThat(error.kind()).as("kind of %s", error).isEqualTo(CorridorException.Kind.PROTOCOL);
    assertThat(error.closeCode()).isEqualTo(closeCode);
    assertThat(conn.takeClose().closeCode()).as("close code at the server").isEqualTo(closeCode);
    // The default ErrorPolicy fails for good on a protocol error: no reconnection.
    recorder.awaitFailure(CONNECTED, FAILED, CONNECTION_LOST, CorridorException.Kind.PROTOCOL);
    assertThat(client.state()).isEqualTo(FAILED);
    conn.awaitClientGone();
    assertThat(server.acceptedCount()).as("connections accepted").isEqualTo(1);
  }

  @Test
  void garbageRightAfterTheUpgradeFailsTheAttemptWithACleanClose() throws Exception {
    CorridorClient client = connect(builder());
    Conn conn = server.take().upgrade();
    conn.startReading(false); // no Welcome: the garbage is the server's first word
    conn.takeHello();
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);

    // A second HTTP response where frames should be: 'H' (0x48) reads as a fragmented close frame.
    conn.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    CorridorException error = recorder.awaitProtocolError();
    assertThat(error.kind()).isEqualTo(CorridorException.Kind.PROTOCOL);
    assertThat(conn.takeClose().closeCode()).isEqualTo(1002);
    recorder.awaitFailure(CONNECTING, FAILED, ATTEMPT_FAILED, CorridorException.Kind.PROTOCOL);
    assertThat(recorder.stateChangesSoFar()).extracting(StateChange::current).doesNotContain(CONNECTED);
    assertThat(client.state()).isEqualTo(FAILED);
    conn.awaitClientGone();
  }

  // ---- Pings ----

  @Test
  void pingFloodTheServerNeverReadsTheAnswersToKeepsOnlyTheNewestPongAndTheClientHealthy() throws Exception {
    server.close();
    server = HostileServer.startWithReceiveBuffer(8 * 1024);
    OkHttpClient smallSendBuffer = new OkHttpClient.Builder().socketFactory(new SmallSendBufferSockets()).build();
    Conn conn = connected(builder().okHttpClient(smallSendBuffer), null);
    CorridorClient client = clients.get(0);
    int pings = 100_000;
    conn.pauseReading();
    events.received.clear(); // the Welcome
    long before = HeapSampler.usedAfterGc();

    for (int i = 0; i < pings; i += 1000) conn.write(pingBatch(i, 1000)); // 12.7 MB of pings
    conn.sendPingEnvelope(77); // answered after every ping before it has been read
    assertThat(events.received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .as("the Ping envelope, read after all the pings").isNotNull();
    long retained = HeapSampler.usedAfterGc() - before; // every ping read; the pongs wait behind a full socket

    conn.resumeReading();
    byte[] lastPong = conn.takePongEnvelopeAndLastPongFrame();
    System.out.printf("hostile ping flood: %d pings, %d pongs written, heap retained +%.1f MiB%n", pings,
        conn.pongFrames(), retained / (double) MIB);
    assertThat(lastPong).as("the pong before the Pong envelope answers the newest ping")
        .isEqualTo(pingPayload(pings - 1));
    assertThat(conn.pongFrames()).as("pongs written (older unanswered pings need no answer)")
        .isLessThan(pings / 2);
    assertThat(retained).as("heap retained with 100,000 pings unanswered").isLessThan(8 * MIB);
    assertThat(client.state()).isEqualTo(CONNECTED);
    assertThat(recorder.errorsSoFar()).as("errors").isEmpty();
    assertThat(recorder.stateChangesSoFar()).extracting(StateChange::current).containsExactly(CONNECTING, CONNECTED);
  }

  private static byte[] pingPayload(int i) {
    return WireFrames.pattern(125, i);
  }

  private static byte[] pingBatch(int from, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(n * 127);
    for (int i = from; i < from + n; i++) {
      byte[] f = WireFrames.ping(pingPayload(i));
      out.write(f, 0, f.length);
    }
    return out.toByteArray();
  }

  /** Client sockets with a small send buffer, so that unread pongs back up after a few KiB. */
  static final class SmallSendBufferSockets extends SocketFactory {
    private static Socket small(Socket s) throws IOException {
      s.setSendBufferSize(8 * 1024);
      s.setTcpNoDelay(true);
      return s;
    }

    @Override
    public Socket createSocket() throws IOException {
      return small(new Socket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
      throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
      throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
      throw new UnsupportedOperationException("OkHttp creates unconnected sockets");
    }
  }

  // ---- Helpers ----

  private static <T> T await(CompletableFuture<T> future, String what) throws Exception {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new AssertionError(what + " within " + TIMEOUT_SECONDS + " s", e);
    }
  }

  /** Forwards to the {@link ClientRecorder} and notes when the client became CONNECTED. */
  static final class TimedEvents extends EventListener {
    private final ClientRecorder recorder;
    final BlockingQueue<Long> connectedAt = new LinkedBlockingQueue<>();
    /** Sizes of the messages received, in order. */
    final BlockingQueue<Integer> received = new LinkedBlockingQueue<>();

    TimedEvents(ClientRecorder recorder) {
      this.recorder = recorder;
    }

    @Override
    public void stateChanged(StateChange change) {
      if (change.current() == ConnectionState.CONNECTED) connectedAt.add(System.nanoTime());
      recorder.stateChanged(change);
    }

    @Override
    public void messageReceived(int bytes) {
      received.add(bytes);
    }

    @Override
    public void attemptFailed(long attempt, CorridorException error) {
      recorder.attemptFailed(attempt, error);
    }

    @Override
    public void connectionLost(CorridorException error) {
      recorder.connectionLost(error);
    }

    @Override
    public void protocolError(CorridorException error) {
      recorder.protocolError(error);
    }

    @Override
    public void callbackFailed(Throwable error) {
      recorder.callbackFailed(error);
    }
  }

  /**
   * Samples the used heap every millisecond from a background thread and keeps the peak, so that
   * a transient allocation (a message held whole, say) shows even if it is collected at once.
   */
  static final class HeapSampler implements AutoCloseable {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private final long baseline;
    private final AtomicLong peak = new AtomicLong();
    private final ScheduledExecutorService sampler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "heap-sampler");
      t.setDaemon(true);
      return t;
    });

    private final java.util.Map<Long, Long> allocatedAtStart = allocatedByThread();

    private HeapSampler() {
      baseline = usedAfterGc();
      peak.set(baseline);
      sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.MILLISECONDS);
    }

    static HeapSampler start() {
      return new HeapSampler();
    }

    static long usedAfterGc() {
      System.gc();
      return MEMORY.getHeapMemoryUsage().getUsed();
    }

    private void sample() {
      long used = MEMORY.getHeapMemoryUsage().getUsed();
      peak.accumulateAndGet(used, Math::max);
    }

    /** The highest used heap seen, above the baseline taken (after a GC) at the start. */
    long peakGrowth() {
      sample();
      return Math.max(0, peak.get() - baseline);
    }

    /**
     * Bytes allocated since the start by every thread (Corridor's, OkHttp's and the test's), exact
     * where the heap's used figure moves in whole regions; -1 where the JVM cannot tell.
     */
    long allocatedSinceStart() {
      java.util.Map<Long, Long> now = allocatedByThread();
      if (now.isEmpty()) return -1;
      long total = 0;
      for (java.util.Map.Entry<Long, Long> e : now.entrySet()) {
        total += e.getValue() - allocatedAtStart.getOrDefault(e.getKey(), 0L);
      }
      return total;
    }

    private static java.util.Map<Long, Long> allocatedByThread() {
      java.util.Map<Long, Long> bytes = new java.util.HashMap<>();
      if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
          && threads.isThreadAllocatedMemoryEnabled()) {
        long[] ids = threads.getAllThreadIds();
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        for (int i = 0; i < ids.length; i++) if (allocated[i] >= 0) bytes.put(ids[i], allocated[i]);
      }
      return bytes;
    }

    @Override
    public void close() {
      sampler.shutdownNow();
    }
  }

  /** The reader threads of Corridor's sockets ({@code corridor-reader <host>} while they read). */
  static final class ReaderThreads {
    private ReaderThreads() {}

    static int count() {
      int n = 0;
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().startsWith("corridor-reader")) n++;
      }
      return n;
    }

    /**
     * Waits until at most {@code baseline} reader threads are left. A reader runs on Corridor's
     * shared pool, whose thread outlives it and only takes its old name back, so there is no event
     * to wait on: the count is sampled every 10 ms, within a bound, and the test fails with the
     * threads' stacks if it does not come down in time.
     */
    static void awaitAtMost(int baseline, long timeoutSeconds) throws Exception {
      CompletableFuture<Integer> down = new CompletableFuture<>();
      ScheduledExecutorService sampler = new ScheduledThreadPoolExecutor(1);
      try {
        sampler.scheduleWithFixedDelay(() -> {
          if (count() <= baseline) down.complete(count());
        }, 0, 10, TimeUnit.MILLISECONDS);
        down.get(timeoutSeconds, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        StringBuilder stacks = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, st) -> {
          if (t.getName().startsWith("corridor-reader")) {
            stacks.append(t.getName()).append('\n');
            for (StackTraceElement el : st) stacks.append("  at ").append(el).append('\n');
          }
        });
        throw new AssertionError(count() + " reader threads left after " + timeoutSeconds + " s, "
            + baseline + " before the test:\n" + stacks);
      } finally {
        sampler.shutdownNow();
      }
    }
  }
}
