package dev.corridor.android.probe;

import android.net.ConnectivityManager;
import android.os.Handler;

/** Calls a method added in API 26: the API 24 check must reject it. */
public final class Probe {
  private Probe() {}

  public static void register(ConnectivityManager cm, ConnectivityManager.NetworkCallback cb, Handler h) {
    cm.registerDefaultNetworkCallback(cb, h);
  }
}
