package dev.corridor.internal.transport;

import dev.corridor.Scheduler;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.Executor;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;

/**
 * {@link Transport} on OkHttp's connection, with Corridor's own frames. OkHttp does what it does
 * best: DNS, proxies, TLS, certificate pinning, the HTTP/1.1 upgrade request and its answer. OkHttp 5
 * hands back the upgraded connection as {@code Response.socket()}, and {@link FramedSocket} reads
 * and writes RFC 6455 frames on it, so that the inbound limit is checked at each frame's header,
 * before its payload is read, which OkHttp's own WebSocket cannot do.
 *
 * <p>The upgrade is an ordinary call made synchronously on the socket's reader thread: it counts
 * against OkHttp's dispatcher only while the handshake is under way, not for the socket's life
 * (OkHttp's own WebSocket holds a dispatcher slot for as long as it is open). HTTP/1.1 is forced
 * for the call, as OkHttp's WebSocket does, and the application client's network interceptors are
 * left out, as they are for OkHttp's WebSocket: they may not read or replace a 101 answer.
 */
public final class OkHttpTransport implements Transport {
  private final OkHttpClient client;
  private final long maxMessageBytes;
  private final boolean compression;
  private final Executor threads;
  private final Scheduler scheduler;
  private final long closeTimeoutNanos;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param threads Corridor's own pool: each socket's reader thread and its writer task run there
   * @param scheduler real-time timer for the last resort of a close that the peer never completes
   */
  public OkHttpTransport(OkHttpClient base, long maxMessageBytes, boolean compression, Executor threads,
      Scheduler scheduler, long closeTimeoutNanos) {
    OkHttpClient.Builder b = base.newBuilder()
        .protocols(Collections.singletonList(Protocol.HTTP_1_1))
        .pingInterval(0, java.util.concurrent.TimeUnit.MILLISECONDS);
    b.networkInterceptors().clear();
    this.client = b.build();
    this.maxMessageBytes = maxMessageBytes;
    this.compression = compression;
    this.threads = threads;
    this.scheduler = scheduler;
    this.closeTimeoutNanos = closeTimeoutNanos;
  }

  @Override
  public TransportSocket open(TransportRequest request, TransportListener listener) {
    Request.Builder rb = new Request.Builder().url(request.url());
    for (Map.Entry<String, String> h : request.headers().entrySet()) {
      rb.header(h.getKey(), h.getValue());
    }
    String key = Handshake.newKey(random);
    Call call = client.newCall(Handshake.upgrade(rb, key, compression).build());
    FramedSocket socket = new FramedSocket(call, key, listener, maxMessageBytes, compression, threads,
        scheduler, closeTimeoutNanos);
    threads.execute(socket);
    return socket;
  }
}
