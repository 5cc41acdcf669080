package dev.corridor.internal.connection;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CLOSING;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.OFFLINE;
import static dev.corridor.ConnectionState.PAUSED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;

import dev.corridor.ConnectionState;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The transition table: the only legal moves between {@link ConnectionState}s. docs/state-machine.md
 * draws it, and a test checks the drawing against this table.
 */
public final class Transitions {
  private static final Map<ConnectionState, Set<ConnectionState>> TABLE =
      new EnumMap<>(ConnectionState.class);

  static {
    // FAILED is reachable from every live state: an attempt or connection refused for good, or,
    // from anywhere, a bug in Corridor (Cause.INTERNAL_ERROR). A resting state goes to
    // WAITING_TO_RETRY instead of CONNECTING when the last attempt started less than a second ago.
    allow(IDLE, CONNECTING, OFFLINE, PAUSED, CLOSED, FAILED);
    allow(CONNECTING, CONNECTED, WAITING_TO_RETRY, FAILED, OFFLINE, PAUSED, CLOSED);
    allow(CONNECTED, WAITING_TO_RETRY, FAILED, OFFLINE, CLOSING);
    allow(WAITING_TO_RETRY, CONNECTING, OFFLINE, PAUSED, CLOSED, FAILED);
    allow(OFFLINE, CONNECTING, WAITING_TO_RETRY, PAUSED, CLOSED, FAILED);
    allow(PAUSED, CONNECTING, WAITING_TO_RETRY, OFFLINE, CLOSED, FAILED);
    allow(CLOSING, CLOSED, PAUSED, CONNECTING, WAITING_TO_RETRY, OFFLINE, FAILED);
    allow(CLOSED);
    allow(FAILED);
  }

  private Transitions() {}

  private static void allow(ConnectionState from, ConnectionState... to) {
    Set<ConnectionState> set = EnumSet.noneOf(ConnectionState.class);
    Collections.addAll(set, to);
    TABLE.put(from, Collections.unmodifiableSet(set));
  }

  public static boolean isAllowed(ConnectionState from, ConnectionState to) {
    return TABLE.get(from).contains(to);
  }

  /** The states reachable from {@code from} in one step. */
  public static Set<ConnectionState> targets(ConnectionState from) {
    return TABLE.get(from);
  }

  /** Whether application messages may be written to the socket in {@code state}. */
  public static boolean sendsMessages(ConnectionState state) {
    return state == CONNECTED;
  }

  /** Whether a socket may exist in {@code state} (so leaving it must tear the socket down). */
  public static boolean holdsSocket(ConnectionState state) {
    return state == CONNECTING || state == CONNECTED || state == CLOSING;
  }
}
