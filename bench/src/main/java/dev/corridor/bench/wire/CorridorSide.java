package dev.corridor.bench.wire;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.MessageListener;
import dev.corridor.SendOptions;
import dev.corridor.SendResult;
import dev.corridor.StateListener;
import dev.corridor.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Corridor with its defaults, over the same OkHttp client as the baseline: a RELIABLE
 * subscription (sequence tracking, duplicate and gap checks, cumulative acknowledgements, the
 * bounded queue and the hop to the callback executor) for inbound; {@code request} for latency;
 * acknowledged and best-effort {@code send} for outbound; {@code connect} to CONNECTED, that is
 * after the {@code Hello}/{@code Welcome} exchange, for connect time.
 */
final class CorridorSide implements Side {
  /** Outstanding sends at most; below the outbox's default 10,000 messages. */
  private static final int SEND_WINDOW = 4_096;
  private static final SendOptions BEST_EFFORT =
      SendOptions.builder().delivery(SendOptions.Delivery.BEST_EFFORT).build();
  private final OkHttpClient http;
  private final ServerProcess server;

  /** The callback executor under test; null for the SDK's default. */
  private final @Nullable Executor callbacks;

  CorridorSide(OkHttpClient http, ServerProcess server, @Nullable Executor callbacks) {
    this.http = http;
    this.server = server;
    this.callbacks = callbacks;
  }

  private CorridorClient newClient() {
    CorridorClient.Builder b = CorridorClient.builder(server.url("/corridor")).okHttpClient(http);
    if (callbacks != null) b.callbackExecutor(callbacks);
    return b.build();
  }

  /** Connects and waits for CONNECTED. */
  private static CorridorClient connected(CorridorClient client) throws Exception {
    CountDownLatch up = awaitState(client, ConnectionState.CONNECTED);
    client.connect();
    Measurements.await(up, 10, "Corridor CONNECTED (now " + client.state() + ")");
    return client;
  }

  private static CountDownLatch awaitState(CorridorClient client, ConnectionState state) {
    CountDownLatch latch = new CountDownLatch(1);
    StateListener l = change -> {
      if (change.current() == state) latch.countDown();
    };
    client.addStateListener(l);
    if (client.state() == state) latch.countDown();
    return latch;
  }

  private static void closeAndWait(CorridorClient client) throws Exception {
    CountDownLatch closed = awaitState(client, ConnectionState.CLOSED);
    client.close();
    Measurements.await(closed, 10, "Corridor CLOSED");
  }

