package dev.corridor.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import dev.corridor.StateListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Queues state changes so tests can assert them one by one; {@link #assertNoMoreChanges()} in
 * {@code @AfterEach} proves nothing unexpected happened. Use with a direct callback executor.
 */
public final class RecordingStateListener implements StateListener {
  private final ArrayDeque<StateChange> changes = new ArrayDeque<>();
  public final List<StateChange> all = new ArrayList<>();

  @Override
  public synchronized void onStateChanged(StateChange change) {
    changes.add(change);
    all.add(change);
  }

  public synchronized StateChange next() {
    StateChange c = changes.poll();
    if (c == null) throw new AssertionError("expected a state change, got none");
    return c;
  }

  public StateChange assertState(ConnectionState from, ConnectionState to) {
    StateChange c = next();
    assertThat(c.previous()).as("previous state of %s", c).isEqualTo(from);
    assertThat(c.current()).as("new state of %s", c).isEqualTo(to);
    return c;
  }

  public StateChange assertState(ConnectionState from, ConnectionState to, StateChange.Cause cause) {
    StateChange c = assertState(from, to);
    assertThat(c.cause()).as("cause of %s", c).isEqualTo(cause);
    return c;
  }

  public StateChange assertFailure(ConnectionState from, ConnectionState to, CorridorException.Kind kind) {
    StateChange c = assertState(from, to);
    assertThat(c.error()).as("error of %s", c).isNotNull();
    assertThat(c.error().kind()).as("error kind of %s", c).isEqualTo(kind);
    return c;
  }

  /** Skips ahead to the next change into {@code to}, returning it. */
  public synchronized StateChange skipTo(ConnectionState to) {
    StateChange c;
    while ((c = changes.poll()) != null) {
      if (c.current() == to) return c;
    }
    throw new AssertionError("no change into " + to + "; all: " + all);
  }

  public synchronized void clear() {
    changes.clear();
  }

  public synchronized void assertNoMoreChanges() {
    assertThat(changes).as("unexpected state changes").isEmpty();
  }
}
