package dev.corridor.android.internal;

import android.os.Handler;
import android.os.Looper;
import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;

/**
 * Turns the app's foreground and background into {@code pause()}, {@code resume()} and {@code
 * retryNow()} on one client. Main-thread confined: every signal, the grace timer and {@link
 * #close()} run on the main looper.
 *
 * <ul>
 *   <li>Background: with {@code pauseInBackground}, the client is paused once the app has stayed
 *       in the background for the grace period (a quick trip to another app or a dialog keeps the
 *       connection). A client the app had already paused itself is left to the app.
 *   <li>Foreground: at once, a client this controller paused is resumed; any other is told to
 *       {@code retryNow()}, so that a long outage's slow cadence does not keep a user waiting.
 * </ul>
 */
public final class ForegroundController {
  private final CorridorClient client;
  private final Handler main = new Handler(Looper.getMainLooper());
  private final boolean pauseInBackground;
  private final long graceMillis;
  private final Runnable pauseAfterGrace = new Runnable() {
    @Override
    public void run() {
      pauseNow();
    }
  };

  private boolean started;
  private boolean foreground;
  private boolean pausedByUs;
  private boolean closed;

  public ForegroundController(CorridorClient client, boolean pauseInBackground, long graceMillis) {
    this.client = client;
    this.pauseInBackground = pauseInBackground;
    this.graceMillis = graceMillis;
  }

  /**
   * Takes the app's state when Corridor is installed. An app that is not in the foreground then
   * (a process started for a broadcast or a job, or an {@code Application.onCreate} before the
   * first activity starts) is paused at once: nothing is connected yet, and the first activity's
   * start resumes it.
   */
  public void start(boolean inForeground) {
    if (started) return;
    started = true;
    foreground = inForeground;
    if (!inForeground && pauseInBackground) pauseNow();
  }

  /** The first activity became visible (or the androidx Lifecycle reached STARTED). */
  public void onForeground() {
    if (closed || !started || foreground) return;
    foreground = true;
    main.removeCallbacks(pauseAfterGrace);
    if (pausedByUs) {
      pausedByUs = false;
      client.resume();
    } else {
      client.retryNow();
    }
  }

  /** No activity is visible any more (configuration changes excluded). */
  public void onBackground() {
    if (closed || !started || !foreground) return;
    foreground = false;
    if (!pauseInBackground) return;
    main.removeCallbacks(pauseAfterGrace);
    if (graceMillis == 0) {
      pauseNow();
    } else {
      main.postDelayed(pauseAfterGrace, graceMillis);
    }
  }

  /** The client ended: no further calls into it. */
  public void close() {
    closed = true;
    main.removeCallbacks(pauseAfterGrace);
  }

  private void pauseNow() {
    if (closed || foreground || pausedByUs) return;
    ConnectionState state = client.state();
    if (state == ConnectionState.PAUSED || state.isTerminal()) return; // the app's own pause
    pausedByUs = true;
    client.pause();
  }

  @Override
  public String toString() {
    return "ForegroundController{foreground=" + foreground + ", pausedByUs=" + pausedByUs
        + ", closed=" + closed + '}';
  }
}
