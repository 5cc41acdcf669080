package dev.corridor.android;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.PAUSED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.robolectric.Shadows.shadowOf;

import android.os.Looper;
import androidx.lifecycle.Lifecycle;
import androidx.lifecycle.LifecycleEventObserver;
import androidx.lifecycle.LifecycleObserver;
import androidx.lifecycle.LifecycleOwner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;

/**
 * Foreground and background from an androidx {@link Lifecycle} the app passes (normally
 * ProcessLifecycleOwner's), instead of activity callbacks.
 */
@RunWith(RobolectricTestRunner.class)
public class LifecycleOptionTest extends InstalledClientTest {
  private final TestLifecycle lifecycle = new TestLifecycle();

  /** The process says foreground (the base class); only the Lifecycle counts with this option. */
  @Before
  public void aValidatedNetwork() {
    device.active(Device.network(1), Device.internet(true));
  }

  @Override
  void installAndConnect() {
    install(AndroidOptions.builder().lifecycle(lifecycle).build()).connect();
  }

  @Test
  public void theLifecycleDecidesForegroundAndBackground() throws Exception {
    server.enqueueUpgrade();
    server.enqueueUpgrade();
    installAndConnect(); // lifecycle CREATED: not started
    log.awaitState(PAUSED);
    assertThat(server.requestCount()).isZero();

    lifecycle.handle(Lifecycle.Event.ON_START);
    log.awaitState(CONNECTED);

    Robolectric.buildActivity(android.app.Activity.class).setup().pause().stop();
    shadowOf(Looper.getMainLooper()).idleFor(10, TimeUnit.SECONDS);
    assertThat(log.current()).as("activity callbacks are not used").isEqualTo(CONNECTED);

    lifecycle.handle(Lifecycle.Event.ON_STOP);
    shadowOf(Looper.getMainLooper()).idleFor(5, TimeUnit.SECONDS);
    log.awaitState(PAUSED);
    lifecycle.handle(Lifecycle.Event.ON_START);
    log.awaitState(CONNECTED);
  }

  @Test
  public void aClientThatEndsStopsFollowingTheLifecycle() throws Exception {
    server.enqueueUpgrade();
    lifecycle.handle(Lifecycle.Event.ON_START);
    installAndConnect();
    log.awaitState(CONNECTED);
    assertThat(lifecycle.observers).hasSize(1);

    client.close();
    log.awaitState(CLOSED);
    Device.runMainUntil("the observer removed", () -> lifecycle.observers.isEmpty());
  }

  /** A main-thread Lifecycle driven by hand, replaying events to new observers as androidx does. */
  static final class TestLifecycle extends Lifecycle {
    final List<LifecycleEventObserver> observers = new ArrayList<>();
    private final LifecycleOwner owner = () -> this;
    private State state = State.CREATED;

    @Override
    public void addObserver(LifecycleObserver observer) {
      LifecycleEventObserver o = (LifecycleEventObserver) observer;
      observers.add(o);
      o.onStateChanged(owner, Event.ON_CREATE);
      if (state.isAtLeast(State.STARTED)) o.onStateChanged(owner, Event.ON_START);
    }

    @Override
    public void removeObserver(LifecycleObserver observer) {
      observers.remove(observer);
    }

    @Override
    public State getCurrentState() {
      return state;
    }

    void handle(Event event) {
      state = event.getTargetState();
      for (LifecycleEventObserver o : new ArrayList<>(observers)) o.onStateChanged(owner, event);
    }
  }
}
