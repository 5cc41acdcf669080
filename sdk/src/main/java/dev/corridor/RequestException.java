package dev.corridor;

/** Why a request produced no response. */
public final class RequestException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** No response within the request's timeout. */
    TIMEOUT,
    /** The connection dropped after the request was sent, and it is not idempotent. */
    DISCONNECTED,
    /** The client was closed or failed. */
    CLOSED,
    /** The server refused the request with an Error (see the message). */
    REJECTED
  }

  private final Kind kind;

  public RequestException(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
