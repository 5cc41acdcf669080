package dev.corridor.android.internal;

import android.content.Context;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.Build;
import dev.corridor.NetworkMonitor;
import org.jspecify.annotations.Nullable;

/**
 * Follows the device's default network with {@link
 * ConnectivityManager#registerDefaultNetworkCallback(ConnectivityManager.NetworkCallback)} (API
 * 24) and tells the client whether it can reach the internet.
 *
 * <p>A network is usable when it has {@code NET_CAPABILITY_INTERNET}, Android has validated that
 * access ({@code NET_CAPABILITY_VALIDATED}, unless the app opted out) and the system does not
 * block it for this app (API 29's blocked status, e.g. Data Saver). A captive portal has the
 * first capability and not the second: the client waits OFFLINE instead of failing attempts
 * against the portal. A switch from one usable default network to another (Wi-Fi joining while
 * on cellular, or the other way round) is reported as {@link Listener#onNetworkChanged()}: the
 * socket bound to the old network is abandoned at once and an attempt made on the new one.
 *
 * <p>Only changes are reported. Callbacks arrive on a ConnectivityManager thread, one at a time;
 * the listener is called outside the lock. {@link #stop()} is safe before {@link #start} and
 * twice.
 */
public final class AndroidNetworkMonitor implements NetworkMonitor {
  private final ConnectivityManager connectivity;
  private final boolean requireValidated;
  private final Object lock = new Object();

  // Guarded by lock.
  private @Nullable Listener listener;
  private ConnectivityManager.@Nullable NetworkCallback callback;
  /** The default network last reported to us, or null when there is none. */
  private @Nullable Network current;
  /** Whether {@link #current} was usable when last reported to the listener. */
  private boolean currentUsable;
  /** The capabilities part of {@link #currentUsable}: internet, validated if required. */
  private boolean currentCapable;
  /** Whether the system blocks {@link #current} for this app (API 29+). */
  private boolean currentBlocked;

  public AndroidNetworkMonitor(Context context, boolean requireValidated) {
    Object service = context.getApplicationContext().getSystemService(Context.CONNECTIVITY_SERVICE);
    if (!(service instanceof ConnectivityManager)) {
      throw new IllegalStateException("no ConnectivityManager in this context");
    }
    this.connectivity = (ConnectivityManager) service;
    this.requireValidated = requireValidated;
  }

  /** Read by the client once, in connect(), just before start(). */
  @Override
  public boolean isAvailable() {
    try {
      Network network = connectivity.getActiveNetwork();
      return network != null && capable(connectivity.getNetworkCapabilities(network));
    } catch (SecurityException e) {
      throw missingPermission(e);
    }
  }

  @Override
  public void start(Listener listener) {
    synchronized (lock) {
      if (callback != null) return;
      this.listener = listener;
      current = null;
      currentUsable = false;
      currentCapable = false;
      currentBlocked = false;
      ConnectivityManager.NetworkCallback cb = new DefaultNetworkCallback();
      try {
        // Calls back soon with the current default network, if there is one.
        connectivity.registerDefaultNetworkCallback(cb);
      } catch (SecurityException e) {
        this.listener = null;
        throw missingPermission(e);
      }
      callback = cb;
    }
  }

  @Override
  public void stop() {
    ConnectivityManager.NetworkCallback cb;
    synchronized (lock) {
      cb = callback;
      callback = null;
      listener = null;
      current = null;
      currentUsable = false;
    }
    if (cb != null) {
      try {
        connectivity.unregisterNetworkCallback(cb);
      } catch (IllegalArgumentException alreadyUnregistered) {
        // Nothing left to undo.
      }
    }
  }

  private boolean capable(@Nullable NetworkCapabilities capabilities) {
    return capabilities != null
        && capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
        && (!requireValidated
            || capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED));
  }

  /** The default network is {@code network}; {@code capable} or {@code blocked} changed, or both. */
  private void update(ConnectivityManager.NetworkCallback from, Network network,
      @Nullable Boolean capable, @Nullable Boolean blocked) {
    Listener l;
    Report report;
    synchronized (lock) {
      if (from != callback) return; // stopped, or a callback from an earlier start
      l = listener;
      if (l == null) return;
      boolean sameNetwork = network.equals(current);
      boolean wasUsable = currentUsable;
      Network previous = current;
      if (!sameNetwork) {
        // A new default network starts unblocked and without capabilities until told otherwise.
        currentCapable = false;
        currentBlocked = false;
      }
      if (capable != null) currentCapable = capable;
      if (blocked != null) currentBlocked = blocked;
      boolean usable = currentCapable && !currentBlocked;
      current = network;
      currentUsable = usable;
      if (sameNetwork && usable == wasUsable) return; // nothing new
      if (!usable) {
        if (!wasUsable) return; // an unusable network replaced by another unusable one
        report = Report.LOST;
      } else if (wasUsable && previous != null && !sameNetwork) {
        report = Report.CHANGED;
      } else {
        report = Report.AVAILABLE;
      }
    }
    report.to(l);
  }

  /** The default network is gone and no other network replaced it. */
  private void lost(ConnectivityManager.NetworkCallback from, Network network) {
    Listener l;
    boolean wasUsable;
    synchronized (lock) {
      if (from != callback) return;
      l = listener;
      if (l == null || !network.equals(current)) return;
      wasUsable = currentUsable;
      current = null;
      currentUsable = false;
      currentCapable = false;
      currentBlocked = false;
    }
    if (wasUsable) l.onNetworkLost();
  }

  private IllegalStateException missingPermission(SecurityException e) {
    return new IllegalStateException(
        "Corridor's network monitor needs the android.permission.ACCESS_NETWORK_STATE permission"
            + " in the app's manifest", e);
  }

  private enum Report {
    AVAILABLE {
      @Override
      void to(Listener l) {
        l.onNetworkAvailable();
      }
    },
    LOST {
      @Override
      void to(Listener l) {
        l.onNetworkLost();
      }
    },
    CHANGED {
      @Override
      void to(Listener l) {
        l.onNetworkChanged();
      }
    };

    abstract void to(Listener l);
  }

  private final class DefaultNetworkCallback extends ConnectivityManager.NetworkCallback {
    @Override
    public void onAvailable(Network network) {
      // From API 26 on, onCapabilitiesChanged always follows onAvailable at once and brings the
      // capabilities. On API 24-25 it may not, so they are read here.
      if (Build.VERSION.SDK_INT < Build.VERSION_CODES.O) {
        update(this, network, capable(connectivity.getNetworkCapabilities(network)), null);
      }
    }

    @Override
    public void onCapabilitiesChanged(Network network, NetworkCapabilities capabilities) {
      update(this, network, capable(capabilities), null);
    }

    /** API 29+: the system blocks or unblocks the network for this app (Data Saver, say). */
    @Override
    public void onBlockedStatusChanged(Network network, boolean blocked) {
      update(this, network, null, blocked);
    }

    @Override
    public void onLost(Network network) {
      // For a default-network callback this comes only for the current default network, and
      // only when no other network replaced it.
      lost(this, network);
    }
  }
}
