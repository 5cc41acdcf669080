package dev.corridor.bench;

import dev.corridor.ClientStats;
import dev.corridor.CorridorClient;
import dev.corridor.SendResult;
import dev.corridor.bench.wire.Measurements;
import dev.corridor.internal.outbox.OutboxEntry;
import java.util.Locale;

/**
 * Heap held by the outbox when it is full to its byte bound: a client that is never connected
 * (so nothing leaves) is given as many messages as its byte bound admits (one more would evict
 * the oldest); the heap in use after building the client and after filling it, each after full
 * collections, gives the heap per byte the outbox charges (payload + topic + key + {@code OutboxEntry.OVERHEAD_BYTES} per message). The
 * caller keeps no reference to the messages or their futures.
 */
public final class OutboxFootprint {
  /** One measurement: messages accepted, bytes the outbox charged for them, heap they hold. */
  public record Result(int payloadBytes, int messages, long chargedBytes, long heapBytes) {
    public double heapPerChargedByte() {
      return (double) heapBytes / chargedBytes;
    }

    public double heapPerMessage() {
      return (double) heapBytes / messages;
    }
  }

  private OutboxFootprint() {}

  public static Result measure(int payloadBytes, long capBytes) throws InterruptedException {
    String topic = "orders";
    CorridorClient client = CorridorClient.builder("ws://127.0.0.1:9/never-connected")
        .outboxCapacity(Integer.MAX_VALUE / 2, capBytes).build();
    // Measured from a built client, so the client itself and any one-time static state (OkHttp's
    // shared client, its thread pools) are not counted as outbox heap.
    long before = Measurements.settledHeap();
    long charge = payloadBytes + topic.length() + OutboxEntry.OVERHEAD_BYTES;
    int messages = (int) (capBytes / charge); // as many as fit: one more would evict the oldest
    try {
      for (int i = 0; i < messages; i++) client.send(topic, new byte[payloadBytes]);
      // send() only queues; the client's own thread files the messages into the outbox.
      ClientStats stats = client.stats();
      for (long deadline = System.nanoTime() + 30_000_000_000L;
          stats.outboxMessages() < messages && System.nanoTime() < deadline; stats = client.stats()) {
        Thread.sleep(10);
      }
      if (stats.outboxMessages() != messages || stats.sendOutcomes(SendResult.Outcome.OVERFLOW) != 0) {
        throw new IllegalStateException("outbox holds " + stats.outboxMessages() + " of " + messages
            + " messages, " + stats.outboxBytes() + " bytes");
      }
      long after = Measurements.settledHeap();
      return new Result(payloadBytes, messages, stats.outboxBytes(), after - before);
    } finally {
      client.close();
    }
  }

  public static void main(String[] args) throws InterruptedException {
    for (int size : new int[] {64, 512}) {
      Result r = measure(size, 8L << 20);
      System.out.printf(Locale.ROOT, "%4d B payloads: %,d messages, %,d bytes charged, %,d bytes of heap (%.2f per charged byte, %.0f per message)%n",
          size, r.messages(), r.chargedBytes(), r.heapBytes(), r.heapPerChargedByte(), r.heapPerMessage());
    }
  }
}
