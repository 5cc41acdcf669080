package dev.corridor.android;

import static org.assertj.core.api.Assertions.assertThat;

import android.os.Looper;
import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.StateChange;
import dev.corridor.StateListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a client's state changes and checks that every one arrives on the main thread, where
 * {@link CorridorAndroid#install} sends listener calls.
 */
final class StateLog implements StateListener {
  final List<StateChange> changes = new ArrayList<>();
  final List<String> offMainThread = new ArrayList<>();

  private CorridorClient client;

  static StateLog on(CorridorClient client) {
    StateLog log = new StateLog();
    log.client = client;
    client.addStateListener(log);
    return log;
  }

  @Override
  public void onStateChanged(StateChange change) {
    if (Looper.myLooper() != Looper.getMainLooper()) {
      offMainThread.add(change + " on " + Thread.currentThread().getName());
    }
    changes.add(change);
  }

  ConnectionState current() {
    return changes.isEmpty() ? ConnectionState.IDLE : changes.get(changes.size() - 1).current();
  }

  /** Runs the main looper until the latest change is into {@code state}. */
  StateChange awaitState(ConnectionState state) {
    Device.runMainUntil("state " + state,
        () -> current() == state,
        () -> "changes so far: " + changes + ", client " + client.state() + ", " + client.stats());
    assertThat(offMainThread).as("state changes off the main thread").isEmpty();
    return changes.get(changes.size() - 1);
  }

  int count(ConnectionState state) {
    int n = 0;
    for (StateChange c : changes) {
      if (c.current() == state) n++;
    }
    return n;
  }
}
