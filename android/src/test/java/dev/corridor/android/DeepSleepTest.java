package dev.corridor.android;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.OFFLINE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import android.os.SystemClock;
import dev.corridor.SendOptions;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import dev.corridor.integration.CorridorTestServer;
import dev.corridor.integration.CorridorTestServer.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.shadows.ShadowSystemClock;

/**
 * What deep sleep does to an installed client, whose clock is {@code
 * SystemClock.elapsedRealtimeNanos()}: the sleep counts. {@code ShadowSystemClock.simulateDeepSleep}
 * moves elapsed realtime on and leaves uptime (and so the main looper) where it was, as a real
 * sleep does. The client's own timer thread notices within about 2 s of real time.
 */
@RunWith(RobolectricTestRunner.class)
public class DeepSleepTest extends InstalledClientTest {

  @Test
  public void aTtlThatRanOutInDeepSleepHasExpiredOnWaking() {
    device.offline();
    installAndConnect();
    log.awaitState(OFFLINE);
    CompletableFuture<SendResult> quote = client.send("quotes", new byte[] {1},
        SendOptions.builder().ttl(5, TimeUnit.SECONDS).build());
    // The client queues a send on its own thread, and arms the TTL there. A second send is queued
    // behind the first: once it is in the outbox, the first's timer is armed, before the sleep.
    client.send("quotes", new byte[] {2});
    Device.runMainUntil("both sends queued", () -> client.stats().outboxMessages() == 2);

    long uptime = SystemClock.uptimeMillis();
    ShadowSystemClock.simulateDeepSleep(Duration.ofMinutes(10));
    assertThat(SystemClock.uptimeMillis()).as("uptime stops in deep sleep").isEqualTo(uptime);

    Device.runMainUntil("the TTL's verdict", quote::isDone, () -> client.stats().toString());
    assertThat(quote.join().outcome()).isEqualTo(SendResult.Outcome.EXPIRED);
  }

  @Test
  public void aHeartbeatDueInDeepSleepPingsOnWakingAndASilentLinkIsThenDeclaredDead()
      throws Exception {
    Connection silent = server.enqueueUpgrade(
        new CorridorTestServer.Options().autoPong(false).autoRespond(true));
    server.enqueueUpgrade();
    device.active(Device.network(1), Device.internet(true));
    installAndConnect();
    log.awaitState(CONNECTED);
    // A round trip: by its answer the client has finished setting up the link, heartbeat included.
    client.request("echo", new byte[] {1}).get(5, TimeUnit.SECONDS);
    int pingsBefore = silent.pingsReceived();

    ShadowSystemClock.simulateDeepSleep(Duration.ofMinutes(10)); // heartbeat interval: 25 s
    Device.runMainUntil("a Ping after waking", () -> silent.pingsReceived() > pingsBefore);

    ShadowSystemClock.advanceBy(Duration.ofSeconds(10)); // the pong timeout
    StateChange dead = log.awaitState(WAITING_TO_RETRY);
    assertThat(dead.cause()).isEqualTo(StateChange.Cause.HEARTBEAT_TIMEOUT);
  }
}
