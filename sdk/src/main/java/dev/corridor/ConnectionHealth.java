package dev.corridor;

import dev.corridor.internal.ConnectionHealthAccess;

/**
 * How fresh a client's traffic is, as a user would notice: messages the app sent that the server
 * has not acknowledged yet, and silence from the server. Handed to
 * {@link StateListener#onHealthChanged} whenever a threshold set with
 * {@link CorridorClient.Builder#healthThresholds} is crossed, either way. The ages are also in
 * {@link ClientStats}. Immutable; tests build one with
 * {@link dev.corridor.testing.TestValues#health}.
 *
 * <p>Why: a link that is black-holed stays {@link ConnectionState#CONNECTED} until the heartbeat
 * declares it dead (35 s by default), and messages accepted meanwhile are delivered late, after the
 * reconnect. A UI can show "sending…" or "prices may be stale" as soon as it matters to its users.
 */
public final class ConnectionHealth {
  static {
    ConnectionHealthAccess.install(ConnectionHealth::new);
  }

  private final boolean sendsDelayed;
  private final boolean inboundSilent;
  private final long oldestUnacknowledgedAgeMillis;
  private final long lastInboundAgeMillis;

  private ConnectionHealth(boolean sendsDelayed, boolean inboundSilent, long oldestUnacknowledgedAgeMillis,
      long lastInboundAgeMillis) {
    this.sendsDelayed = sendsDelayed;
    this.inboundSilent = inboundSilent;
    this.oldestUnacknowledgedAgeMillis = oldestUnacknowledgedAgeMillis;
    this.lastInboundAgeMillis = lastInboundAgeMillis;
  }

  /** Whether the oldest message not yet acknowledged has waited longer than its threshold. */
  public boolean sendsDelayed() {
    return sendsDelayed;
  }

  /** Whether nothing has arrived from the server for longer than its threshold. */
  public boolean inboundSilent() {
    return inboundSilent;
  }

  /** Whether neither signal is raised. */
  public boolean isHealthy() {
    return !sendsDelayed && !inboundSilent;
  }

  /**
   * Age in ms of the oldest message accepted by {@code send} and not yet acknowledged (best effort:
   * not yet written), 0 when none waits.
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
    return "ConnectionHealth{sendsDelayed=" + sendsDelayed + ", inboundSilent=" + inboundSilent
        + ", oldestUnacknowledgedAge=" + oldestUnacknowledgedAgeMillis + "ms, lastInboundAge="
        + lastInboundAgeMillis + "ms}";
  }
}
