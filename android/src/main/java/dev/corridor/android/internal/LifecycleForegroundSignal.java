package dev.corridor.android.internal;

import androidx.lifecycle.Lifecycle;
import androidx.lifecycle.LifecycleEventObserver;
import androidx.lifecycle.LifecycleOwner;

/**
 * Foreground and background from an androidx {@link Lifecycle} the app supplies, normally {@code
 * ProcessLifecycleOwner.get().getLifecycle()}: STARTED and above is the foreground. {@code
 * ProcessLifecycleOwner} already waits 700 ms before ON_STOP so that rotations do not count. Only
 * this class refers to androidx; an app that never passes a Lifecycle never loads it.
 */
public final class LifecycleForegroundSignal implements LifecycleEventObserver {
  private final Lifecycle lifecycle;
  private final ForegroundController controller;

  private LifecycleForegroundSignal(Lifecycle lifecycle, ForegroundController controller) {
    this.lifecycle = lifecycle;
    this.controller = controller;
  }

  /** {@code lifecycle} is the {@link Lifecycle} that AndroidOptions holds as an Object. */
  public static LifecycleForegroundSignal of(Object lifecycle, ForegroundController controller) {
    return new LifecycleForegroundSignal((Lifecycle) lifecycle, controller);
  }

  /** Main thread: androidx lifecycles accept observers only there. */
  public void register() {
    controller.start(lifecycle.getCurrentState().isAtLeast(Lifecycle.State.STARTED));
    // Replays the events up to the current state; ON_START is then a no-op.
    lifecycle.addObserver(this);
  }

  public void unregister() {
    lifecycle.removeObserver(this);
  }

  @Override
  public void onStateChanged(LifecycleOwner source, Lifecycle.Event event) {
    if (event == Lifecycle.Event.ON_START) {
      controller.onForeground();
    } else if (event == Lifecycle.Event.ON_STOP) {
      controller.onBackground();
    }
  }
}
