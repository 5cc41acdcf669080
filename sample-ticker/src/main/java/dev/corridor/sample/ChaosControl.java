package dev.corridor.sample;

import java.util.Locale;

/**
 * Run-time fault injection on the embedded feed server, so a developer can watch Corridor ride
 * them out. Implemented by the server; the ticker's keys call it. Thread-safe.
 */
public interface ChaosControl {
  /** How long a restart keeps the port closed. */
  long RESTART_DOWNTIME_MILLIS = 2_000;
  /** How long {@link Mode#DELAY_ACKS} holds each acknowledgement. */
  long ACK_DELAY_MILLIS = 3_000;
  /** Messages per topic that {@link Mode#TRIM_HISTORY} leaves for replay. */
  int TRIM_TO = 5;
  /** Delay from switching an event mode on to its first event, so it shows at once. */
  long FIRST_EVENT_MILLIS = 2_000;

  /**
   * Faults that can be switched on and off. An <em>event</em> mode fires
   * {@link #FIRST_EVENT_MILLIS} after it is switched on, then again after a seeded random interval
   * between {@link #minIntervalMillis()} and {@link #maxIntervalMillis()}; a <em>standing</em>
   * mode (the ack faults) applies to everything while it is on.
   */
  enum Mode {
    /** Abruptly drop a connection (TCP reset, no close frame). */
    KILL("kill", "drops a connection abruptly (no close frame)", 4_000, 8_000),
    /** Stop reading and writing a connection without closing it: a half-open link. */
    STALL("stall", "a connection goes silent but stays open; the heartbeat must notice", 12_000, 20_000),
    /** Restart the whole server, keeping sessions (clients resume). */
    RESTART("restart", "restarts the server (down " + RESTART_DOWNTIME_MILLIS / 1000 + " s); sessions survive, "
        + "clients resume", 20_000, 30_000),
    /** Restart the whole server, losing sessions and history (clients see discontinuities). */
    RESTART_LOSE_SESSIONS("restart-lose", "restarts the server (down " + RESTART_DOWNTIME_MILLIS / 1000
        + " s), losing sessions and history", 20_000, 30_000),
    /** Delay acknowledgements of publishes by seconds. */
    DELAY_ACKS("delay-acks", "holds every publish ack for " + ACK_DELAY_MILLIS / 1000 + " s", 0, 0),
    /** Drop acknowledgements of publishes (the client resends after the next reconnect). */
    DROP_ACKS("drop-acks", "drops publish acks; the client resends after it reconnects", 0, 0),
    /** Trim replay history to a handful of messages. */
    TRIM_HISTORY("trim", "trims replay history to " + TRIM_TO + " messages per topic", 4_000, 8_000);

    private final String label;
    private final String effect;
    private final long minIntervalMillis;
    private final long maxIntervalMillis;

    Mode(String label, String effect, long minIntervalMillis, long maxIntervalMillis) {
      this.label = label;
      this.effect = effect;
      this.minIntervalMillis = minIntervalMillis;
      this.maxIntervalMillis = maxIntervalMillis;
    }

    /** The one name used everywhere: the {@code --chaos} option, the key legend, the status. */
    public String label() {
      return label;
    }

    /** What one event of this mode (or, for a standing mode, being on) does, for people. */
    public String effect() {
      return effect;
    }

    /** Whether it fires events (true) or applies while on (false: the ack faults). */
    public boolean isEvent() {
      return maxIntervalMillis > 0;
    }

    /** Shortest time between two events; 0 for a standing mode. */
    public long minIntervalMillis() {
      return minIntervalMillis;
    }

    /** Longest time between two events; 0 for a standing mode. */
    public long maxIntervalMillis() {
      return maxIntervalMillis;
    }

    /**
     * The mode called {@code name}: its label, or (for older command lines) its enum name in any
     * case with - or _, e.g. {@code restart-lose-sessions}, {@code trim-history}; null if none.
     */
    public static Mode named(String name) {
      String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      for (Mode m : values()) {
        if (m.label.equals(n) || m.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(n)) return m;
      }
      return null;
    }
  }

  void set(Mode mode, boolean enabled);

  boolean isEnabled(Mode mode);

  /**
   * Time until {@code mode}'s next event, in ms (0 if due now); -1 if it is off or a standing
   * mode.
   */
  long nextEventInMillis(Mode mode);

  /** Drops every connection now (abruptly). */
  void killNow();

  /** The labels of the modes that are on, e.g. {@code "kill stall"}, or {@code "off"}. */
  String describe();
}
