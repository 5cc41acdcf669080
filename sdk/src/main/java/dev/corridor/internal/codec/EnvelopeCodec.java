package dev.corridor.internal.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.CorridorException;
import dev.corridor.proto.v1.Envelope;

/**
 * Turns bytes into envelopes and back. Decoding never throws anything but a typed
 * {@link CorridorException} of kind {@code PROTOCOL}; sizes are checked by the caller beforehand.
 */
public final class EnvelopeCodec {
  /** The protocol version this SDK speaks. */
  public static final int VERSION = 1;
  /** The WebSocket subprotocol for {@link #VERSION}. */
  public static final String SUBPROTOCOL = "corridor.v1";

  private EnvelopeCodec() {}

  /** The envelope was well-formed but of another protocol version. */
  public static final class UnsupportedVersionException extends Exception {
    private static final long serialVersionUID = 1L;
    private final CorridorException error;

    UnsupportedVersionException(CorridorException error) {
      super(error.getMessage());
      this.error = error;
    }

    public CorridorException error() {
      return error;
    }
  }

  public static Envelope decode(byte[] message) throws CorridorException, UnsupportedVersionException {
    Envelope envelope;
    try {
      envelope = Envelope.parseFrom(message);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new CorridorException(CorridorException.Kind.PROTOCOL,
          "malformed envelope of " + message.length + " bytes", e, -1, -1, -1);
    }
    if (envelope.getProtocolVersion() != VERSION) {
      throw new UnsupportedVersionException(new CorridorException(CorridorException.Kind.PROTOCOL,
          "unsupported protocol version " + envelope.getProtocolVersion() + " (expected " + VERSION + ")"));
    }
    if (envelope.getKindCase() == Envelope.KindCase.KIND_NOT_SET) {
      throw new CorridorException(CorridorException.Kind.PROTOCOL, "envelope of unknown kind");
    }
    return envelope;
  }

  /** A builder with the protocol version set. */
  public static Envelope.Builder envelope() {
    return Envelope.newBuilder().setProtocolVersion(VERSION);
  }

  public static byte[] encode(Envelope envelope) {
    return envelope.toByteArray();
  }
}
