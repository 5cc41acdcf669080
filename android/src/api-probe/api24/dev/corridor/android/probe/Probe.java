package dev.corridor.android.probe;

import android.net.ConnectivityManager;

/** The API 24 form of the same call: the check must accept it. */
public final class Probe {
  private Probe() {}

  public static void register(ConnectivityManager cm, ConnectivityManager.NetworkCallback cb) {
    cm.registerDefaultNetworkCallback(cb);
  }
}
