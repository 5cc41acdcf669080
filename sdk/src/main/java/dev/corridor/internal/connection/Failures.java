package dev.corridor.internal.connection;

import dev.corridor.CorridorException;
import dev.corridor.CorridorException.Kind;
import dev.corridor.internal.transport.FrameException;
import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.Locale;
import java.util.TimeZone;
import org.jspecify.annotations.Nullable;

/**
 * Turns what the transport reports into typed {@link CorridorException}s, including the server's
 * hints of how long to wait (HTTP {@code Retry-After}, close reasons), and checks the handshake.
 * Hints are parsed as the server sent them, saturating at {@link Long#MAX_VALUE} ms; the
 * {@link RetryPlanner} caps them when it turns them into a wait.
 */
final class Failures {
  private Failures() {}

  /** The server closed the WebSocket. */
  static CorridorException serverClose(int code, String reason) {
    long retryAfter = code == 1013 || code == 4029 ? fromCloseReason(reason) : -1;
    return CorridorException.closedByServer(code, reason, retryAfter);
  }

  /** The upgrade or the connection failed. */
  static CorridorException transportFailure(Throwable error, int httpStatus, @Nullable String retryAfter, long nowMillis) {
    if (httpStatus > 0) {
      return new CorridorException(Kind.HTTP_STATUS, "upgrade answered with HTTP " + httpStatus,
          null, httpStatus, -1, fromHttpHeader(retryAfter, nowMillis));
    }
    if (error instanceof FrameException) {
      FrameException e = (FrameException) error;
      return new CorridorException(e.isTooLarge() ? Kind.MESSAGE_TOO_LARGE : Kind.PROTOCOL,
          e.getMessage() + " (closed with " + e.closeCode() + ")", e, -1, e.closeCode(), -1);
    }
    if (error instanceof java.net.ProtocolException) {
      return new CorridorException(Kind.PROTOCOL, "WebSocket handshake: " + error.getMessage(), error, -1, -1, -1);
    }
    if (error instanceof Error) {
      return CorridorException.network("the socket's reader failed: " + error, error);
    }
    return CorridorException.network(describe(error), error);
  }

  /**
   * What happened, in words a user can read in a status line ("connection refused by
   * feed.example.com:443"), rather than an exception's class and message
   * ({@code "EOFException: null"}). The exception stays the error's cause for the details.
   */
  static String describe(Throwable error) {
    String message = error.getMessage();
    boolean hasMessage = message != null && !message.isEmpty();
    if (error instanceof java.io.EOFException) {
      return "connection closed by the server without a close frame";
    }
    if (error instanceof java.net.UnknownHostException) {
      return "host not found" + (hasMessage ? ": " + firstLine(message) : "") + " (DNS lookup failed)";
    }
    if (error instanceof java.net.ConnectException) {
      return "connection refused" + (hasMessage ? " (" + firstLine(message) + ")" : "");
    }
    if (error instanceof java.net.NoRouteToHostException) {
      return "no route to the host (network unreachable)";
    }
    if (error instanceof java.net.SocketTimeoutException) {
      return "the network did not answer in time";
    }
    if (error instanceof javax.net.ssl.SSLHandshakeException) {
      return "TLS handshake failed" + (hasMessage ? ": " + firstLine(message) : "");
    }
    if (error instanceof javax.net.ssl.SSLException) {
      return "TLS error" + (hasMessage ? ": " + firstLine(message) : "");
    }
    if (hasMessage) {
      String lower = message.toLowerCase(Locale.ROOT);
      if (lower.contains("connection reset")) return "connection reset by the server or the network";
      if (lower.contains("connection refused")) return "connection refused";
      if (lower.contains("broken pipe")) return "connection broken while writing (the other side closed it)";
      if (lower.contains("socket closed") || lower.contains("socket is closed")) return "connection closed";
      return firstLine(message) + " (" + error.getClass().getSimpleName() + ")";
    }
    return "connection failed (" + error.getClass().getSimpleName() + ")";
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Why the upgrade's answer cannot be used, or null if it can. */
  static @Nullable CorridorException checkHandshake(ConnectionSettings settings, @Nullable String subprotocol,
      @Nullable String extensions) {
    if (extensions != null && !(settings.compression && isDeflateOnly(extensions))) {
      // RFC 6455 section 9.1: an extension the client did not offer fails the connection.
      return new CorridorException(Kind.PROTOCOL, "server imposed extensions '" + extensions
          + "' that were not offered");
    }
    if (!settings.subprotocol.equals(subprotocol)) {
      String chosen = subprotocol == null ? "none" : "'" + subprotocol + "'";
      return new CorridorException(Kind.SUBPROTOCOL_MISMATCH, "server selected subprotocol "
          + chosen + ", expected '" + settings.subprotocol + "'");
    }
    return null;
  }

  /** True if the server accepted exactly the permessage-deflate offer (with any of its parameters). */
  private static boolean isDeflateOnly(String extensions) {
    String e = extensions.trim().toLowerCase(Locale.ROOT);
    return e.startsWith("permessage-deflate") && !e.contains(",");
  }

  /** Visible ASCII, space and tab only (RFC 9110 field-value, without obsolete text). */
  static boolean isHeaderValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c >= 0x7f) return false;
    }
    return true;
  }

  /**
   * An HTTP {@code Retry-After} value (delay-seconds or an IMF-fixdate, RFC 9110 section 10.2.3)
   * in ms from {@code nowMillis}, or -1 when absent or unparseable. Too many seconds for a
   * {@code long} of ms saturate at {@link Long#MAX_VALUE}.
   */
  static long fromHttpHeader(@Nullable String value, long nowMillis) {
    if (value == null) return -1;
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? -1 : secondsToMillis(seconds);
    } catch (NumberFormatException notSeconds) {
      if (isDigits(v)) return Long.MAX_VALUE; // delay-seconds beyond a long
      SimpleDateFormat format = new SimpleDateFormat("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US);
      format.setTimeZone(TimeZone.getTimeZone("GMT"));
      try {
        return Math.max(0, format.parse(v).getTime() - nowMillis);
      } catch (ParseException e) {
        return -1;
      }
    }
  }

  /**
   * A close reason of the form {@code retry-after=<seconds>} (optionally after other text and a
   * semicolon), as protocol v1 servers send with close codes 1013 and 4029; -1 when absent.
   * Saturates at {@link Long#MAX_VALUE} ms.
   */
  static long fromCloseReason(String reason) {
    int i = reason.indexOf("retry-after=");
    if (i < 0) return -1;
    int start = i + "retry-after=".length();
    int end = start;
    while (end < reason.length() && Character.isDigit(reason.charAt(end))) end++;
    if (end == start) return -1;
    if (end - start > 18) return Long.MAX_VALUE; // beyond a long of seconds
    return secondsToMillis(Long.parseLong(reason.substring(start, end)));
  }

  private static long secondsToMillis(long seconds) {
    return seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    }
    return true;
  }
}
