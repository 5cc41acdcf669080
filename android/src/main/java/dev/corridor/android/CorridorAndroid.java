package dev.corridor.android;

import android.app.Application;
import android.content.Context;
import android.os.Handler;
import android.os.Looper;
import dev.corridor.Clock;
import dev.corridor.CorridorClient;
import dev.corridor.NetworkMonitor;
import dev.corridor.StateChange;
import dev.corridor.StateListener;
import dev.corridor.android.internal.ActivityForegroundSignal;
import dev.corridor.android.internal.AndroidNetworkMonitor;
import dev.corridor.android.internal.ElapsedRealtimeClock;
import dev.corridor.android.internal.ForegroundController;
import dev.corridor.android.internal.LifecycleForegroundSignal;
import dev.corridor.android.internal.MainThreadExecutor;
import java.util.concurrent.Executor;

/**
 * Fits a {@link CorridorClient} into an Android app in one call, from {@code
 * Application.onCreate()}:
 *
 * <pre>{@code
 * CorridorClient client = CorridorAndroid.install(this,
 *     CorridorClient.builder("wss://feed.example.com/v1").clientId(installationId()));
 * client.connect();
 * }</pre>
 *
 * <p>The client then
 *
 * <ul>
 *   <li>is OFFLINE while the device's default network cannot reach the internet (validated by
 *       Android), connects at once when it can, and moves to a new network at once when the
 *       device switches (Wi-Fi to cellular, say);
 *   <li>pauses when the app has been in the background for a grace period and resumes the moment
 *       it returns to the foreground ({@link AndroidOptions});
 *   <li>calls state and message listeners on the main thread;
 *   <li>keeps time on {@code SystemClock.elapsedRealtimeNanos()}, which counts deep sleep: a TTL
 *       that ran out while the device slept has expired when it wakes, and a heartbeat or backoff
 *       deadline that passed in the sleep comes due within about 2 s of waking.
 * </ul>
 *
 * <p>The app's manifest needs {@code android.permission.INTERNET} and {@code
 * android.permission.ACCESS_NETWORK_STATE}. When the client reaches CLOSED or FAILED it stops
 * following the app's lifecycle by itself.
 */
public final class CorridorAndroid {
  private CorridorAndroid() {}

  /** {@link #install(Application, CorridorClient.Builder, AndroidOptions)} with the defaults. */
  public static CorridorClient install(Application application, CorridorClient.Builder builder) {
    return install(application, builder, AndroidOptions.DEFAULT);
  }

  /**
   * Sets the builder's network monitor, clock and callback executor to the Android ones (so set
   * no scheduler of your own on it), builds the client and follows the app's foreground and
   * background. Does not connect: call {@link CorridorClient#connect()} when the app wants the
   * feed.
   *
   * <p>Call it on the main thread, in {@code Application.onCreate()}, before any activity starts
   * (or pass {@link AndroidOptions.Builder#lifecycle}). If the app is not in the foreground then,
   * as in a process started for a broadcast or a job, the client is paused until an activity
   * becomes visible.
   *
   * @throws IllegalStateException if not called on the main thread
   */
  public static CorridorClient install(
      Application application, CorridorClient.Builder builder, AndroidOptions options) {
    if (application == null) throw new NullPointerException("application");
    if (builder == null) throw new NullPointerException("builder");
    if (options == null) throw new NullPointerException("options");
    if (Looper.myLooper() != Looper.getMainLooper()) {
      throw new IllegalStateException("CorridorAndroid.install must be called on the main thread");
    }
    Executor callbacks = options.callbackExecutor();
    CorridorClient client = builder
        .networkMonitor(new AndroidNetworkMonitor(application, options.requireValidatedNetwork()))
        .callbackExecutor(callbacks != null ? callbacks : new MainThreadExecutor())
        .clock(ElapsedRealtimeClock.INSTANCE)
        .build();
    ForegroundController controller = new ForegroundController(client,
        options.background() == AndroidOptions.Background.PAUSE, options.backgroundGraceMillis());
    Object lifecycle = options.lifecycleOrNull();
    final Runnable unregister;
    if (lifecycle != null) {
      // Only this branch touches androidx: apps without it never load the class.
      final LifecycleForegroundSignal signal = LifecycleForegroundSignal.of(lifecycle, controller);
      signal.register();
      unregister = signal::unregister;
    } else {
      final ActivityForegroundSignal signal = new ActivityForegroundSignal(application, controller);
      signal.register();
      unregister = signal::unregister;
    }
    client.addStateListener(new Unbind(controller, unregister));
    return client;
  }

  /**
   * A monitor of the device's default network for a client built by hand: available only while
   * Android has validated the network's internet access. Needs {@code ACCESS_NETWORK_STATE}. One
   * per client.
   */
  public static NetworkMonitor networkMonitor(Context context) {
    return new AndroidNetworkMonitor(context, true);
  }

  /**
   * As {@link #networkMonitor(Context)}; with {@code requireValidated} false any network that
   * claims internet access counts.
   */
  public static NetworkMonitor networkMonitor(Context context, boolean requireValidated) {
    return new AndroidNetworkMonitor(context, requireValidated);
  }

  /** An executor that posts each task to the main thread, in order. */
  public static Executor mainThreadExecutor() {
    return new MainThreadExecutor();
  }

  /** A clock on {@code SystemClock.elapsedRealtimeNanos()}, which keeps counting in deep sleep. */
  public static Clock elapsedRealtimeClock() {
    return ElapsedRealtimeClock.INSTANCE;
  }

  /** Stops following the lifecycle once the client has ended. */
  private static final class Unbind implements StateListener {
    private final ForegroundController controller;
    private final Runnable unregister;
    private final Handler main = new Handler(Looper.getMainLooper());

    Unbind(ForegroundController controller, Runnable unregister) {
      this.controller = controller;
      this.unregister = unregister;
    }

    @Override
    public void onStateChanged(StateChange change) {
      if (!change.current().isTerminal()) return;
      main.post(new Runnable() {
        @Override
        public void run() {
          controller.close();
          unregister.run();
        }
      });
    }
  }
}
