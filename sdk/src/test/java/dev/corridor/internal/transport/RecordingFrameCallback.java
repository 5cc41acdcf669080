package dev.corridor.internal.transport;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okio.Buffer;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * A {@link FrameReader.Callback} that records what the reader found, and {@link #readAll} to run a
 * reader over some bytes until it stops, keeping how it stopped.
 */
final class RecordingFrameCallback implements FrameReader.Callback {
  /** One callback: kind, and its bytes (binary, ping), length (text) or close code and reason. */
  record Event(String kind, @Nullable ByteString bytes, long length, int code, String reason) {
    static Event binary(byte[] b) {
      return new Event("binary", ByteString.of(b), b.length, 0, "");
    }

    static Event text(long length) {
      return new Event("text", null, length, 0, "");
    }

    static Event ping(byte[] b) {
      return new Event("ping", ByteString.of(b), b.length, 0, "");
    }

    static Event pong() {
      return new Event("pong", null, 0, 0, "");
    }

    static Event close(int code, String reason) {
      return new Event("close", null, 0, code, reason);
    }

    @Override
    public String toString() {
      switch (kind) {
        case "binary":
        case "ping":
          return kind + "(" + length + " bytes " + WireFrames.hex(bytes.toByteArray(), 16) + ")";
        case "text":
          return "text(" + length + ")";
        case "close":
          return "close(" + code + ", '" + reason + "')";
        default:
          return kind;
      }
    }
  }

  /** How a run of the reader ended. */
  record Outcome(List<Event> events, @Nullable Throwable error, boolean closed, long unread) {
    FrameException frameException() {
      if (!(error instanceof FrameException)) {
        throw new AssertionError("expected a FrameException, the reader ended with " + error
            + " after " + events, error);
      }
      return (FrameException) error;
    }
  }

  final List<Event> events = new ArrayList<>();
  /** The largest array handed to {@link #onBinary} so far. */
  long largestBinary;

  @Override
  public void onBinary(byte[] message) {
    largestBinary = Math.max(largestBinary, message.length);
    events.add(Event.binary(message));
  }

  @Override
  public void onText(long bytes) {
    events.add(Event.text(bytes));
  }

  @Override
  public void onPing(byte[] payload) {
    events.add(Event.ping(payload));
  }

  @Override
  public void onPong() {
    events.add(Event.pong());
  }

  @Override
  public void onClose(int code, String reason) {
    events.add(Event.close(code, reason));
  }

  /**
   * Reads {@code input} with a fresh reader until it reports a close, throws or runs out. An
   * {@link EOFException} is only how a run ends when the input is used up; it is kept as the
   * outcome's error like any other.
   */
  static Outcome readAll(byte[] input, long limit, @Nullable MessageInflater inflater) {
    Buffer source = new Buffer().write(input);
    RecordingFrameCallback callback = new RecordingFrameCallback();
    FrameReader reader = new FrameReader(source, limit, inflater, callback);
    Throwable error = null;
    boolean closed = false;
    try {
      while (reader.readNext()) {
        // until a close frame, an exception, or the end of the input
      }
      closed = true;
    } catch (IOException | RuntimeException | Error e) {
      error = e;
    }
    return new Outcome(callback.events, error, closed, source.size());
  }
}
