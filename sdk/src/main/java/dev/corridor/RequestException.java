package dev.corridor;

import org.jspecify.annotations.Nullable;

/** Why a request produced no successful response. */
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
    REJECTED,
    /**
     * The server answered, but not with {@link Response.Status#OK} ({@code NOT_FOUND} for an
     * unknown method, say): {@link #response()} has its status, message and payload.
     */
    NOT_OK
  }

  private final Kind kind;
  private final @Nullable Response response;

  public RequestException(Kind kind, String message) {
    super(kind + ": " + message);
    this.kind = kind;
    this.response = null;
  }

  /** A request answered with a status other than OK. */
  public RequestException(Response response) {
    super(Kind.NOT_OK + ": " + response.status()
        + (response.message().isEmpty() ? "" : ": " + response.message()));
    this.kind = Kind.NOT_OK;
    this.response = response;
  }

  public Kind kind() {
    return kind;
  }

  /** The server's answer when the kind is {@link Kind#NOT_OK}, else null. */
  public @Nullable Response response() {
    return response;
  }
}
