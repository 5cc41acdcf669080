package dev.corridor;

import org.jspecify.annotations.Nullable;

/**
 * A typed failure of a connection attempt, a connection or an inbound message. The {@link Kind}
 * says what went wrong; {@link #httpStatus()}, {@link #closeCode()} and {@link #retryAfterMillis()}
 * carry the details the {@link ErrorPolicy} decides on. Messages never contain credentials.
 */
public final class CorridorException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** An I/O failure: DNS, TCP, TLS, a reset or an unexpected end of stream. */
    NETWORK,
    /** The WebSocket upgrade was answered with an HTTP status other than 101. */
    HTTP_STATUS,
    /** The server did not select the {@code corridor.v1} subprotocol. */
    SUBPROTOCOL_MISMATCH,
    /** The token provider threw: no credentials could be had for this attempt. */
    TOKEN_UNAVAILABLE,
    /** The server refused the credentials (HTTP 401/403, close code 4001, or an Error saying so). */
    AUTHENTICATION,
    /** The server closed the WebSocket; see {@link #closeCode()}. */
    CLOSED_BY_SERVER,
    /** The server sent a retryable Error envelope concerning the connection (e.g. overloaded). */
    SERVER_ERROR,
    /** The server sent a non-retryable Error envelope concerning the connection. */
    SERVER_REFUSED,
    /** No frame arrived within the heartbeat interval plus the pong timeout. */
    HEARTBEAT_TIMEOUT,
    /** No Welcome arrived within the handshake timeout. */
    HANDSHAKE_TIMEOUT,
    /** An inbound message exceeded the maximum inbound message size. */
    MESSAGE_TOO_LARGE,
    /**
     * An inbound message was not a valid protocol v1 envelope, or broke a protocol rule, or the
     * server broke the WebSocket protocol (RFC 6455: reserved bits, a masked or malformed frame,
     * an invalid close code); the connection was then closed with 1002 or 1007.
     */
    PROTOCOL,
    /**
     * A RELIABLE subscription's listener did not keep up: its full queue held the socket's reads
     * for longer than {@link CorridorClient.Builder#readHoldTimeout}. The connection is dropped
     * and re-established; the subscription resumes after its last delivered message.
     */
    SLOW_CONSUMER,
    /**
     * A bug in Corridor: one of its own tasks threw. The client is {@link ConnectionState#FAILED}
     * with this as its error, and the cause is the exception; please report it.
     */
    INTERNAL,
    /**
     * The attempt or connection was abandoned on purpose: {@code close()}, {@code pause()} or a
     * network loss reported by the {@link NetworkMonitor}.
     */
    CANCELLED
  }

  private final Kind kind;
  private final int httpStatus;
  private final int closeCode;
  private final long retryAfterMillis;

  public CorridorException(Kind kind, String message) {
    this(kind, message, null, -1, -1, -1);
  }

  public CorridorException(
      Kind kind,
      String message,
      @Nullable Throwable cause,
      int httpStatus,
      int closeCode,
      long retryAfterMillis) {
    super(kind + ": " + message, cause);
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.closeCode = closeCode;
    this.retryAfterMillis = retryAfterMillis;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status of a failed upgrade, or -1. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The WebSocket close code the server sent (or we sent, for 1009), or -1. */
  public int closeCode() {
    return closeCode;
  }

  /** The server's hint of how long to wait before retrying, in ms, or -1 when it gave none. */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }

  public static CorridorException network(String message, @Nullable Throwable cause) {
    return new CorridorException(Kind.NETWORK, message, cause, -1, -1, -1);
  }

  public static CorridorException closedByServer(int code, String reason, long retryAfterMillis) {
    String text = reason.isEmpty() ? "code " + code : "code " + code + " (" + reason + ")";
    return new CorridorException(Kind.CLOSED_BY_SERVER, text, null, -1, code, retryAfterMillis);
  }
}
