package dev.corridor.bench.wire;

import dev.corridor.proto.v1.Deliver;
import dev.corridor.internal.codec.EnvelopeCodec;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Publish;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;

/**
 * The baseline: what an application would write on OkHttp alone, with the same protobuf
 * envelopes and no resilience. Inbound parses every frame with protobuf and reads its fields;
 * outbound encodes a {@code Publish} per message; request latency is a plain echo.
 */
final class RawSide implements Side {
  /** OkHttp's own limit is 16 MiB queued, after which it closes the socket; stay well below. */
  private static final long QUEUE_LIMIT = 1 << 20;
  private final OkHttpClient http;
  private final ServerProcess server;

  RawSide(OkHttpClient http, ServerProcess server) {
    this.http = http;
    this.server = server;
  }

  @Override
  public Map<String, Double> inbound(int size, int count, int rate) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    Probe probe = new Probe(server);
    long[] firstAndLast = new long[2];
    probe.start();
    Listener listener = new Listener(done) {
      /** Messages parsed so far; touched by OkHttp's reader thread only. */
      private long received;
      /** Sum of payload sizes, so the parsed fields are used. */
      private long payloadBytes;

      @Override
      public void onMessage(WebSocket webSocket, okio.ByteString bytes) {
        Deliver d;
        try {
          d = Envelope.parseFrom(bytes.toByteArray()).getDeliver();
        } catch (InvalidProtocolBufferException e) {
          failure.set(e);
          done.countDown();
          return;
        }
        if (d.getSequence() != ++received) failure.compareAndSet(null, new IllegalStateException("out of order"));
        payloadBytes += d.getPayload().size();
        if (received == 1) firstAndLast[0] = System.nanoTime();
        if (received == count) {
          firstAndLast[1] = System.nanoTime();
          if (payloadBytes != (long) size * count) failure.compareAndSet(null, new IllegalStateException("payload bytes"));
          done.countDown();
        }
      }
    };
    WebSocket ws = connect("/raw/feed?size=" + size + "&count=" + count + "&rate=" + rate, listener);
    try {
      Measurements.await(done, 120, "raw feed of " + count);
      probe.stop();
      listener.check();
    } finally {
      ws.cancel();
    }
    return inboundFigures(count, firstAndLast, probe);
  }

  static Map<String, Double> inboundFigures(int count, long[] firstAndLast, Probe probe) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("messages/s", (count - 1) * 1e9 / (firstAndLast[1] - firstAndLast[0]));
    out.put("bytes allocated/msg", (double) probe.allocated / count);
    out.put("server CPU", probe.serverCpuShare);
    out.put("client CPU/msg", probe.clientCpuNanos / 1_000.0 / count);
    return out;
  }

  @Override
  public Map<String, Double> requestLatency(int count) throws Exception {
    Thread caller = Thread.currentThread();
    AtomicReference<okio.@Nullable ByteString> reply = new AtomicReference<>();
    Listener listener = new Listener() {
      @Override
      public void onMessage(WebSocket webSocket, okio.ByteString bytes) {
        reply.set(bytes);
        LockSupport.unpark(caller);
      }
    };
    WebSocket ws = connect("/raw/echo", listener);
    okio.ByteString payload = okio.ByteString.of(new byte[32]);
    long[] nanos = new long[count];
    try {
      listener.awaitOpen();
      for (int i = 0; i < count; i++) {
        long start = System.nanoTime();
        ws.send(payload);
        okio.ByteString answer;
        while ((answer = reply.getAndSet(null)) == null) {
          LockSupport.parkNanos(this, 1_000_000);
          listener.check();
        }
        nanos[i] = System.nanoTime() - start;
        if (answer.size() != 32) throw new IllegalStateException("echo of " + answer.size() + " bytes");
      }
    } finally {
      ws.close(1000, null);
    }
    return Measurements.percentilesMicros(nanos, "round trip", 0.5, 0.99, 0.999);
  }

  @Override
  public Map<String, Double> outbound(int size, int count, boolean acknowledged) throws Exception {
    CountDownLatch synced = new CountDownLatch(1);
    AtomicReference<String> serverCount = new AtomicReference<>();
    Listener listener = new Listener(synced) {
      @Override
      public void onMessage(WebSocket webSocket, String text) {
        serverCount.set(text);
        synced.countDown();
      }
    };
    WebSocket ws = connect("/raw/sink", listener);
    ByteString payload = ByteString.copyFrom(new byte[size]);
    long elapsed;
    try {
      listener.awaitOpen();
      long start = System.nanoTime();
      for (int i = 1; i <= count; i++) {
        byte[] envelope = Envelope.newBuilder().setProtocolVersion(1).setPublish(Publish.newBuilder()
            .setClientSequence(i).setTopic("out").setPayload(payload)).build().toByteArray();
        while (ws.queueSize() > QUEUE_LIMIT) LockSupport.parkNanos(20_000);
        ws.send(okio.ByteString.of(envelope));
      }
      ws.send("sync");
      Measurements.await(synced, 60, "sink count");
      elapsed = System.nanoTime() - start;
      listener.check();
      if (!String.valueOf(count).equals(serverCount.get())) {
        throw new IllegalStateException("server received " + serverCount.get() + " of " + count);
      }
    } finally {
      ws.close(1000, null);
    }
    return Map.of("messages/s", count * 1e9 / elapsed);
  }

  @Override
  public Map<String, Double> connect(int count) throws Exception {
    long[] nanos = new long[count];
    for (int i = 0; i < count; i++) {
      CountDownLatch closed = new CountDownLatch(1);
      Listener listener = new Listener(closed) {
        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
          closed.countDown();
        }
      };
      long start = System.nanoTime();
      WebSocket ws = connect("/raw/echo", listener);
      listener.awaitOpen();
      nanos[i] = System.nanoTime() - start;
      ws.close(1000, null);
      Measurements.await(closed, 10, "close " + i);
    }
    return Measurements.percentilesMicros(nanos, "connect", 0.5, 0.99);
  }

  @Override
  public Map<String, Double> idleHeap(int count) throws Exception {
    List<WebSocket> sockets = new ArrayList<>();
    List<Listener> listeners = new ArrayList<>();
    long before = Measurements.settledHeap();
    try {
      for (int i = 0; i < count; i++) {
        Listener listener = new Listener();
        listeners.add(listener);
        sockets.add(connect("/raw/echo", listener));
      }
      for (Listener l : listeners) l.awaitOpen();
      long after = Measurements.settledHeap();
      return Map.of("heap bytes/connection", (double) (after - before) / count);
    } finally {
      for (WebSocket ws : sockets) ws.cancel();
    }
  }

  /**
   * Connect time of raw OkHttp doing Corridor's handshake by hand: upgrade with the subprotocol,
   * send a {@code Hello} at {@code onOpen}, stop the clock when the {@code Welcome} has been
   * parsed. The same exchange as Corridor's connect, without the SDK: what the protocol's extra
   * round trip costs on a fresh connection.
   */
  Map<String, Double> connectWithHandshake(int count) throws Exception {
    byte[] hello = EnvelopeCodec.encode(EnvelopeCodec.envelope().setHello(Hello.newBuilder()).build());
    long[] nanos = new long[count];
    for (int i = 0; i < count; i++) {
      CountDownLatch welcomed = new CountDownLatch(1);
      CountDownLatch closed = new CountDownLatch(1);
      Listener listener = new Listener(welcomed) {
        @Override
        public void onOpen(WebSocket webSocket, Response response) {
          webSocket.send(okio.ByteString.of(hello));
        }

        @Override
        public void onMessage(WebSocket webSocket, okio.ByteString bytes) {
          try {
            if (Envelope.parseFrom(bytes.toByteArray()).hasWelcome()) welcomed.countDown();
          } catch (InvalidProtocolBufferException e) {
            onFailure(webSocket, e, null);
          }
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
          closed.countDown();
        }
      };
      long start = System.nanoTime();
      WebSocket ws = http.newWebSocket(new Request.Builder().url(server.url("/corridor"))
          .header("Sec-WebSocket-Protocol", EnvelopeCodec.SUBPROTOCOL).build(), listener);
      Measurements.await(welcomed, 10, "Welcome " + i);
      listener.check();
      nanos[i] = System.nanoTime() - start;
      ws.close(1000, null);
      Measurements.await(closed, 10, "close " + i);
    }
    return Measurements.percentilesMicros(nanos, "connect", 0.5, 0.99);
  }

  private WebSocket connect(String path, Listener listener) {
    return http.newWebSocket(new Request.Builder().url(server.url(path)).build(), listener);
  }

  /** Records the first failure; counts down {@link #open} when open and {@code release} on failure. */
  private static class Listener extends WebSocketListener {
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final CountDownLatch open = new CountDownLatch(1);
    private final CountDownLatch release;

    Listener() {
      this(new CountDownLatch(0));
    }

    Listener(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      open.countDown();
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
      failure.compareAndSet(null, t);
      open.countDown();
      release.countDown();
    }

    void awaitOpen() throws Exception {
      Measurements.await(open, 10, "connection");
      check();
    }

    void check() throws Exception {
      Throwable t = failure.get();
      if (t != null) throw new IllegalStateException("baseline failed: " + t, t);
    }
  }
}
