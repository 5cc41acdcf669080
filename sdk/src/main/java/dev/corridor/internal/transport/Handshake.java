package dev.corridor.internal.transport;

import java.net.ProtocolException;
import java.security.SecureRandom;
import java.util.Locale;
import okhttp3.Request;
import okhttp3.Response;
import okio.ByteString;
import okio.Socket;
import org.jspecify.annotations.Nullable;

/** The RFC 6455 opening handshake over an OkHttp call: the request's headers and the answer's checks. */
final class Handshake {
  static final String EXTENSIONS = "Sec-WebSocket-Extensions";
  /** What Corridor offers when compression is enabled. It only inflates: its own frames go uncompressed, which RFC 7692 allows. */
  static final String DEFLATE_OFFER = "permessage-deflate";

  private Handshake() {}

  /** The upgrade was answered with something other than a valid 101; carries the HTTP status. */
  static final class RefusedException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  /** A fresh Sec-WebSocket-Key: 16 random bytes, base64. */
  static String newKey(SecureRandom random) {
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    return ByteString.of(nonce).base64();
  }

  static Request.Builder upgrade(Request.Builder request, String key, boolean compression) {
    request.header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Key", key)
        .header("Sec-WebSocket-Version", "13");
    if (compression) {
      request.header(EXTENSIONS, DEFLATE_OFFER);
    } else {
      request.removeHeader(EXTENSIONS);
    }
    return request;
  }

  /** The upgraded socket, if the answer is a valid WebSocket upgrade for {@code key}. */
  static Socket check(Response response, String key) throws ProtocolException {
    if (response.code() != 101) {
      throw new RefusedException("upgrade answered with HTTP " + response.code() + " " + response.message());
    }
    requireToken(response, "Connection", "upgrade");
    requireToken(response, "Upgrade", "websocket");
    String accept = response.header("Sec-WebSocket-Accept");
    String expected = ByteString.encodeUtf8(key + Frames.ACCEPT_MAGIC).sha1().base64();
    if (!expected.equals(accept)) {
      throw new ProtocolException("Sec-WebSocket-Accept was '" + accept + "', expected '" + expected + "'");
    }
    Socket socket = response.socket();
    if (socket == null) throw new ProtocolException("OkHttp returned no upgraded socket (an interceptor replaced the response?)");
    return socket;
  }

  private static void requireToken(Response response, String name, String token) throws ProtocolException {
    String value = response.header(name);
    if (value != null) {
      for (String part : value.split(",")) {
        if (part.trim().toLowerCase(Locale.ROOT).equals(token)) return;
      }
    }
    throw new ProtocolException("upgrade answer's " + name + " header was '" + value + "', expected '" + token + "'");
  }

  /**
   * The inflater for the server's answer to our offer, or null if it accepted nothing we can use.
   * Extensions the client did not offer are refused before any frame is read (by the connection,
   * which sees the header in {@code onOpen}).
   */
  static @Nullable MessageInflater inflater(String extensions) {
    String lower = extensions.toLowerCase(Locale.ROOT);
    if (!lower.contains("permessage-deflate")) return null;
    return new MessageInflater(lower.contains("server_no_context_takeover"));
  }
}
