package dev.corridor.bench.wire;

import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Pong;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.PublishAck;
import dev.corridor.proto.v1.Request;
import dev.corridor.proto.v1.Response;
import dev.corridor.proto.v1.Subscribed;
import dev.corridor.proto.v1.Welcome;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loopback WebSocket server of the end-to-end benchmarks: small enough never to be the
 * bottleneck, and the same server for the raw OkHttp baseline and for Corridor.
 *
 * <p>It runs in a process of its own (so its garbage and its CPU are not the client's; the
 * runner reads its CPU time from outside) with a thread per connection and blocking sockets. It
 * speaks just enough RFC 6455 for OkHttp: the upgrade, unmasked frames out, masked frames in,
 * ping/pong and close; no extensions, no fragmentation (OkHttp never fragments). Feeds are
 * written from {@link DeliverTemplate}s, so pushing a message costs the server one copy of a
 * pre-encoded frame and a five-byte patch.
 *
 * <p>Paths:
 * <ul>
 *   <li>{@code /raw/feed?size=S&count=N[&rate=R]}: N {@code Deliver} envelopes of S-byte payloads
 *       (R a second if given), pushed
 *       as fast as the socket takes them, right after the upgrade.
 *   <li>{@code /raw/echo}: every frame sent back as it came.
 *   <li>{@code /raw/sink}: binary frames counted; a text frame is answered with the count, so
 *       the answer proves everything before it arrived.
 *   <li>{@code /corridor}: the Corridor protocol: {@code Hello} is answered with a
 *       {@code Welcome}; {@code Subscribe} to {@code feed/S/N} with {@code Subscribed} and the
 *       same feed as {@code /raw/feed}; acknowledged {@code Publish}es are acknowledged
 *       cumulatively whenever the server has read all it was sent (as a server that batches acks
 *       does); {@code Request} {@code echo} answers with its payload, {@code sync} with the
 *       number of publishes received; {@code Ping} with {@code Pong}.
 * </ul>
 */
public final class BlastServer implements AutoCloseable {
  private static final byte[] ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
      .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listener;
  private final Thread acceptor;
  /** Connections accepted so far; only for thread names. */
  private final AtomicLong connections = new AtomicLong();

