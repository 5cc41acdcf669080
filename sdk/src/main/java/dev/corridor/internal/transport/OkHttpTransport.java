package dev.corridor.internal.transport;

import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * {@link Transport} over OkHttp. OkHttp offers {@code permessage-deflate} on every WebSocket and
 * inflates without a size limit; unless compression is enabled, an interceptor removes the offer
 * so the server never compresses. (WebSocket calls skip network interceptors, so it must be an
 * application interceptor.) OkHttp's own ping is disabled: the heartbeat is ours.
 */
public final class OkHttpTransport implements Transport {
  static final String EXTENSIONS = "Sec-WebSocket-Extensions";

  private final OkHttpClient client;

  public OkHttpTransport(OkHttpClient base, boolean compression) {
    OkHttpClient.Builder b = base.newBuilder().pingInterval(0, java.util.concurrent.TimeUnit.MILLISECONDS);
    if (!compression) {
      b.addInterceptor(chain -> chain.proceed(chain.request().newBuilder().removeHeader(EXTENSIONS).build()));
    }
    this.client = b.build();
  }

  @Override
  public TransportSocket open(TransportRequest request, TransportListener listener) {
    Request.Builder rb = new Request.Builder().url(request.url());
    for (Map.Entry<String, String> h : request.headers().entrySet()) {
      rb.header(h.getKey(), h.getValue());
    }
    WebSocket ws = client.newWebSocket(rb.build(), new Adapter(listener));
    return new Socket(ws);
  }

  private static final class Socket implements TransportSocket {
    private final WebSocket ws;

    Socket(WebSocket ws) {
      this.ws = ws;
    }

    @Override
    public boolean send(byte[] message) {
      return ws.send(ByteString.of(message));
    }

    @Override
    public long queuedBytes() {
      return ws.queueSize();
    }

    @Override
    public void close(int code, String reason) {
      ws.close(code, reason);
    }

    @Override
    public void cancel() {
      ws.cancel();
    }
  }

  private static final class Adapter extends WebSocketListener {
    private final TransportListener listener;

    Adapter(TransportListener listener) {
      this.listener = listener;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      listener.onOpen(response.header("Sec-WebSocket-Protocol"), response.header(EXTENSIONS));
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      listener.onMessage(bytes.toByteArray());
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      listener.onTextMessage(text.length());
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      listener.onClosing(code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      listener.onClosed(code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
      int status = -1;
      String retryAfter = null;
      if (response != null && response.code() != 101) {
        status = response.code();
        retryAfter = response.header("Retry-After");
      }
      listener.onFailure(t, status, retryAfter);
    }
  }
}
