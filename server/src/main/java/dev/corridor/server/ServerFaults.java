package dev.corridor.server;

import java.util.List;

/**
 * Faults to inject into a running server, for tests and demonstrations of clients' resilience
 * (the sample's chaos controls): never for production. Every method takes effect at once.
 */
public interface ServerFaults {
  /** One open connection, to break. */
  interface Connection {
    /** Drops the socket at once, without a close frame. */
    void disconnect();

    /** Stops reading and writing while keeping the socket open: a half-open link. */
    void stall();

    boolean isStalled();
  }

  /** Acknowledges no publish while on (the publishes are still applied and deduplicated). */
  void dropAcks(boolean on);

  /** Delays every acknowledgement by {@code millis} (0: none). */
  void delayAcks(long millis);

  /** The open connections, in the order they were opened. */
  List<Connection> connections();

  /** Cuts every topic's history down to its newest {@code keep} messages. */
  void trimHistories(int keep);

  /**
   * Forgets sessions, publish deduplication and history: every stream starts a new epoch, as
   * after a restart of a server that keeps nothing.
   */
  void loseState();
}