  public BlastServer(int port) throws IOException {
    listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    acceptor = new Thread(this::acceptLoop, "blast-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return;
      }
      Thread t = new Thread(() -> serve(socket), "blast-conn-" + connections.incrementAndGet());
      t.setDaemon(true);
      t.start();
    }
  }

  private static void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      socket.setSendBufferSize(1 << 20);
      socket.setReceiveBufferSize(1 << 20);
      InputStream in = socket.getInputStream();
      Handshake handshake = Handshake.read(in);
      FrameWriter out = new FrameWriter(socket.getOutputStream());
      out.raw(handshake.response(ACCEPT_GUID));
      URI uri = URI.create(handshake.path);
      String path = uri.getPath();
      Connection connection;
      switch (path) {
        case "/raw/feed" -> {
          connection = new Connection(out);
          DeliverTemplate template = new DeliverTemplate("feed", query(uri, "size", 32));
          connection.startFeed(template, query(uri, "count", 1_000_000), query(uri, "rate", 0));
        }
        case "/raw/echo" -> connection = new Echo(out);
        case "/raw/sink" -> connection = new Sink(out);
        case "/corridor" -> connection = new CorridorProtocol(out);
        default -> {
          out.close(1008, "unknown path " + path);
          return;
        }
      }
      new FrameReader(in).forEach(connection);
    } catch (IOException e) {
      // The client went away: nothing to report, the runner measures the client.
    }
  }

  private static int query(URI uri, String name, int fallback) {
    String q = uri.getQuery();
    if (q == null) return fallback;
    for (String part : q.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).equals(name)) return Integer.parseInt(part.substring(eq + 1));
    }
    return fallback;
  }

  /** What one connection does with the frames it reads; the default ignores data frames. */
  static class Connection implements FrameReader.Handler {
    final FrameWriter out;
    private Thread feed;

    Connection(FrameWriter out) {
      this.out = out;
    }

    @Override
    public void onBinary(byte[] payload, boolean moreAvailable) throws IOException {}

    @Override
    public void onText(String text) throws IOException {}

    @Override
    public void onPing(byte[] payload) throws IOException {
      out.frame(FrameWriter.PONG, payload, 0, payload.length);
    }

    @Override
    public void onClose(int code) throws IOException {
      out.close(code == 0 ? 1000 : code, "");
      if (feed != null) feed.interrupt();
    }

    /** Pushes {@code count} messages on a thread of its own, so reading goes on meanwhile. */
    final void startFeed(DeliverTemplate template, int count, int rate) {
      feed = new Thread(() -> {
        try {
          out.feed(template, count, rate);
        } catch (IOException e) {
          // The client closed mid-feed.
        }
      }, Thread.currentThread().getName() + "-feed");
      feed.setDaemon(true);
      feed.start();
    }
  }

  static final class Echo extends Connection {
    Echo(FrameWriter out) {
      super(out);
    }

    @Override
    public void onBinary(byte[] payload, boolean moreAvailable) throws IOException {
      out.frame(FrameWriter.BINARY, payload, 0, payload.length);
    }
  }

  static final class Sink extends Connection {
    private long received;

    Sink(FrameWriter out) {
      super(out);
    }

    @Override
    public void onBinary(byte[] payload, boolean moreAvailable) {
      received++;
    }

    @Override
    public void onText(String text) throws IOException {
      byte[] answer = Long.toString(received).getBytes(StandardCharsets.US_ASCII);
      out.frame(FrameWriter.TEXT, answer, 0, answer.length);
    }
  }

  /** The server side of the Corridor protocol, reduced to what the benchmarks exercise. */
  static final class CorridorProtocol extends Connection {
    private long published;
    /** Highest acknowledged-delivery client sequence read and not yet acknowledged; 0 if none. */
    private long unacknowledged;

    CorridorProtocol(FrameWriter out) {
      super(out);
    }

    @Override
    public void onBinary(byte[] payload, boolean moreAvailable) throws IOException {
      Envelope e = Envelope.parseFrom(payload);
      switch (e.getKindCase()) {
        case HELLO -> send(Envelope.newBuilder().setWelcome(Welcome.newBuilder()
            .setSessionId("bench").setResumeToken(ByteString.copyFromUtf8("bench"))
            .setHeartbeatIntervalMs(25_000).setMaxMessageBytes(1 << 20).setMaxInflight(10_000)
            .setLastClientSequence(e.getHello().getLastClientSequence())
            .setServerTimeMs(System.currentTimeMillis())));
        case SUBSCRIBE -> {
          String topic = e.getSubscribe().getTopic();
          send(Envelope.newBuilder().setSubscribed(Subscribed.newBuilder().setTopic(topic)
              .setRequestId(e.getSubscribe().getRequestId()).setEpoch(1).setNextSequence(1)));
          String[] parts = topic.split("/");
          if (parts.length >= 3 && parts[0].equals("feed")) { // feed/SIZE/COUNT[/RATE]
            startFeed(new DeliverTemplate(topic, Integer.parseInt(parts[1])), Integer.parseInt(parts[2]),
                parts.length > 3 ? Integer.parseInt(parts[3]) : 0);
          }
        }
        case PUBLISH -> {
          Publish p = e.getPublish();
          published++;
          if (p.getDelivery() != DeliveryMode.DELIVERY_MODE_BEST_EFFORT && p.getClientSequence() != 0) {
            unacknowledged = p.getClientSequence();
          }
        }
        case REQUEST -> {
          Request r = e.getRequest();
          ByteString answer = r.getMethod().equals("sync")
              ? ByteString.copyFromUtf8(Long.toString(published)) : r.getPayload();
          send(Envelope.newBuilder().setResponse(Response.newBuilder().setRequestId(r.getRequestId())
              .setStatus(Response.Status.STATUS_OK).setPayload(answer)));
        }
        case PING -> send(Envelope.newBuilder().setPong(Pong.newBuilder()
            .setNonce(e.getPing().getNonce()).setPingSentAtMs(e.getPing().getSentAtMs())
            .setSentAtMs(System.currentTimeMillis())));
        default -> {
          // DeliverAck, Unsubscribe: nothing to do for a feed that is never replayed.
        }
      }
      if (unacknowledged != 0 && !moreAvailable) {
        send(Envelope.newBuilder().setPublishAck(PublishAck.newBuilder().setCumulative(unacknowledged)));
        unacknowledged = 0;
      }
    }

    private void send(Envelope.Builder envelope) throws IOException {
      byte[] bytes = envelope.setProtocolVersion(1).build().toByteArray();
      out.frame(FrameWriter.BINARY, bytes, 0, bytes.length);
    }
  }

  /** {@code BlastServer [port]}: serves until killed; prints {@code listening PORT} when ready. */
  public static void main(String[] args) throws Exception {
    BlastServer server = new BlastServer(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    System.out.println("listening " + server.port());
    System.out.flush();
    server.acceptor.join();
  }
}
