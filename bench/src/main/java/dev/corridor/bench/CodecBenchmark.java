package dev.corridor.bench;

import com.google.protobuf.UnsafeByteOperations;
import dev.corridor.internal.codec.EnvelopeCodec;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Publish;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of turning one protocol v1 envelope into bytes and back, with the SDK's own codec
 * ({@link EnvelopeCodec}) over the generated protobuf-lite classes.
 *
 * <ul>
 *   <li>{@code encodeDeliver}: builds a {@code Deliver} envelope (topic, epoch, sequence, key,
 *       timestamp, payload) and encodes it, as a server does for every delivery.
 *   <li>{@code decodeDeliver}: {@link EnvelopeCodec#decode} of such an envelope (parse, protocol
 *       version and kind checks), the first step of every inbound message on the client.
 *   <li>{@code encodePublish}: builds a {@code Publish} envelope exactly as the SDK's publisher
 *       does for an outbox entry (payload wrapped without copying) and encodes it.
 *   <li>{@code decodePublish}: {@link EnvelopeCodec#decode} of such an envelope (the server's
 *       side of a publish; shows how the two message kinds compare).
 * </ul>
 *
 * <p>Each is measured with a 32-byte payload (a price tick) and a 512-byte one (a small JSON
 * document), the {@code payloadSize} parameter. The sequence advances on every operation so that
 * no two encodes are identical.
 *
 * <p>How to read it: average time per envelope in ns; lower is better. Encode includes building the
 * message (every real send builds a fresh one). Run with {@code -prof gc} to see the bytes
 * allocated per envelope ({@code gc.alloc.rate.norm}): decode allocates the message objects plus a
 * copy of the payload, so it grows with {@code payloadSize}; encode allocates the output array.
 * Differences between 32 and 512 bytes are the per-byte copying cost; the rest is per-field work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {
  static final String TOPIC = "prices.fx.EURUSD";
  static final String KEY = "EURUSD";

  @Param({"32", "512"})
  public int payloadSize;

  private byte[] payload;
  private long epoch;
  private long sequence;
  private long timestampMs;
  private byte[] deliverBytes;
  private byte[] publishBytes;

  @Setup
  public void setUp() throws Exception {
    payload = new byte[payloadSize];
    new Random(42).nextBytes(payload);
    epoch = 1_700_000_000_123L;
    sequence = 1_000_000L;
    timestampMs = System.currentTimeMillis();
    deliverBytes = EnvelopeCodec.encode(deliver(sequence));
    publishBytes = EnvelopeCodec.encode(publish(sequence));
    // The decode benchmarks must measure the success path: check that they take it.
    Envelope d = EnvelopeCodec.decode(deliverBytes);
    if (d.getKindCase() != Envelope.KindCase.DELIVER || d.getDeliver().getPayload().size() != payloadSize) {
      throw new IllegalStateException("Deliver does not round-trip: " + d);
    }
    Envelope p = EnvelopeCodec.decode(publishBytes);
    if (p.getKindCase() != Envelope.KindCase.PUBLISH || p.getPublish().getPayload().size() != payloadSize) {
      throw new IllegalStateException("Publish does not round-trip: " + p);
    }
  }

  @Benchmark
  public byte[] encodeDeliver() {
    return EnvelopeCodec.encode(deliver(++sequence));
  }

  @Benchmark
  public Envelope decodeDeliver() throws Exception {
    return EnvelopeCodec.decode(deliverBytes);
  }

  @Benchmark
  public byte[] encodePublish() {
    return EnvelopeCodec.encode(publish(++sequence));
  }

  @Benchmark
  public Envelope decodePublish() throws Exception {
    return EnvelopeCodec.decode(publishBytes);
  }

  private Envelope deliver(long seq) {
    return EnvelopeCodec.envelope()
        .setDeliver(Deliver.newBuilder()
            .setTopic(TOPIC)
            .setEpoch(epoch)
            .setSequence(seq)
            .setPayload(UnsafeByteOperations.unsafeWrap(payload))
            .setKey(KEY)
            .setTimestampMs(timestampMs))
        .build();
  }

  /** As {@code Publisher.encode} builds it for an acknowledged, keyed message without a TTL. */
  private Envelope publish(long seq) {
    return EnvelopeCodec.envelope()
        .setPublish(Publish.newBuilder()
            .setClientSequence(seq)
            .setTopic(TOPIC)
            .setPayload(UnsafeByteOperations.unsafeWrap(payload))
            .setDelivery(DeliveryMode.DELIVERY_MODE_ACKNOWLEDGED)
            .setKey(KEY))
        .build();
  }
}
