package dev.corridor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Hello;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * A bare OkHttp WebSocket speaking protocol v1 by hand, to test the server independently of the
 * SDK. Waits are bounded (5 s) and block on queues: no sleeping.
 */
public final class RawClient implements AutoCloseable {
  static final OkHttpClient HTTP = new OkHttpClient();

  public final BlockingQueue<Envelope> inbox = new LinkedBlockingQueue<>();
  public final CompletableFuture<Response> opened = new CompletableFuture<>();
  public final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
  public final CompletableFuture<Integer> failedWithStatus = new CompletableFuture<>();
  public final WebSocket socket;

  public RawClient(String url, String subprotocol, String token, String origin) {
    Request.Builder r = new Request.Builder().url(url);
    if (subprotocol != null) r.header("Sec-WebSocket-Protocol", subprotocol);
    if (token != null) r.header("Authorization", "Bearer " + token);
    if (origin != null) r.header("Origin", origin);
    socket = HTTP.newWebSocket(r.build(), new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        opened.complete(response);
      }

      @Override
      public void onMessage(WebSocket webSocket, ByteString bytes) {
        try {
          inbox.add(Envelope.parseFrom(bytes.toByteArray()));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        closedWith.complete(code);
        webSocket.close(code, null);
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        failedWithStatus.complete(response == null ? -1 : response.code());
        closedWith.complete(-1);
      }
    });
  }

  public RawClient(String url) {
    this(url, "corridor.v1", null, null);
  }

  public void send(Envelope.Builder e) {
    assertThat(socket.send(ByteString.of(e.setProtocolVersion(1).build().toByteArray()))).isTrue();
  }

  public void sendRaw(byte[] bytes) {
    socket.send(ByteString.of(bytes));
  }

  public Envelope hello(String clientId, com.google.protobuf.ByteString token,
      dev.corridor.proto.v1.TopicPosition... positions) throws Exception {
    Hello.Builder h = Hello.newBuilder().setClientId(clientId).setResumeToken(token);
    for (var p : positions) h.addPositions(p);
    send(Envelope.newBuilder().setHello(h));
    Envelope welcome = take();
    assertThat(welcome.hasWelcome()).as("Welcome, got %s", welcome).isTrue();
    return welcome;
  }

  public Envelope hello(String clientId) throws Exception {
    return hello(clientId, com.google.protobuf.ByteString.EMPTY);
  }

  public Envelope take() throws InterruptedException {
    Envelope e = inbox.poll(5, TimeUnit.SECONDS);
    if (e == null) throw new AssertionError("no envelope within 5 s");
    return e;
  }

  /** Takes envelopes until one of {@code kind}, returning it. */
  public Envelope take(Envelope.KindCase kind) throws InterruptedException {
    while (true) {
      Envelope e = take();
      if (e.getKindCase() == kind) return e;
    }
  }

  public int awaitClose() throws Exception {
    return closedWith.get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    socket.cancel();
  }
}
