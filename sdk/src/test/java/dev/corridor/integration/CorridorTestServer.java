package dev.corridor.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Ping;
import dev.corridor.proto.v1.Pong;
import dev.corridor.proto.v1.Publish;
import dev.corridor.proto.v1.PublishAck;
import dev.corridor.proto.v1.Request;
import dev.corridor.proto.v1.Subscribe;
import dev.corridor.proto.v1.Subscribed;
import dev.corridor.proto.v1.Welcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.internal.ws.RealWebSocket;
import org.jspecify.annotations.Nullable;

/**
 * A protocol v1 server on a real socket: wraps OkHttp's {@link MockWebServer} and enqueues
 * WebSocket upgrades whose server side ({@link Connection}) records every frame it receives,
 * answers Hello with Welcome and Ping with Pong (optionally acknowledges every publish, answers
 * every request, or hands the Hello to the test), and lets a test send arbitrary bytes, a run of
 * deliveries, close with a code or drop the socket.
 *
 * <p>Every wait is bounded by {@link #TIMEOUT_SECONDS} and fails the test with a message when it
 * elapses; nothing sleeps or polls.
 */
public final class CorridorTestServer implements AutoCloseable {
  public static final String SUBPROTOCOL = "corridor.v1";
  public static final long TIMEOUT_SECONDS = 5;
  public static final String PATH = "/corridor/v1";

  private final MockWebServer server = new MockWebServer();
  private final boolean https;
  private final AtomicInteger connections = new AtomicInteger();

  private CorridorTestServer(@Nullable SSLSocketFactory sslSocketFactory) throws IOException {
    this.https = sslSocketFactory != null;
    if (sslSocketFactory != null) server.useHttps(sslSocketFactory);
    server.start();
  }

  /** A plain-text ({@code ws://}) server, started. */
  public static CorridorTestServer start() throws IOException {
    return new CorridorTestServer(null);
  }

  /** A TLS ({@code wss://}) server presenting the certificate behind {@code factory}, started. */
  public static CorridorTestServer startHttps(SSLSocketFactory factory) throws IOException {
    return new CorridorTestServer(factory);
  }

  /** The {@code ws://} or {@code wss://} URL of the endpoint. */
  public String wsUrl() {
    return (https ? "wss://" : "ws://") + server.getHostName() + ":" + server.getPort() + PATH;
  }

  public String hostName() {
    return server.getHostName();
  }

  /** Upgrades the next request, selecting {@code corridor.v1} and auto-answering the Hello. */
  public Connection enqueueUpgrade() {
    return enqueueUpgrade(new Options());
  }

  public Connection enqueueUpgrade(Options options) {
    Connection connection = new Connection(connections.incrementAndGet(), options);
    MockResponse.Builder response = new MockResponse.Builder().webSocketUpgrade(connection);
    if (options.subprotocol != null) response.setHeader("Sec-WebSocket-Protocol", options.subprotocol);
    if (options.extensions != null) response.setHeader("Sec-WebSocket-Extensions", options.extensions);
    server.enqueue(response.build());
    return connection;
  }

  /** Answers the next request with {@code response} (e.g. an HTTP error instead of an upgrade). */
  public void enqueue(MockResponse response) {
    server.enqueue(response);
  }

