package dev.corridor.android;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.PAUSED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.robolectric.Shadows.shadowOf;

import android.app.Activity;
import android.app.ActivityManager.RunningAppProcessInfo;
import android.content.ComponentCallbacks2;
import android.os.Looper;
import dev.corridor.CorridorClient;
import dev.corridor.StateChange;
import dev.corridor.integration.CorridorTestServer.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;

/**
 * Foreground and background drive pause and resume, on a client installed with {@link
 * CorridorAndroid#install} against a real protocol v1 server on a local socket. The grace period
 * runs in virtual time ({@code ShadowLooper.idleFor}); network I/O is real.
 */
@RunWith(RobolectricTestRunner.class)
public class ForegroundTest extends InstalledClientTest {
  private static final long GRACE_MILLIS = 5_000;


  @Before
  public void aValidatedNetwork() {
    device.active(Device.network(1), Device.internet(true));
  }

  private static ActivityController<Activity> visibleActivity() {
    return Robolectric.buildActivity(Activity.class).setup();
  }

  private static void idleFor(long millis) {
    shadowOf(Looper.getMainLooper()).idleFor(millis, TimeUnit.MILLISECONDS);
  }

  @Test
  public void installedDuringALaunchTheClientConnectsAtOnce() throws Exception {
    Connection connection = server.enqueueUpgrade();
    install(AndroidOptions.DEFAULT).connect(); // Application.onCreate: no activity started yet
    log.awaitState(CONNECTED);
    connection.takeHello();
    visibleActivity();
    idleFor(GRACE_MILLIS * 2);
    assertThat(log.count(PAUSED)).isZero();
  }

  @Test
  public void aProcessStartedInTheBackgroundWaitsPausedUntilAnActivityStarts() throws Exception {
    device.processImportance(RunningAppProcessInfo.IMPORTANCE_SERVICE); // a broadcast, a job ...
    Connection connection = server.enqueueUpgrade();
    install(AndroidOptions.DEFAULT).connect();
    log.awaitState(PAUSED);
    assertThat(server.requestCount()).as("no socket opened in the background").isZero();

    visibleActivity();
    log.awaitState(CONNECTED);
    connection.takeHello();
    assertThat(log.changes.get(log.changes.size() - 2).cause())
        .isEqualTo(StateChange.Cause.RESUME_REQUESTED);
  }

  @Test
  public void theBackgroundPausesAfterTheGracePeriodAndTheForegroundResumesAtOnce() throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade();
    ActivityController<Activity> activity = visibleActivity();
    install(AndroidOptions.DEFAULT).connect();
    log.awaitState(CONNECTED);

    activity.pause().stop();
    idleFor(GRACE_MILLIS - 1);
    assertThat(log.current()).as("still inside the grace period").isEqualTo(CONNECTED);
    idleFor(1);
    log.awaitState(PAUSED);
    assertThat(first.takeCloseCode()).as("a clean close").isEqualTo(1000);

    activity.start().resume();
    log.awaitState(CONNECTED);
    assertThat(second.takeHello().getResumeToken())
        .as("the session is resumed").isEqualTo(first.welcome().getResumeToken());
  }

  @Test
  public void comingBackWithinTheGracePeriodKeepsTheConnection() throws Exception {
    server.enqueueUpgrade();
    ActivityController<Activity> activity = visibleActivity();
    install(AndroidOptions.DEFAULT).connect();
    log.awaitState(CONNECTED);

    activity.pause().stop();
    idleFor(GRACE_MILLIS / 2);
    activity.start().resume();
    idleFor(GRACE_MILLIS * 2);
    assertThat(log.count(PAUSED)).isZero();
    assertThat(log.current()).isEqualTo(CONNECTED);
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  public void stoppingOneOfTwoActivitiesKeepsTheAppInTheForeground() throws Exception {
    server.enqueueUpgrade();
    ActivityController<Activity> first = visibleActivity();
    install(AndroidOptions.DEFAULT).connect();
    log.awaitState(CONNECTED);
    ActivityController<Activity> second = visibleActivity();

    first.pause().stop().destroy();
    idleFor(GRACE_MILLIS * 2);
    assertThat(log.count(PAUSED)).isZero();

    second.pause().stop();
    idleFor(GRACE_MILLIS);
    log.awaitState(PAUSED);
  }

  @Test
  public void aConfigurationChangeIsNotABackground() throws Exception {
    server.enqueueUpgrade();
    ActivityController<Activity> activity = visibleActivity();
    install(AndroidOptions.builder().backgroundGrace(0, TimeUnit.SECONDS).build()).connect();
    log.awaitState(CONNECTED);

    activity.recreate(); // a rotation: stop and destroy while changing configurations, then a new one
    assertThat(activity.get().isChangingConfigurations()).isFalse();
    idleFor(GRACE_MILLIS);
    assertThat(log.count(PAUSED)).as("even with no grace period").isZero();
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  public void trimMemoryUiHiddenIsABackground() throws Exception {
    server.enqueueUpgrade();
    visibleActivity();
    install(AndroidOptions.DEFAULT).connect();
    log.awaitState(CONNECTED);

    device.app.onTrimMemory(ComponentCallbacks2.TRIM_MEMORY_UI_HIDDEN);
    idleFor(GRACE_MILLIS);
    log.awaitState(PAUSED);
  }

  @Test
  public void stayConnectedKeepsTheLinkAndTheForegroundEndsARetryWait() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueueUpgrade();
    ActivityController<Activity> activity = visibleActivity();
    install(AndroidOptions.builder().background(AndroidOptions.Background.STAY_CONNECTED).build())
        .connect();
    StateChange waiting = log.awaitState(WAITING_TO_RETRY);
    assertThat(waiting.retryDelayMillis()).isPositive();

    activity.pause().stop();
    idleFor(1_000); // attempts are at least 1 s apart; the retry wait itself is longer
    assertThat(log.count(PAUSED)).isZero();
    activity.start().resume();
    StateChange retry = log.awaitState(CONNECTING);
    assertThat(retry.cause()).isEqualTo(StateChange.Cause.RETRY_REQUESTED);
    log.awaitState(CONNECTED);
  }

  @Test
  public void aPauseTheAppMadeItselfIsLeftToTheApp() throws Exception {
    server.enqueueUpgrade();
    ActivityController<Activity> activity = visibleActivity();
    install(AndroidOptions.DEFAULT).connect();
    log.awaitState(CONNECTED);
    client.pause(); // the user signed out, say
    log.awaitState(PAUSED);

    activity.pause().stop();
    idleFor(GRACE_MILLIS);
    activity.start().resume();
    idleFor(2_000);
    assertThat(log.current()).isEqualTo(PAUSED);
    assertThat(log.count(PAUSED)).isEqualTo(1);
  }

  @Test
  public void installOffTheMainThreadIsRefused() throws Exception {
    CompletableFuture<Throwable> thrown = CompletableFuture.supplyAsync(() -> {
      try {
        CorridorAndroid.install(device.app, CorridorClient.builder(server.wsUrl()));
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
    assertThat(thrown.get(5, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("main thread");
    assertThatThrownBy(() -> AndroidOptions.builder().backgroundGrace(-1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
