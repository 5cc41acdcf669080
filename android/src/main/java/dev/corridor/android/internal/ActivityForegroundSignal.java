package dev.corridor.android.internal;

import android.app.Activity;
import android.app.ActivityManager;
import android.app.Application;
import android.content.ComponentCallbacks2;
import android.content.res.Configuration;
import android.os.Bundle;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Foreground and background from the framework alone: the app is in the foreground while at
 * least one of its activities is started. An activity stopped for a configuration change (a
 * rotation) is about to be recreated and does not count as leaving; {@code
 * TRIM_MEMORY_UI_HIDDEN}, which the system sends once the app's UI is no longer visible, is a
 * second signal for the background. All callbacks arrive on the main thread.
 */
public final class ActivityForegroundSignal
    implements Application.ActivityLifecycleCallbacks, ComponentCallbacks2 {
  private final Application application;
  private final ForegroundController controller;
  /** The activities between onStart and onStop. */
  private final Set<Activity> started = Collections.newSetFromMap(new IdentityHashMap<Activity, Boolean>());

  public ActivityForegroundSignal(Application application, ForegroundController controller) {
    this.application = application;
    this.controller = controller;
  }

  /**
   * Registers the callbacks and takes the starting point from the process's importance: {@code
   * IMPORTANCE_FOREGROUND} while an activity of the app is (or, during a launch's {@code
   * Application.onCreate}, is about to be) in front; lower for a process started for a broadcast,
   * a job or a service. Activities started before this call are then learnt from their next
   * callback.
   */
  public void register() {
    application.registerActivityLifecycleCallbacks(this);
    application.registerComponentCallbacks(this);
    ActivityManager.RunningAppProcessInfo process = new ActivityManager.RunningAppProcessInfo();
    ActivityManager.getMyMemoryState(process);
    controller.start(
        process.importance == ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND);
  }

  public void unregister() {
    application.unregisterActivityLifecycleCallbacks(this);
    application.unregisterComponentCallbacks(this);
    started.clear();
  }

  @Override
  public void onActivityStarted(Activity activity) {
    markStarted(activity);
  }

  /** A resumed activity is started; covers one whose onStart came before the registration. */
  @Override
  public void onActivityResumed(Activity activity) {
    markStarted(activity);
  }

  @Override
  public void onActivityStopped(Activity activity) {
    // An activity may have started before register(); its stop still counts.
    started.remove(activity);
    // Stopped for a configuration change: its new instance starts next, so the app stays in
    // the foreground (and TRIM_MEMORY_UI_HIDDEN still says so should it not).
    if (started.isEmpty() && !activity.isChangingConfigurations()) controller.onBackground();
  }

  @Override
  public void onActivityDestroyed(Activity activity) {
    // A destroyed activity is never started; onStopped normally removed it already.
    if (started.remove(activity) && started.isEmpty() && !activity.isChangingConfigurations()) {
      controller.onBackground();
    }
  }

  @Override
  public void onTrimMemory(int level) {
    if (level == TRIM_MEMORY_UI_HIDDEN) {
      started.clear();
      controller.onBackground();
    }
  }

  private void markStarted(Activity activity) {
    if (!started.add(activity)) return;
    controller.onForeground();
  }

  @Override
  public void onActivityCreated(Activity activity, Bundle savedInstanceState) {}

  @Override
  public void onActivityPaused(Activity activity) {}

  @Override
  public void onActivitySaveInstanceState(Activity activity, Bundle outState) {}

  @Override
  public void onConfigurationChanged(Configuration newConfig) {}

  @Override
  @SuppressWarnings("deprecation")
  public void onLowMemory() {}
}
