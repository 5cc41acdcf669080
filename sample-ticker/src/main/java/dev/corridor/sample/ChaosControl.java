package dev.corridor.sample;

/**
 * Run-time fault injection on the embedded feed server, so a developer can watch Corridor ride
 * them out. Implemented by the server; the ticker's keys call it. Thread-safe.
 */
public interface ChaosControl {
  /** Faults that can be switched on and off. While on, each fires at random (seeded) moments. */
  enum Mode {
    /** Abruptly drop connections (TCP reset, no close frame). */
    KILL,
    /** Stop reading and writing a connection without closing it: a half-open link. */
    STALL,
    /** Restart the whole server, keeping sessions (clients resume). */
    RESTART,
    /** Restart the whole server, losing sessions and history (clients see discontinuities). */
    RESTART_LOSE_SESSIONS,
    /** Delay acknowledgements of publishes by seconds. */
    DELAY_ACKS,
    /** Drop acknowledgements of publishes (the client resends after the next reconnect). */
    DROP_ACKS,
    /** Trim replay history to a handful of messages. */
    TRIM_HISTORY
  }

  void set(Mode mode, boolean enabled);

  boolean isEnabled(Mode mode);

  /** Drops every connection now (abruptly). */
  void killNow();

  /** A short description of what is on, e.g. {@code "kill stall"}, or {@code "off"}. */
  String describe();
}
