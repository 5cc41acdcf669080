package dev.corridor.internal.transport;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import okio.Buffer;

/**
 * Inflates {@code permessage-deflate} messages (RFC 7692) in bounded steps: output is produced a
 * chunk at a time and inflation stops, with a {@link FrameException} of 1009, as soon as the
 * message would pass the limit. A bomb that inflates 0.5 MiB into 512 MiB therefore costs the
 * limit and the CPU to produce it, nothing more. Not thread safe: the reader thread owns it.
 */
final class MessageInflater {
  private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

  private final Inflater inflater = new Inflater(true);
  private final boolean noContextTakeover;
  private final byte[] chunk = new byte[8192];

  /** {@code noContextTakeover}: the server resets its compressor per message, so do we. */
  MessageInflater(boolean noContextTakeover) {
    this.noContextTakeover = noContextTakeover;
  }

  byte[] inflate(byte[] compressed, long limit) throws FrameException {
    if (noContextTakeover) inflater.reset();
    byte[] input = new byte[compressed.length + TAIL.length];
    System.arraycopy(compressed, 0, input, 0, compressed.length);
    System.arraycopy(TAIL, 0, input, compressed.length, TAIL.length);
    inflater.setInput(input);
    Buffer out = new Buffer();
    try {
      while (true) {
        int n = inflater.inflate(chunk);
        if (n > 0) {
          if (out.size() + n > limit) {
            inflater.reset(); // the stream is abandoned with the connection
            throw FrameException.tooBig(out.size() + n, limit, "message (inflated, so far)");
          }
          out.write(chunk, 0, n);
        } else if (inflater.finished() || inflater.needsInput()) {
          break;
        } else if (inflater.needsDictionary()) {
          throw FrameException.protocol("compressed message needs a preset dictionary");
        }
      }
    } catch (DataFormatException e) {
      throw FrameException.protocol("compressed message is not valid DEFLATE data");
    }
    if (inflater.finished()) inflater.reset(); // a final block ends the stream: the next message starts afresh
    return out.readByteArray();
  }

  void close() {
    inflater.end();
  }
}
