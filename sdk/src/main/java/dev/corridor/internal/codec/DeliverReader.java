package dev.corridor.internal.codec;

/**
 * Reads a protocol v1 {@code Envelope} holding a {@code Deliver} straight from the received
 * frame, without building objects: the hot path of every inbound message. The generated parser
 * makes an envelope, a delivery, a topic string and a copy of the payload for each message (272
 * bytes for a 32-byte payload, measured); this reads the same fields into one reusable holder and
 * leaves topic, key and payload where they lie in the frame, so a received {@code Message} costs
 * the frame and itself.
 *
 * <p>It takes only the canonical shape that Corridor servers send: envelope fields
 * {@code protocol_version} and {@code deliver}, each at most once, delivery fields 1 to 7 with
 * their declared wire types. For anything else (another kind, another version, unknown or
 * repeated fields, a wire type that does not match, malformed UTF-8, truncation) {@link #read}
 * returns false and the caller uses the generated parser, whose verdict then stands; so this never
 * accepts a frame the generated parser would refuse or read differently (tested against it).
 *
 * <p>Not thread safe: one per session, used in the client's serial context.
 */
public final class DeliverReader {
  private static final int ENVELOPE_VERSION = 1;
  private static final int ENVELOPE_DELIVER = 14;
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;

  // The last delivery read.
  private byte[] frame = new byte[0];
  private int topicOffset;
  private int topicLength;
  private int keyOffset;
  private int keyLength;
  private int payloadOffset;
  private int payloadLength;
  private long epoch;
  private long sequence;
  private long timestampMillis;
  private boolean replay;

  // Parsing state.
  private int pos;
  private boolean malformed;

  /**
   * Reads {@code frame} if it is a canonical protocol v1 Deliver envelope; false if the generated
   * parser must decide instead.
   */
  public boolean read(byte[] frame) {
    this.frame = frame;
    pos = 0;
    malformed = false;
    topicOffset = topicLength = keyOffset = keyLength = payloadOffset = payloadLength = 0;
    epoch = sequence = timestampMillis = 0;
    replay = false;
    int limit = frame.length;
    long version = -1;
    boolean deliver = false;
    while (pos < limit) {
      long tag = varint(limit);
      if (malformed) return false;
      int field = (int) (tag >>> 3);
      int type = (int) tag & 7;
      if (field == ENVELOPE_VERSION && type == VARINT && version < 0) {
        version = varint(limit) & 0xffffffffL;
      } else if (field == ENVELOPE_DELIVER && type == LENGTH_DELIMITED && !deliver) {
        int end = delimitedEnd(limit);
        if (malformed || !readDeliver(end)) return false;
        pos = end;
        deliver = true;
      } else {
        return false;
      }
      if (malformed) return false;
    }
    return deliver && version == ENVELOPE_VERSION;
  }

  /** The delivery's fields up to {@code end}: each of 1 to 7 at most once, with its declared wire type. */
  private boolean readDeliver(int end) {
    int seenMask = 0;
    while (pos < end) {
      long tag = varint(end);
      if (malformed) return false;
      int field = (int) (tag >>> 3);
      int type = (int) tag & 7;
      if (field < 1 || field > 7 || (seenMask & (1 << field)) != 0) return false;
      seenMask |= 1 << field;
      boolean delimited = field == 1 || field == 4 || field == 5;
      if (type != (delimited ? LENGTH_DELIMITED : VARINT)) return false;
      if (delimited) {
        int stop = delimitedEnd(end);
        if (malformed) return false;
        int start = pos;
        int len = stop - start;
        if (field == 1) {
          if (!Utf8.isValid(frame, start, len)) return false;
          topicOffset = start;
          topicLength = len;
        } else if (field == 4) {
          payloadOffset = start;
          payloadLength = len;
        } else {
          if (!Utf8.isValid(frame, start, len)) return false;
          keyOffset = start;
          keyLength = len;
        }
        pos = stop;
      } else {
        long v = varint(end);
        if (malformed) return false;
        if (field == 2) {
          epoch = v;
        } else if (field == 3) {
          sequence = v;
        } else if (field == 6) {
          timestampMillis = v;
        } else {
          replay = v != 0;
        }
      }
    }
    return pos == end;
  }

  /** Reads a length prefix and returns where the field ends; sets {@link #malformed} if past {@code limit}. */
  private int delimitedEnd(int limit) {
    long len = varint(limit);
    if (malformed) return 0;
    if (len < 0 || len > limit - pos) {
      malformed = true;
      return 0;
    }
    return pos + (int) len;
  }

  /** A base-128 varint of at most 10 bytes within {@code limit}; sets {@link #malformed} otherwise. */
  private long varint(int limit) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        malformed = true;
        return 0;
      }
      byte b = frame[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) return result;
    }
    malformed = true; // an eleventh byte: the generated parser refuses it too
    return 0;
  }

  public byte[] frame() {
    return frame;
  }

  public int topicOffset() {
    return topicOffset;
  }

  public int topicLength() {
    return topicLength;
  }

  public int keyOffset() {
    return keyOffset;
  }

  public int keyLength() {
    return keyLength;
  }

  public int payloadOffset() {
    return payloadOffset;
  }

  public int payloadLength() {
    return payloadLength;
  }

  public long epoch() {
    return epoch;
  }

  public long sequence() {
    return sequence;
  }

  public long timestampMillis() {
    return timestampMillis;
  }

  public boolean replay() {
    return replay;
  }
}
