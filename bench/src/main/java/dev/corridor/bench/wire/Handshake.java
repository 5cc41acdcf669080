package dev.corridor.bench.wire;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/** The server side of an RFC 6455 opening handshake, as far as OkHttp's client needs it. */
final class Handshake {
  final String path;
  private final String key;
  /** The Corridor subprotocol, if the client offered it; selected in the answer. */
  private final String subprotocol;

  private Handshake(String path, String key, String subprotocol) {
    this.path = path;
    this.key = key;
    this.subprotocol = subprotocol;
  }

  /** Reads the request head byte by byte, so nothing after it is consumed. */
  static Handshake read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) throw new EOFException("connection closed during the handshake");
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 16_384) throw new IOException("request head too large");
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    String key = null;
    String subprotocol = null;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon < 0) continue;
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("sec-websocket-key")) key = value;
      if (name.equals("sec-websocket-protocol") && value.contains("corridor.v1")) subprotocol = "corridor.v1";
    }
    if (key == null || requestLine.length < 2) throw new IOException("not a WebSocket upgrade: " + lines[0]);
    return new Handshake(requestLine[1], key, subprotocol);
  }

  byte[] response(byte[] guid) {
    String accept;
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(key.getBytes(StandardCharsets.US_ASCII));
      accept = Base64.getEncoder().encodeToString(sha1.digest(guid));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    String response = "HTTP/1.1 101 Switching Protocols\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept + "\r\n"
        + (subprotocol != null ? "Sec-WebSocket-Protocol: " + subprotocol + "\r\n" : "")
        + "\r\n";
    return response.getBytes(StandardCharsets.US_ASCII);
  }
}
