package dev.corridor.bench.wire;

import dev.corridor.proto.v1.Deliver;
import dev.corridor.proto.v1.Envelope;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The limit: the least a client can do with the same loopback stream. A plain socket, the upgrade
 * written by hand, then a minimal RFC 6455 frame parser (no masking, no fragments, no control
 * frames expected) and the generated protobuf parser for each {@code Deliver}, nothing else: no
 * connection state, no heartbeat, no sequence checks beyond counting, no hand-off to another
 * thread. It is what owning the frames could at best achieve; the other two sides are reported
 * as a fraction of it.
 */
final class LimitSide {
  private final ServerProcess server;

  LimitSide(ServerProcess server) {
    this.server = server;
  }

  Map<String, Double> inbound(int size, int count, int rate) throws Exception {
    Probe probe = new Probe(server);
    long[] firstAndLast = new long[2];
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setTcpNoDelay(true);
      socket.setReceiveBufferSize(1 << 20);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /raw/feed?size=" + size + "&count=" + count + "&rate=" + rate + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + server.port() + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream raw = socket.getInputStream();
      probe.start();
      skipResponseHead(raw);
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
      long payloadBytes = 0;
      for (long received = 1; received <= count; received++) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        if ((b0 & 0x0f) != 0x2 || (b0 & 0x80) == 0 || (b1 & 0x80) != 0) {
          throw new IOException("unexpected frame header " + b0 + " " + b1);
        }
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] frame = new byte[(int) len];
        in.readFully(frame);
        Deliver d = Envelope.parseFrom(frame).getDeliver();
        if (d.getSequence() != received) throw new IllegalStateException("out of order");
        payloadBytes += d.getPayload().size();
        if (received == 1) firstAndLast[0] = System.nanoTime();
      }
      firstAndLast[1] = System.nanoTime();
      probe.stop();
      if (payloadBytes != (long) size * count) throw new IllegalStateException("payload bytes");
    }
    return RawSide.inboundFigures(count, firstAndLast, probe);
  }

  /** Reads the 101 answer's head up to the blank line, byte by byte, so no frame byte is consumed. */
  private static void skipResponseHead(InputStream in) throws IOException {
    int matched = 0;
    StringBuilder status = new StringBuilder();
    while (matched < 4) {
      int b = in.read();
      if (b < 0) throw new IOException("closed during the upgrade");
      if (status.length() < 12) status.append((char) b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    if (!status.toString().startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + status);
  }
}