  @Override
  public Map<String, Double> inbound(int size, int count, int rate) throws Exception {
    CorridorClient client = connected(newClient());
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] firstAndLast = new long[2];
    Probe probe = new Probe(server);
    try {
      probe.start();
      Subscription subscription = client.subscribe("feed/" + size + "/" + count + "/" + rate, new MessageListener() {
        /** Messages delivered so far; the subscription delivers one at a time. */
        private long received;
        /** Sum of payload sizes, so the delivered fields are used. */
        private long payloadBytes;

        @Override
        public void onMessage(dev.corridor.Message m) {
          if (m.sequence() != ++received) failure.compareAndSet(null, new IllegalStateException("out of order"));
          payloadBytes += m.payloadSize();
          if (received == 1) firstAndLast[0] = System.nanoTime();
          if (received == count) {
            firstAndLast[1] = System.nanoTime();
            if (payloadBytes != (long) size * count) failure.compareAndSet(null, new IllegalStateException("payload bytes"));
            done.countDown();
          }
        }

        @Override
        public void onRejected(String errorCode, String message) {
          failure.set(new IllegalStateException(errorCode + ": " + message));
          done.countDown();
        }
      });
      Measurements.await(done, 120, "Corridor feed of " + count + " (" + client.stats() + ")");
      probe.stop();
      if (failure.get() != null) throw new IllegalStateException("Corridor feed failed", failure.get());
      subscription.unsubscribe();
    } finally {
      closeAndWait(client);
    }
    return RawSide.inboundFigures(count, firstAndLast, probe);
  }

  @Override
  public Map<String, Double> requestLatency(int count) throws Exception {
    CorridorClient client = connected(newClient());
    byte[] payload = new byte[32];
    long[] nanos = new long[count];
    try {
      for (int i = 0; i < count; i++) {
        long start = System.nanoTime();
        dev.corridor.Response r = client.request("echo", payload).get(10, TimeUnit.SECONDS);
        nanos[i] = System.nanoTime() - start;
        if (!r.isOk() || r.payload().length != 32) throw new IllegalStateException("bad echo " + r);
      }
    } finally {
      closeAndWait(client);
    }
    return Measurements.percentilesMicros(nanos, "round trip", 0.5, 0.99, 0.999);
  }

  @Override
  public Map<String, Double> outbound(int size, int count, boolean acknowledged) throws Exception {
    CorridorClient client = connected(newClient());
    byte[] payload = new byte[size];
    Semaphore window = new Semaphore(SEND_WINDOW);
    CountDownLatch settled = new CountDownLatch(count);
    AtomicLong failures = new AtomicLong();
    AtomicReference<SendResult> firstFailure = new AtomicReference<>();
    SendResult.Outcome expected = acknowledged ? SendResult.Outcome.ACKNOWLEDGED : SendResult.Outcome.WRITTEN;
    long elapsed;
    try {
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        window.acquire();
        (acknowledged ? client.send("out", payload) : client.send("out", payload, BEST_EFFORT))
            .whenComplete((result, error) -> {
              if (error != null || result.outcome() != expected) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, result);
              }
              window.release();
              settled.countDown();
            });
      }
      Measurements.await(settled, 60, "Corridor sends");
      // Acknowledged: the acks prove arrival. Best effort: the answer to a request sent after
      // them proves it (one connection, in order), and the count checks it either way.
      byte[] received = client.request("sync", new byte[0]).get(10, TimeUnit.SECONDS).payload();
      elapsed = System.nanoTime() - start;
      if (failures.get() != 0) throw new IllegalStateException(failures + " sends failed, first: " + firstFailure);
      String serverCount = new String(received, StandardCharsets.UTF_8);
      if (!serverCount.equals(String.valueOf(count))) {
        throw new IllegalStateException("server received " + serverCount + " of " + count);
      }
    } finally {
      closeAndWait(client);
    }
    return Map.of("messages/s", count * 1e9 / elapsed);
  }

  @Override
  public Map<String, Double> connect(int count) throws Exception {
    long[] nanos = new long[count];
    for (int i = 0; i < count; i++) {
      CorridorClient client = newClient();
      CountDownLatch up = awaitState(client, ConnectionState.CONNECTED);
      long start = System.nanoTime();
      client.connect();
      Measurements.await(up, 10, "Corridor CONNECTED (now " + client.state() + ")");
      nanos[i] = System.nanoTime() - start;
      closeAndWait(client);
    }
    return Measurements.percentilesMicros(nanos, "connect", 0.5, 0.99);
  }

  @Override
  public Map<String, Double> idleHeap(int count) throws Exception {
    List<CorridorClient> clients = new ArrayList<>();
    CountDownLatch up = new CountDownLatch(count);
    long before = Measurements.settledHeap();
    try {
      for (int i = 0; i < count; i++) {
        CorridorClient client = newClient();
        AtomicBoolean counted = new AtomicBoolean();
        client.addStateListener(change -> {
          if (change.current() == ConnectionState.CONNECTED && counted.compareAndSet(false, true)) up.countDown();
        });
        clients.add(client);
        client.connect();
      }
      Measurements.await(up, 60, count + " Corridor connections");
      long after = Measurements.settledHeap();
      return Map.of("heap bytes/connection", (double) (after - before) / count);
    } finally {
      for (CorridorClient c : clients) c.close();
    }
  }
}
