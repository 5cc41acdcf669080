package dev.corridor;

/** A snapshot of a client's counters and round-trip times. Immutable. */
public final class ClientStats {
  private final ConnectionState state;
  private final long attempts;
  private final long connections;
  private final long messagesIn;
  private final long messagesOut;
  private final long bytesIn;
  private final long bytesOut;
  private final long protocolErrors;
  private final long lastRttNanos;
  private final long smoothedRttNanos;
  private final int outboxMessages;
  private final long outboxBytes;
  private final long[] sendOutcomes;
  private final long duplicatesDropped;
  private final long gapsDetected;
  private final long messagesReplayed;
  private final long discontinuities;
  private final long oldestUnacknowledgedAgeMillis;
  private final long lastInboundAgeMillis;

  ClientStats(ConnectionState state, long attempts, long connections, long messagesIn,
      long messagesOut, long bytesIn, long bytesOut, long protocolErrors, long lastRttNanos,
      long smoothedRttNanos, int outboxMessages, long outboxBytes, long[] sendOutcomes,
      long duplicatesDropped, long gapsDetected, long messagesReplayed, long discontinuities,
      long oldestUnacknowledgedAgeMillis, long lastInboundAgeMillis) {
    this.oldestUnacknowledgedAgeMillis = oldestUnacknowledgedAgeMillis;
    this.lastInboundAgeMillis = lastInboundAgeMillis;
    this.outboxMessages = outboxMessages;
    this.outboxBytes = outboxBytes;
    this.sendOutcomes = sendOutcomes;
    this.duplicatesDropped = duplicatesDropped;
    this.gapsDetected = gapsDetected;
    this.messagesReplayed = messagesReplayed;
    this.discontinuities = discontinuities;
    this.state = state;
    this.attempts = attempts;
    this.connections = connections;
    this.messagesIn = messagesIn;
    this.messagesOut = messagesOut;
    this.bytesIn = bytesIn;
    this.bytesOut = bytesOut;
    this.protocolErrors = protocolErrors;
    this.lastRttNanos = lastRttNanos;
    this.smoothedRttNanos = smoothedRttNanos;
  }

  public ConnectionState state() {
    return state;
  }

  /** Connection attempts started since {@code connect()}. */
  public long attempts() {
    return attempts;
  }

  /** Connections established (Welcome received). */
  public long connections() {
    return connections;
  }

  /** Connections established after the first one. */
  public long reconnects() {
    return Math.max(0, connections - 1);
  }

  public long messagesIn() {
    return messagesIn;
  }

  public long messagesOut() {
    return messagesOut;
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  /** Inbound messages discarded as oversized, malformed or unknown. */
  public long protocolErrors() {
    return protocolErrors;
  }

  /** The last measured round-trip time in ns, or 0 before the first Pong. */
  public long lastRttNanos() {
    return lastRttNanos;
  }

  /** The smoothed round-trip time (EWMA, gain 1/8) in ns, or 0 before the first Pong. */
  public long smoothedRttNanos() {
    return smoothedRttNanos;
  }

  /** Messages in the outbox (waiting and in flight). */
  public int outboxMessages() {
    return outboxMessages;
  }

  /** Bytes charged to the outbox. */
  public long outboxBytes() {
    return outboxBytes;
  }

  /** Sent messages that ended with {@code outcome} since the client was built. */
  public long sendOutcomes(SendResult.Outcome outcome) {
    return sendOutcomes[outcome.ordinal()];
  }

  /** Deliveries dropped because the application already had them. */
  public long duplicatesDropped() {
    return duplicatesDropped;
  }

  /** Sequence gaps detected (each one triggers a replay request). */
  public long gapsDetected() {
    return gapsDetected;
  }

  /** Deliveries that were replays of history. */
  public long messagesReplayed() {
    return messagesReplayed;
  }

  /** Discontinuities reported to subscribers. */
  public long discontinuities() {
    return discontinuities;
  }

  /**
   * Age in ms of the oldest message accepted by {@code send} and not yet acknowledged (best effort:
   * not yet written), 0 when none waits. See {@link ConnectionHealth}.
   */
  public long oldestUnacknowledgedAgeMillis() {
    return oldestUnacknowledgedAgeMillis;
  }

  /** Ms since the last message from the server, on any connection; -1 before the first. */
  public long lastInboundAgeMillis() {
    return lastInboundAgeMillis;
  }

  @Override
  public String toString() {
    return "ClientStats{state=" + state + ", attempts=" + attempts + ", connections=" + connections
        + ", in=" + messagesIn + "/" + bytesIn + "B, out=" + messagesOut + "/" + bytesOut
        + "B, protocolErrors=" + protocolErrors + ", rtt=" + lastRttNanos / 1000 + "us, srtt="
        + smoothedRttNanos / 1000 + "us, outbox=" + outboxMessages + "/" + outboxBytes + "B, duplicates="
        + duplicatesDropped + ", gaps=" + gapsDetected + ", replayed=" + messagesReplayed
        + ", discontinuities=" + discontinuities + ", oldestUnacknowledgedAge="
        + oldestUnacknowledgedAgeMillis + "ms, lastInboundAge=" + lastInboundAgeMillis + "ms}";
  }
}
