package dev.corridor.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.robolectric.Shadows.shadowOf;

import android.app.ActivityManager;
import android.app.Application;
import android.content.Context;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.net.NetworkInfo;
import android.os.Looper;
import java.util.Collections;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.shadows.ShadowConnectivityManager;
import org.robolectric.shadows.ShadowLooper;
import org.robolectric.shadows.ShadowNetwork;
import org.robolectric.shadows.ShadowNetworkCapabilities;
import org.robolectric.shadows.ShadowNetworkInfo;

/**
 * The simulated device of the Robolectric tests: its networks (ConnectivityManager's shadow only
 * records callbacks, so the tests deliver them by hand, in the order Android does) and its main
 * looper.
 */
final class Device {
  static final long TIMEOUT_MILLIS = 10_000;

  final Application app = RuntimeEnvironment.getApplication();
  final ConnectivityManager connectivity =
      (ConnectivityManager) app.getSystemService(Context.CONNECTIVITY_SERVICE);
  final ShadowConnectivityManager shadow = shadowOf(connectivity);

  /** A network with internet access, validated by Android or not. */
  static NetworkCapabilities internet(boolean validated) {
    NetworkCapabilities caps = ShadowNetworkCapabilities.newInstance();
    shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET);
    if (validated) shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED);
    return caps;
  }

  static Network network(int id) {
    return ShadowNetwork.newInstance(id);
  }

  /**
   * What {@code ActivityManager.getMyMemoryState} reports for this process: {@code
   * IMPORTANCE_FOREGROUND} during a launch or with an activity in front, lower in a process
   * started for a broadcast or a job.
   */
  void processImportance(int importance) {
    ActivityManager.RunningAppProcessInfo info = new ActivityManager.RunningAppProcessInfo();
    info.pid = android.os.Process.myPid();
    info.uid = android.os.Process.myUid();
    info.processName = app.getPackageName();
    info.importance = importance;
    shadowOf((ActivityManager) app.getSystemService(Context.ACTIVITY_SERVICE))
        .setProcesses(Collections.singletonList(info));
  }

  /** No network at all: getActiveNetwork() is null. */
  void offline() {
    shadow.clearAllNetworks();
  }

  /** {@code network} (a Wi-Fi network) is the active one, with {@code caps}. */
  @SuppressWarnings("deprecation") // the shadow keys its active network on a NetworkInfo
  void active(Network network, NetworkCapabilities caps) {
    shadow.clearAllNetworks();
    NetworkInfo info = ShadowNetworkInfo.newInstance(NetworkInfo.DetailedState.CONNECTED,
        ConnectivityManager.TYPE_WIFI, 0, true, NetworkInfo.State.CONNECTED);
    shadow.addNetwork(network, info);
    shadow.setActiveNetworkInfo(info);
    shadow.setNetworkCapabilities(network, caps);
    assertThat(connectivity.getActiveNetwork()).isEqualTo(network);
  }

  /**
   * The one registered default-network callback. The client registers it from its own thread
   * when connect() is processed, so this waits for it.
   */
  ConnectivityManager.NetworkCallback callback() {
    runMainUntil("the network callback registered", () -> !shadow.getNetworkCallbacks().isEmpty());
    Set<ConnectivityManager.NetworkCallback> callbacks = shadow.getNetworkCallbacks();
    assertThat(callbacks).hasSize(1);
    return callbacks.iterator().next();
  }

  /** What Android delivers when {@code network} becomes the default (API 26+: both calls). */
  void becomesDefault(Network network, NetworkCapabilities caps) {
    shadow.setNetworkCapabilities(network, caps);
    ConnectivityManager.NetworkCallback cb = callback();
    cb.onAvailable(network);
    cb.onCapabilitiesChanged(network, caps);
  }

  /**
   * Runs the main looper until {@code condition} holds, waiting for the next message posted to it
   * in between (Corridor's threads post callbacks there). Fails after {@link #TIMEOUT_MILLIS}.
   */
  static void runMainUntil(String what, BooleanSupplier condition) {
    runMainUntil(what, condition, () -> "");
  }

  /** As above; {@code detail} describes the situation when it times out. */
  static void runMainUntil(String what, BooleanSupplier condition, Supplier<String> detail) {
    assertThat(Looper.myLooper()).isEqualTo(Looper.getMainLooper());
    ShadowLooper main = shadowOf(Looper.getMainLooper());
    long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000;
    while (true) {
      main.idle();
      if (condition.getAsBoolean()) return;
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) throw new AssertionError("timed out waiting for: " + what + "; " + detail.get());
      ((org.robolectric.shadows.ShadowPausedLooper) main).poll(Math.min(left, 100));
    }
  }
}
