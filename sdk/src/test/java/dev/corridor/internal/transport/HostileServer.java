package dev.corridor.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.internal.transport.WireFrames.ClientFrame;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Ping;
import dev.corridor.proto.v1.Pong;
import dev.corridor.proto.v1.Welcome;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okio.BufferedSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * A raw WebSocket server on 127.0.0.1 that does only what a test scripts: it completes the HTTP
 * upgrade by hand (computing {@code Sec-WebSocket-Accept}, or getting it wrong on purpose), then
 * writes whatever bytes the test gives it, however malformed or large, streamed in chunks. Its
 * reader thread decodes the client's frames: it answers a protocol v1 Hello with a Welcome and a
 * Ping envelope with a Pong, echoes a close frame, and records close frames and pong frames.
 *
 * <p>Every wait is bounded by {@link #TIMEOUT_SECONDS} and fails with a message; nothing sleeps.
 */
public final class HostileServer implements AutoCloseable {
  public static final long TIMEOUT_SECONDS = 5;
  public static final String SUBPROTOCOL = "corridor.v1";
  /** Largest client frame the reader accepts: a client's frames are small. */
  private static final long MAX_CLIENT_FRAME = 4L << 20;

  private final ServerSocket serverSocket;
  private final BlockingQueue<Conn> accepted = new LinkedBlockingQueue<>();
  private final List<Conn> all = new ArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private final Thread acceptor;

  private HostileServer(int receiveBufferSize) throws IOException {
    serverSocket = new ServerSocket();
    // Set before bind so that accepted sockets inherit it (and the window is negotiated with it).
    if (receiveBufferSize > 0) serverSocket.setReceiveBufferSize(receiveBufferSize);
    serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = new Thread(this::acceptLoop, "hostile-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static HostileServer start() throws IOException {
    return new HostileServer(0);
  }

  /** A server whose connections have a small receive buffer, so that a client's writes block soon. */
  public static HostileServer startWithReceiveBuffer(int bytes) throws IOException {
    return new HostileServer(bytes);
  }

  public String url() {
    return "ws://127.0.0.1:" + serverSocket.getLocalPort() + "/corridor/v1";
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket s = serverSocket.accept();
        Conn c = new Conn(count.incrementAndGet(), s);
        synchronized (all) {
          all.add(c);
        }
        accepted.add(c);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** The next connection accepted, its upgrade request read; fails if none arrives in time. */
  public Conn take() throws InterruptedException, IOException {
    Conn c = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(c).as("connection %s accepted within %s s", count.get() + 1, TIMEOUT_SECONDS).isNotNull();
    c.readRequest();
    return c;
  }

  /** Connections accepted so far. */
  public int acceptedCount() {
    return count.get();
  }

  @Override
  public void close() throws IOException {
    serverSocket.close();
    synchronized (all) {
      for (Conn c : all) c.close();
    }
  }

  /** The server side of one TCP connection. */
  public static final class Conn implements Closeable {
    public final int index;
    private final Socket socket;
    private final BufferedSource in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final BlockingQueue<ClientFrame> closes = new LinkedBlockingQueue<>();
    private final BlockingQueue<Envelope> envelopes = new LinkedBlockingQueue<>();
    private final BlockingQueue<Envelope> hellos = new LinkedBlockingQueue<>();
    private final BlockingQueue<Envelope> pongEnvelopes = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicLong pongFrames = new AtomicLong();
    private volatile byte @Nullable [] lastPongPayload;
    /** The last pong frame's payload each time a Pong envelope arrived. */
    private final BlockingQueue<byte[]> lastPongAtPongEnvelope = new LinkedBlockingQueue<>();
    private volatile boolean autoWelcome = true;
    /** While non-null, the reader waits on it before reading the next frame: a server that does not read. */
    private volatile @Nullable CountDownLatch readGate;
    private volatile @Nullable Throwable readerError;

    Conn(int index, Socket socket) throws IOException {
      this.index = index;
      this.socket = socket;
      this.in = Okio.buffer(Okio.source(socket));
      this.out = socket.getOutputStream();
    }

    private void readRequest() throws IOException {
      socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)); // the request only
      String line = in.readUtf8LineStrict();
      assertThat(line).as("request line").startsWith("GET ");
      while (!(line = in.readUtf8LineStrict()).isEmpty()) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
      socket.setSoTimeout(0);
    }

    /** A header of the upgrade request, or null. */
    public @Nullable String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The Sec-WebSocket-Accept that the request's key calls for (RFC 6455 section 4.2.2). */
    public String expectedAccept() {
      return okio.ByteString.encodeUtf8(header("Sec-WebSocket-Key") + Frames.ACCEPT_MAGIC).sha1().base64();
    }

    /** Completes the upgrade, selecting {@code corridor.v1}, with no extension. */
    public Conn upgrade() throws IOException {
      return upgrade(SUBPROTOCOL, null);
    }

    /** Completes the upgrade selecting {@code subprotocol} and {@code extensions} (each omitted if null). */
    public Conn upgrade(@Nullable String subprotocol, @Nullable String extensions) throws IOException {
      StringBuilder r = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + expectedAccept() + "\r\n");
      if (subprotocol != null) r.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
      if (extensions != null) r.append("Sec-WebSocket-Extensions: ").append(extensions).append("\r\n");
      writeHead(r.append("\r\n").toString());
      return this;
    }

    /** Writes a response head as given (e.g. a 101 with a wrong accept). */
    public void writeHead(String head) throws IOException {
      write(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes {@code bytes} at once and flushes; may block while the client does not read. */
    public void write(byte[] bytes) throws IOException {
      synchronized (writeLock) {
        out.write(bytes);
        out.flush();
      }
    }

    /**
     * Streams {@code total} bytes of {@code chunk}'s repeated content (the payload of a frame whose
     * header the test wrote), without holding them: stops at the first write the client refuses.
     * Returns the bytes written.
     */
    public long stream(long total, byte[] chunk) {
      long written = 0;
      try {
        while (written < total) {
          int n = (int) Math.min(chunk.length, total - written);
          synchronized (writeLock) {
            out.write(chunk, 0, n);
          }
          written += n;
        }
        out.flush();
      } catch (IOException e) {
        // The client closed the connection: what a refused stream looks like.
      }
      return written;
    }

    /** Starts the reader thread (see the class comment). */
    public Conn startReading(boolean autoWelcome) {
      this.autoWelcome = autoWelcome;
      Thread t = new Thread(this::readLoop, "hostile-server-reader-" + index);
      t.setDaemon(true);
      t.start();
      return this;
    }

    private void readLoop() {
      try {
        while (true) {
          CountDownLatch gate = readGate;
          if (gate != null) gate.await();
          ClientFrame f = WireFrames.readClientFrame(in, MAX_CLIENT_FRAME);
          assertThat(f.masked).as("client frames are masked: %s", f).isTrue();
          switch (f.opcode()) {
            case WireFrames.BINARY:
              onEnvelope(f.payload);
              break;
            case WireFrames.PONG:
              pongFrames.incrementAndGet();
              lastPongPayload = f.payload;
              break;
            case WireFrames.CLOSE:
              closes.add(f);
              try {
                write(WireFrames.close(1000, "")); // answer, as a server does
              } catch (IOException ignored) {
                // the client may have gone already
              }
              return;
            default:
              break;
          }
        }
      } catch (Throwable t) {
        readerError = t;
      } finally {
        ended.countDown();
      }
    }

    private void onEnvelope(byte[] payload) throws IOException {
      Envelope e;
      try {
        e = Envelope.parseFrom(payload);
      } catch (InvalidProtocolBufferException notAnEnvelope) {
        return;
      }
      switch (e.getKindCase()) {
        case HELLO:
          hellos.add(e);
          if (autoWelcome) sendWelcome();
          break;
        case PING:
          Ping ping = e.getPing();
          send(envelope().setPong(Pong.newBuilder().setNonce(ping.getNonce())
              .setPingSentAtMs(ping.getSentAtMs()).setSentAtMs(System.currentTimeMillis())).build());
          break;
        case PONG:
          byte[] last = lastPongPayload;
          lastPongAtPongEnvelope.add(last == null ? new byte[0] : last);
          pongEnvelopes.add(e);
          break;
        default:
          envelopes.add(e);
          break;
      }
    }

    static Envelope.Builder envelope() {
      return Envelope.newBuilder().setProtocolVersion(1);
    }

    public void sendWelcome() throws IOException {
      send(envelope().setWelcome(Welcome.newBuilder()
          .setSessionId("hostile-" + index)
          .setResumeToken(ByteString.copyFromUtf8("resume-" + index))
          .setServerTimeMs(System.currentTimeMillis())).build());
    }

    /** Sends a protocol v1 Ping envelope (the client answers with a Pong envelope). */
    public void sendPingEnvelope(long nonce) throws IOException {
      send(envelope().setPing(Ping.newBuilder().setNonce(nonce).setSentAtMs(System.currentTimeMillis())).build());
    }

    public void send(Envelope e) throws IOException {
      write(WireFrames.binary(e.toByteArray()));
    }

    /** Stops reading after the frame being read, if any: the client's writes back up. */
    public void pauseReading() {
      readGate = new CountDownLatch(1);
    }

    public void resumeReading() {
      CountDownLatch gate = readGate;
      readGate = null;
      if (gate != null) gate.countDown();
    }

    /** Waits for the client's Hello (the reader must be running). */
    public Envelope takeHello() throws InterruptedException {
      Envelope e = hellos.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(e).as("Hello on hostile connection %s within %s s", index, TIMEOUT_SECONDS).isNotNull();
      return e;
    }

    /**
     * Waits for a Pong envelope and returns the payload of the last pong frame received before it
     * (empty if none).
     */
    public byte[] takePongEnvelopeAndLastPongFrame() throws InterruptedException {
      byte[] last = lastPongAtPongEnvelope.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(last).as("Pong envelope on hostile connection %s within %s s", index, TIMEOUT_SECONDS)
          .isNotNull();
      pongEnvelopes.poll();
      return last;
    }

    /** Pong frames received so far. */
    public long pongFrames() {
      return pongFrames.get();
    }

    /** The client's close frame; fails if none arrives in time. */
    public ClientFrame takeClose() throws InterruptedException {
      ClientFrame f = closes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(f).as("close frame from the client on hostile connection %s within %s s (reader ended with %s)",
          index, TIMEOUT_SECONDS, readerError).isNotNull();
      return f;
    }

    /** Waits until the reader has seen the connection end (a close frame, EOF or a reset). */
    public void awaitEnded() throws InterruptedException {
      assertThat(ended.await(TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .as("hostile connection %s ended within %s s", index, TIMEOUT_SECONDS).isTrue();
    }

    /** Waits until the client has closed the TCP connection, reading and dropping what it sends. */
    public void awaitClientGone() throws InterruptedException {
      Thread t = new Thread(() -> {
        try {
          while (in.read(new okio.Buffer(), 8192) != -1) {
            // discard
          }
        } catch (IOException ignored) {
          // reset: gone as well
        } finally {
          ended.countDown();
        }
      }, "hostile-server-drain-" + index);
      t.setDaemon(true);
      t.start();
      awaitEnded();
    }

    @Override
    public void close() {
      resumeReading();
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
