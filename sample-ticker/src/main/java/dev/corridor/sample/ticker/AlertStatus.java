package dev.corridor.sample.ticker;

/** What became of the newest edit of an alert. */
public enum AlertStatus {
  /** Sent; the server has not acknowledged it yet (it waits in the outbox while offline). */
  PENDING,
  /** The server acknowledged it. */
  ACKNOWLEDGED,
  /** A newer message with the same key replaced it before it was written. */
  SUPERSEDED,
  /** Its TTL passed before it could be (re)sent. */
  EXPIRED,
  /** The server rejected it; {@link AlertRow#detail()} is the server's reason. */
  REJECTED,
  /** It ended OVERFLOW or CLOSED: the outbox was full, or the client closed first. */
  FAILED,
  /** The server reported the alert triggered (an {@code AlertTriggered} arrived). */
  TRIGGERED
}