  /** The next request the server received; fails if none arrives in time. */
  public RecordedRequest takeRequest() throws InterruptedException {
    RecordedRequest request = server.takeRequest(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(request).as("request received within %s s", TIMEOUT_SECONDS).isNotNull();
    return request;
  }

  /** Requests received so far (including ones not yet taken). */
  public int requestCount() {
    return server.getRequestCount();
  }

  @Override
  public void close() {
    server.close();
  }

  /** How an enqueued upgrade behaves. */
  public static final class Options {
    @Nullable String subprotocol = SUBPROTOCOL;
    boolean autoWelcome = true;
    boolean autoPong = true;
    boolean autoAck;
    boolean autoRespond;
    @Nullable HelloHandler onHello;
    @Nullable String extensions;

    /** The subprotocol the upgrade response selects; null omits the header. */
    public Options subprotocol(@Nullable String value) {
      this.subprotocol = value;
      return this;
    }

    /** Whether a Hello is answered with a Welcome at once (else call {@link Connection#sendWelcome}). */
    public Options autoWelcome(boolean value) {
      this.autoWelcome = value;
      return this;
    }

    /** Whether the client's Pings are answered (false plays a silently dead server). */
    public Options autoPong(boolean value) {
      this.autoPong = value;
      return this;
    }

    /**
     * Whether every acknowledged Publish is answered at once with a PublishAck covering its
     * sequence (a server that stores each publish as it arrives).
     */
    public Options autoAck(boolean value) {
      this.autoAck = value;
      return this;
    }

    /** Whether every Request is answered at once with an OK Response echoing its payload. */
    public Options autoRespond(boolean value) {
      this.autoRespond = value;
      return this;
    }

    /**
     * Answers the Hello with {@code handler} instead of the automatic Welcome (e.g. a resumed
     * Welcome followed by a replay). Runs on MockWebServer's reader thread of that connection.
     */
    public Options onHello(HelloHandler handler) {
      this.onHello = handler;
      return this;
    }

    /**
     * A {@code Sec-WebSocket-Extensions} value for the upgrade response, whatever the client
     * offered. MockWebServer's side of the socket then applies it (e.g. compresses every message).
     */
    public Options extensions(@Nullable String value) {
      this.extensions = value;
      return this;
    }
  }

  /** Answers a connection's Hello in place of the automatic Welcome. */
  public interface HelloHandler {
    void onHello(Connection connection, Hello hello);
  }

  /** The server side of one WebSocket. Its callbacks run on MockWebServer's threads. */
  public static final class Connection extends WebSocketListener {
    private final int index;
    private final Options options;
    private final CompletableFuture<WebSocket> open = new CompletableFuture<>();
    /** Every binary frame received, raw, in order. */
    private final BlockingQueue<okio.ByteString> frames = new LinkedBlockingQueue<>();
    private final BlockingQueue<Envelope> hellos = new LinkedBlockingQueue<>();
    private final BlockingQueue<Pong> pongs = new LinkedBlockingQueue<>();
    /** Envelopes of every other kind (Publish, Subscribe ...), in order. */
    private final BlockingQueue<Envelope> others = new LinkedBlockingQueue<>();
    /**
     * The same envelopes as {@link #others}, split by kind: a second, independent view for
     * {@link #takeEnvelope(Envelope.KindCase)}, so that taking one kind neither consumes nor is
     * disturbed by envelopes of other kinds (e.g. a DeliverAck sent on a timer).
     */
    private final Map<Envelope.KindCase, BlockingQueue<Envelope>> byKind =
        new EnumMap<>(Envelope.KindCase.class);
    /** Every envelope of every other kind received so far, by kind, never consumed. */
    private final Map<Envelope.KindCase, List<Envelope>> received = new EnumMap<>(Envelope.KindCase.class);
    private final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicInteger textFrames = new AtomicInteger();
    private final AtomicInteger pings = new AtomicInteger();

    public Connection(int index, Options options) {
      this.index = index;
      this.options = options;
    }

    /** The Welcome this connection sends: a distinct session id and resume token per connection. */
    public Welcome welcome() {
      return Welcome.newBuilder()
          .setSessionId("session-" + index)
          .setResumeToken(ByteString.copyFromUtf8("resume-" + index))
          .setServerTimeMs(System.currentTimeMillis())
          .build();
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      open.complete(webSocket);
    }

    @Override
    public void onMessage(WebSocket webSocket, okio.ByteString bytes) {
      frames.add(bytes);
      Envelope envelope;
      try {
        envelope = Envelope.parseFrom(bytes.toByteArray());
      } catch (InvalidProtocolBufferException e) {
        return; // recorded raw; a test asserting on it will see the bytes
      }
      switch (envelope.getKindCase()) {
        case HELLO:
          hellos.add(envelope);
          if (options.onHello != null) {
            options.onHello.onHello(this, envelope.getHello());
          } else if (options.autoWelcome) {
            sendWelcome();
          }
          break;
        case PING:
          pings.incrementAndGet();
          if (!options.autoPong) break;
          Ping ping = envelope.getPing();
          send(envelope().setPong(Pong.newBuilder()
              .setNonce(ping.getNonce())
              .setPingSentAtMs(ping.getSentAtMs())
              .setSentAtMs(System.currentTimeMillis())).build());
          break;
        case PONG:
          pongs.add(envelope.getPong());
          break;
        default:
          synchronized (received) {
            received.computeIfAbsent(envelope.getKindCase(), k -> new ArrayList<>()).add(envelope);
          }
          kindQueue(envelope.getKindCase()).add(envelope);
          others.add(envelope);
          if (options.autoAck && envelope.hasPublish()) {
            Publish publish = envelope.getPublish();
            if (publish.getDelivery() != DeliveryMode.DELIVERY_MODE_BEST_EFFORT) {
              sendPublishAck(publish.getClientSequence());
            }
          }
          if (options.autoRespond && envelope.hasRequest()) {
            Request request = envelope.getRequest();
            send(envelope().setResponse(dev.corridor.proto.v1.Response.newBuilder()
                .setRequestId(request.getRequestId())
                .setStatus(dev.corridor.proto.v1.Response.Status.STATUS_OK)
                .setPayload(request.getPayload())).build());
          }
          break;
      }
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      textFrames.incrementAndGet();
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      closeCodes.add(code);
      webSocket.close(1000, null); // answer the close handshake, as a well-behaved server does
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      ended.countDown();
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
      ended.countDown();
    }

    /** The server's WebSocket, once the upgrade response was written. */
    public WebSocket awaitOpen() throws InterruptedException {
      try {
        return open.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new AssertionError("server WebSocket " + index + " not opened within "
            + TIMEOUT_SECONDS + " s", e);
      }
    }

    public static Envelope.Builder envelope() {
      return Envelope.newBuilder().setProtocolVersion(1);
    }

    public void sendWelcome() {
      sendWelcome(welcome());
    }

    /** Sends {@code welcome} (e.g. {@code welcome().toBuilder().setResumed(true).build()}). */
    public void sendWelcome(Welcome welcome) {
      send(envelope().setWelcome(welcome).build());
    }

    /** Sends a Deliver of {@code topic} at (epoch, sequence) with payload {@code "m<sequence>"}. */
    public void sendDeliver(String topic, long epoch, long sequence, boolean replay) {
      send(envelope().setDeliver(Deliver.newBuilder()
          .setTopic(topic)
          .setEpoch(epoch)
          .setSequence(sequence)
          .setPayload(ByteString.copyFromUtf8("m" + sequence))
          .setTimestampMs(System.currentTimeMillis())
          .setReplay(replay)).build());
    }

    /** Sends Delivers of {@code topic} for every sequence from {@code first} to {@code last}. */
    public void sendDelivers(String topic, long epoch, long first, long last, boolean replay) {
      for (long sequence = first; sequence <= last; sequence++) {
        sendDeliver(topic, epoch, sequence, replay);
      }
    }

    /** Acknowledges every client sequence up to {@code cumulative}. */
    public void sendPublishAck(long cumulative) {
      send(envelope().setPublishAck(PublishAck.newBuilder().setCumulative(cumulative)).build());
    }

    /** Answers {@code subscribe}: active at {@code epoch}, next delivery {@code nextSequence}. */
    public void sendSubscribed(Subscribe subscribe, long epoch, long nextSequence) {
      send(envelope().setSubscribed(Subscribed.newBuilder()
          .setTopic(subscribe.getTopic())
          .setRequestId(subscribe.getRequestId())
          .setEpoch(epoch)
          .setNextSequence(nextSequence)).build());
    }

    public void sendPing(long nonce) {
      send(envelope().setPing(Ping.newBuilder()
          .setNonce(nonce)
          .setSentAtMs(System.currentTimeMillis())).build());
    }

    public void send(Envelope envelope) {
      sendBytes(envelope.toByteArray());
    }

    /** Sends {@code bytes} as one binary frame, whatever they are. */
    public void sendBytes(byte[] bytes) {
      try {
        boolean queued = awaitOpen().send(okio.ByteString.of(bytes));
        assertThat(queued).as("server frame queued").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Sends {@code text} as one text frame (protocol v1 uses binary frames only). */
    public void sendText(String text) throws InterruptedException {
      assertThat(awaitOpen().send(text)).as("server text frame queued").isTrue();
    }

    /** Starts a clean close with {@code code}. */
    public void close(int code, String reason) throws InterruptedException {
      awaitOpen().close(code, reason);
    }

    /**
     * Drops the TCP connection without a close frame. {@code WebSocket.cancel()} cannot be used on
     * MockWebServer's side (it has no {@code Call} and throws), so fail the socket the way OkHttp
     * does internally, which cancels the underlying socket.
     */
    public void cancel() throws InterruptedException {
      WebSocket ws = awaitOpen();
      ((RealWebSocket) ws).failWebSocket(new IOException("dropped by test"), null, false);
    }

    /** The next Hello envelope received, asserted to carry protocol version 1. */
    public Envelope takeHelloEnvelope() throws InterruptedException {
      Envelope envelope = hellos.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(envelope).as("Hello on server connection %s within %s s", index, TIMEOUT_SECONDS)
          .isNotNull();
      assertThat(envelope.getProtocolVersion()).as("protocol_version of the Hello").isEqualTo(1);
      return envelope;
    }

    public Hello takeHello() throws InterruptedException {
      return takeHelloEnvelope().getHello();
    }

    public Pong takePong() throws InterruptedException {
      Pong pong = pongs.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(pong).as("Pong on server connection %s within %s s", index, TIMEOUT_SECONDS)
          .isNotNull();
      return pong;
    }

    /** The next envelope received that is not a Hello, Ping or Pong. */
    public Envelope takeEnvelope() throws InterruptedException {
      Envelope envelope = others.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(envelope).as("envelope on server connection %s within %s s", index, TIMEOUT_SECONDS)
          .isNotNull();
      return envelope;
    }

    /**
     * The next envelope of {@code kind} not yet taken by this method (independent of
     * {@link #takeEnvelope()}); envelopes of other kinds stay where they are.
     */
    public Envelope takeEnvelope(Envelope.KindCase kind) throws InterruptedException {
      Envelope envelope = kindQueue(kind).poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(envelope).as("%s on server connection %s within %s s; received so far: %s",
          kind, index, TIMEOUT_SECONDS, receivedKinds()).isNotNull();
      return envelope;
    }

    /** Every envelope of {@code kind} received so far (taken or not), in order. */
    public List<Envelope> receivedOfKind(Envelope.KindCase kind) {
      synchronized (received) {
        List<Envelope> list = received.get(kind);
        return list == null ? new ArrayList<>() : new ArrayList<>(list);
      }
    }

    private Map<Envelope.KindCase, Integer> receivedKinds() {
      Map<Envelope.KindCase, Integer> counts = new EnumMap<>(Envelope.KindCase.class);
      synchronized (received) {
        received.forEach((k, v) -> counts.put(k, v.size()));
      }
      return counts;
    }

    private BlockingQueue<Envelope> kindQueue(Envelope.KindCase kind) {
      synchronized (byKind) {
        return byKind.computeIfAbsent(kind, k -> new LinkedBlockingQueue<>());
      }
    }

    /** The code of the next close frame received from the client. */
    public int takeCloseCode() throws InterruptedException {
      Integer code = closeCodes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(code).as("close frame on server connection %s within %s s", index, TIMEOUT_SECONDS)
          .isNotNull();
      return code;
    }

    /** Waits until this WebSocket is over (closed or failed) on the server side. */
    public void awaitEnded() throws InterruptedException {
      assertThat(ended.await(TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .as("server connection %s ended within %s s", index, TIMEOUT_SECONDS).isTrue();
    }

    /** Binary frames received so far (not consumed by the typed takers). */
    public int framesReceived() {
      return frames.size();
    }

    public int textFramesReceived() {
      return textFrames.get();
    }

    /** Pings received from the client so far. */
    public int pingsReceived() {
      return pings.get();
    }
  }
}
