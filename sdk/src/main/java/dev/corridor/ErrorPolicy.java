package dev.corridor;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides what a failure means for the connection: retry with backoff, fetch a fresh token once
 * and retry, or stop in {@link ConnectionState#FAILED}. A table, not scattered conditions: a
 * server close is looked up by close code, a failed upgrade by HTTP status, anything else by
 * {@link CorridorException.Kind}. Start from {@link #DEFAULT} and override rows:
 *
 * <pre>{@code
 * ErrorPolicy policy = ErrorPolicy.DEFAULT.toBuilder()
 *     .closeCode(4100, ErrorPolicy.Disposition.FAIL)    // our server's "account suspended"
 *     .httpStatus(404, ErrorPolicy.Disposition.RETRY)   // endpoint rolled out gradually
 *     .build();
 * }</pre>
 *
 * The default table is listed in {@code docs/defaults.md}.
 */
public final class ErrorPolicy {
  /** What the client does after a failure. */
  public enum Disposition {
    /** Reconnect after the backoff delay (and any server hint). */
    RETRY,
    /**
     * Ask the {@link TokenProvider} for a fresh token and reconnect; if the fresh token is refused
     * too, stop in {@link ConnectionState#FAILED}.
     */
    REAUTHENTICATE,
    /** Stop in {@link ConnectionState#FAILED}. */
    FAIL
  }

  /** The default table; see {@code docs/defaults.md}. */
  public static final ErrorPolicy DEFAULT = defaults();

  private final Map<CorridorException.Kind, Disposition> kinds;
  private final Map<Integer, Disposition> closeCodes;
  private final Map<Integer, Disposition> httpStatuses;

  private ErrorPolicy(Builder b) {
    this.kinds = Collections.unmodifiableMap(new EnumMap<>(b.kinds));
    this.closeCodes = Collections.unmodifiableMap(new HashMap<>(b.closeCodes));
    this.httpStatuses = Collections.unmodifiableMap(new HashMap<>(b.httpStatuses));
  }

  /** The disposition for {@code error}. */
  public Disposition dispositionFor(CorridorException error) {
    switch (error.kind()) {
      case CLOSED_BY_SERVER:
        return forCloseCode(error.closeCode());
      case HTTP_STATUS:
        return forHttpStatus(error.httpStatus());
      default:
        Disposition d = kinds.get(error.kind());
        return d != null ? d : Disposition.RETRY;
    }
  }

  /** The row for a close code; codes without a row are retried. */
  public Disposition forCloseCode(int code) {
    Disposition d = closeCodes.get(code);
    return d != null ? d : Disposition.RETRY;
  }

  /** The row for an HTTP status; without a row, 5xx is retried and any other status fails. */
  public Disposition forHttpStatus(int status) {
    Disposition d = httpStatuses.get(status);
    if (d != null) return d;
    return status >= 500 && status <= 599 ? Disposition.RETRY : Disposition.FAIL;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.kinds.putAll(kinds);
    b.closeCodes.putAll(closeCodes);
    b.httpStatuses.putAll(httpStatuses);
    return b;
  }

  private static ErrorPolicy defaults() {
    Builder b = new Builder();
    for (CorridorException.Kind k : CorridorException.Kind.values()) b.kind(k, Disposition.RETRY);
    b.kind(CorridorException.Kind.SUBPROTOCOL_MISMATCH, Disposition.FAIL)
        .kind(CorridorException.Kind.AUTHENTICATION, Disposition.REAUTHENTICATE)
        .kind(CorridorException.Kind.SERVER_REFUSED, Disposition.FAIL)
        .kind(CorridorException.Kind.PROTOCOL, Disposition.FAIL);
    // RFC 6455 section 7.4.1 and the IANA registry; 4xxx are protocol v1's own (docs/protocol.md).
    int[] retry = {1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014, 4008, 4029};
    int[] fail = {1002, 1003, 1007, 1008, 1009, 1010, 1015};
    for (int c : retry) b.closeCode(c, Disposition.RETRY);
    for (int c : fail) b.closeCode(c, Disposition.FAIL);
    b.closeCode(4001, Disposition.REAUTHENTICATE);
    b.httpStatus(401, Disposition.REAUTHENTICATE)
        .httpStatus(403, Disposition.REAUTHENTICATE)
        .httpStatus(408, Disposition.RETRY)
        .httpStatus(429, Disposition.RETRY);
    return b.build();
  }

  public static final class Builder {
    private final Map<CorridorException.Kind, Disposition> kinds =
        new EnumMap<>(CorridorException.Kind.class);
    private final Map<Integer, Disposition> closeCodes = new HashMap<>();
    private final Map<Integer, Disposition> httpStatuses = new HashMap<>();

    private Builder() {}

    /**
     * Row for a kind of failure. {@link CorridorException.Kind#CLOSED_BY_SERVER} and
     * {@link CorridorException.Kind#HTTP_STATUS} are decided by their code tables instead.
     */
    public Builder kind(CorridorException.Kind kind, Disposition disposition) {
      kinds.put(nonNull(kind, "kind"), nonNull(disposition, "disposition"));
      return this;
    }

    /** Row for a WebSocket close code sent by the server (1000-4999). */
    public Builder closeCode(int code, Disposition disposition) {
      if (code < 1000 || code > 4999) {
        throw new IllegalArgumentException("close code out of range 1000-4999: " + code);
      }
      closeCodes.put(code, nonNull(disposition, "disposition"));
      return this;
    }

    /** Row for an HTTP status answering the upgrade (100-599). */
    public Builder httpStatus(int status, Disposition disposition) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("HTTP status out of range 100-599: " + status);
      }
      httpStatuses.put(status, nonNull(disposition, "disposition"));
      return this;
    }

    public ErrorPolicy build() {
      return new ErrorPolicy(this);
    }

    private static <T> T nonNull(T value, String name) {
      if (value == null) throw new NullPointerException(name + " == null");
      return value;
    }
  }
}
