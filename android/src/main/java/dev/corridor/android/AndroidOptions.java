package dev.corridor.android;

import androidx.lifecycle.Lifecycle;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * How {@link CorridorAndroid#install} fits a client into the app. The {@link #DEFAULT}s suit an
 * app with a UI: pause 5 s after the app leaves the foreground, resume the moment it returns,
 * count a network only once Android has validated it, call listeners on the main thread.
 */
public final class AndroidOptions {
  /** The defaults: {@link Background#PAUSE} after 5 s, validated networks, main thread. */
  public static final AndroidOptions DEFAULT = new Builder().build();

  /** What the client does while no activity of the app is visible. */
  public enum Background {
    /**
     * Close the connection cleanly once the app has been in the background for the grace
     * period, and reconnect (resuming the session) the moment it returns. What an app with a UI
     * wants: Android restricts and eventually freezes background apps, and a socket kept open
     * there dies silently and keeps waking the radio.
     */
    PAUSE,
    /**
     * Keep the connection in the background, for an app with a foreground service that needs
     * the feed. Coming to the foreground still starts a waiting retry at once.
     */
    STAY_CONNECTED
  }

  private final Background background;
  private final long backgroundGraceMillis;
  private final boolean requireValidatedNetwork;
  private final @Nullable Executor callbackExecutor;
  private final @Nullable Object lifecycle;

  private AndroidOptions(Builder b) {
    this.background = b.background;
    this.backgroundGraceMillis = b.backgroundGraceMillis;
    this.requireValidatedNetwork = b.requireValidatedNetwork;
    this.callbackExecutor = b.callbackExecutor;
    this.lifecycle = b.lifecycle;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** What the client does in the background. */
  public Background background() {
    return background;
  }

  /** How long the app stays in the background before the client is paused, in milliseconds. */
  public long backgroundGraceMillis() {
    return backgroundGraceMillis;
  }

  /** Whether a network counts only once Android has validated its internet access. */
  public boolean requireValidatedNetwork() {
    return requireValidatedNetwork;
  }

  /** The executor for listeners, or null for the main thread. */
  public @Nullable Executor callbackExecutor() {
    return callbackExecutor;
  }

  /** The androidx Lifecycle that tells foreground from background, or null for the framework's. */
  @Nullable Object lifecycleOrNull() {
    return lifecycle;
  }

  @Override
  public String toString() {
    return "AndroidOptions{background=" + background + ", grace=" + backgroundGraceMillis
        + " ms, requireValidatedNetwork=" + requireValidatedNetwork
        + ", callbacks=" + (callbackExecutor == null ? "main thread" : callbackExecutor)
        + ", foreground from " + (lifecycle == null ? "activities" : "androidx Lifecycle") + '}';
  }

  /** Builds {@link AndroidOptions}. */
  public static final class Builder {
    private Background background = Background.PAUSE;
    private long backgroundGraceMillis = 5_000;
    private boolean requireValidatedNetwork = true;
    private @Nullable Executor callbackExecutor;
    private @Nullable Object lifecycle;

    private Builder() {}

    /** What the client does in the background. Default {@link Background#PAUSE}. */
    public Builder background(Background background) {
      if (background == null) throw new NullPointerException("background");
      this.background = background;
      return this;
    }

    /**
     * How long the app may stay in the background before the client is paused: a trip to
     * another app to pick a photo, or a glance at a notification, keeps the connection. Default
     * 5 s, well inside the time after which Android may freeze a cached app. Zero pauses at once.
     */
    public Builder backgroundGrace(long grace, TimeUnit unit) {
      if (grace < 0) throw new IllegalArgumentException("grace must be >= 0: " + grace);
      if (unit == null) throw new NullPointerException("unit");
      this.backgroundGraceMillis = unit.toMillis(grace);
      return this;
    }

    /**
     * Whether a network counts as usable only once Android has validated its internet access
     * ({@code NET_CAPABILITY_VALIDATED}). Default true: behind a captive portal the client waits
     * OFFLINE instead of failing attempts. Pass false for users on networks that block Android's
     * validation check; the client then retries with backoff on a network that cannot reach the
     * server.
     */
    public Builder requireValidatedNetwork(boolean require) {
      this.requireValidatedNetwork = require;
      return this;
    }

    /**
     * Where state and message listeners run. Default: the main thread, in order, so they may
     * touch views.
     */
    public Builder callbackExecutor(Executor executor) {
      if (executor == null) throw new NullPointerException("executor");
      this.callbackExecutor = executor;
      return this;
    }

    /**
     * Take foreground and background from this androidx Lifecycle instead of counting started
     * activities: STARTED and above is the foreground. Pass {@code
     * ProcessLifecycleOwner.get().getLifecycle()}; it knows the current state, so {@link
     * CorridorAndroid#install} may then be called after activities have started.
     */
    public Builder lifecycle(Lifecycle lifecycle) {
      if (lifecycle == null) throw new NullPointerException("lifecycle");
      this.lifecycle = lifecycle;
      return this;
    }

    /** The options. */
    public AndroidOptions build() {
      return new AndroidOptions(this);
    }
  }
}
