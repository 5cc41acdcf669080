package dev.corridor.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Ping;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The in-place reader against the generated parser: it reads every Deliver the generated parser
 * reads the same way, and never accepts a frame that the generated parser refuses or reads as
 * something else.
 */
class DeliverReaderTest {
  private final DeliverReader reader = new DeliverReader();

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 20261201})
  void readsEveryGeneratedDeliveryAsTheGeneratedParserDoes(long seed) throws Exception {
    Random random = new Random(seed);
    for (int i = 0; i < 2_000; i++) {
      byte[] frame = randomDelivery(random).toByteArray();
      assertThat(reader.read(frame)).as("seed %d case %d", seed, i).isTrue();
      assertSameAsGenerated(frame, seed, i);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {4, 5, 6, 7})
  void neverAcceptsWhatTheGeneratedParserRefusesOrReadsOtherwise(long seed) throws Exception {
    Random random = new Random(seed);
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] frame = mutate(randomDelivery(random).toByteArray(), random);
      if (reader.read(frame)) {
        accepted++;
        assertSameAsGenerated(frame, seed, i);
      } else {
        refused++;
      }
    }
    // Both branches are exercised, or the test proves nothing.
    assertThat(accepted).isGreaterThan(100);
    assertThat(refused).isGreaterThan(100);
  }

  @Test
  void leavesOtherKindsVersionsAndUnknownFieldsToTheGeneratedParser() {
    Envelope ping = Envelope.newBuilder().setProtocolVersion(1).setPing(Ping.newBuilder().setNonce(3)).build();
    assertThat(reader.read(ping.toByteArray())).isFalse();
    Envelope v2 = Envelope.newBuilder().setProtocolVersion(2)
        .setDeliver(Deliver.newBuilder().setTopic("t").setSequence(1)).build();
    assertThat(reader.read(v2.toByteArray())).isFalse();
    byte[] withUnknown = concat(Envelope.newBuilder().setProtocolVersion(1)
        .setDeliver(Deliver.newBuilder().setTopic("t").setSequence(1)).build().toByteArray(),
        new byte[] {(byte) (99 << 3), 1});
    assertThat(reader.read(withUnknown)).isFalse();
    assertThat(reader.read(new byte[0])).isFalse();
  }

  @Test
  void refusesAMalformedTopicThatTheGeneratedParserRefusesToo() {
    byte[] frame = Envelope.newBuilder().setProtocolVersion(1)
        .setDeliver(Deliver.newBuilder().setTopic("abc").setSequence(1)).build().toByteArray();
    int at = indexOf(frame, "abc".getBytes(StandardCharsets.UTF_8));
    frame[at + 1] = (byte) 0xc0; // an overlong lead byte
    assertThat(reader.read(frame)).isFalse();
    assertThat(parses(frame)).isFalse();
  }

  private void assertSameAsGenerated(byte[] frame, long seed, int i) throws InvalidProtocolBufferException {
    Envelope e = Envelope.parseFrom(frame);
    assertThat(e.getProtocolVersion()).isEqualTo(1);
    assertThat(e.getKindCase()).as("seed %d case %d", seed, i).isEqualTo(Envelope.KindCase.DELIVER);
    Deliver d = e.getDeliver();
    assertThat(utf8(frame, reader.topicOffset(), reader.topicLength())).isEqualTo(d.getTopic());
    assertThat(utf8(frame, reader.keyOffset(), reader.keyLength())).isEqualTo(d.getKey());
    assertThat(Arrays.copyOfRange(frame, reader.payloadOffset(), reader.payloadOffset() + reader.payloadLength()))
        .isEqualTo(d.getPayload().toByteArray());
    assertThat(reader.epoch()).isEqualTo(d.getEpoch());
    assertThat(reader.sequence()).isEqualTo(d.getSequence());
    assertThat(reader.timestampMillis()).isEqualTo(d.getTimestampMs());
    assertThat(reader.replay()).isEqualTo(d.getReplay());
  }

  private static Envelope randomDelivery(Random r) {
    Deliver.Builder d = Deliver.newBuilder();
    if (r.nextInt(8) != 0) d.setTopic(randomText(r));
    if (r.nextBoolean()) d.setEpoch(randomLong(r));
    if (r.nextInt(8) != 0) d.setSequence(randomLong(r));
    if (r.nextInt(8) != 0) {
      byte[] p = new byte[r.nextInt(4) == 0 ? r.nextInt(300) : r.nextInt(40)];
      r.nextBytes(p);
      d.setPayload(ByteString.copyFrom(p));
    }
    if (r.nextInt(3) == 0) d.setKey(randomText(r));
    if (r.nextBoolean()) d.setTimestampMs(randomLong(r));
    if (r.nextInt(4) == 0) d.setReplay(true);
    return Envelope.newBuilder().setProtocolVersion(1).setDeliver(d).build();
  }

  private static String randomText(Random r) {
    String[] parts = {"quotes", ".", "AAPL", "é", "日本", "\uD83D\uDE00", "x", "/", ""};
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) sb.append(parts[r.nextInt(parts.length)]);
    return sb.toString();
  }

  private static long randomLong(Random r) {
    switch (r.nextInt(4)) {
      case 0: return r.nextInt(128);
      case 1: return r.nextInt(Integer.MAX_VALUE);
      case 2: return -1L - r.nextInt(5); // uint64 values above 2^63
      default: return r.nextLong();
    }
  }

  private static byte[] mutate(byte[] frame, Random r) {
    byte[] f = frame.clone();
    switch (r.nextInt(5)) {
      case 0: // flip a bit
        if (f.length > 0) f[r.nextInt(f.length)] ^= (byte) (1 << r.nextInt(8));
        return f;
      case 1: // truncate
        return Arrays.copyOf(f, r.nextInt(f.length + 1));
      case 2: // overwrite a byte
        if (f.length > 0) f[r.nextInt(f.length)] = (byte) r.nextInt(256);
        return f;
      case 3: { // splice in a random byte
        int at = r.nextInt(f.length + 1);
        byte[] g = new byte[f.length + 1];
        System.arraycopy(f, 0, g, 0, at);
        g[at] = (byte) r.nextInt(256);
        System.arraycopy(f, at, g, at + 1, f.length - at);
        return g;
      }
      default: // unchanged
        return f;
    }
  }

  private static boolean parses(byte[] frame) {
    try {
      Envelope.parseFrom(frame);
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static String utf8(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found");
  }
}
