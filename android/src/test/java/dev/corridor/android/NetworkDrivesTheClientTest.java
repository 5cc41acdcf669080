package dev.corridor.android;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.OFFLINE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.robolectric.Shadows.shadowOf;

import android.net.Network;
import android.os.Looper;
import dev.corridor.ConnectionState;
import dev.corridor.StateChange;
import dev.corridor.StateChange.Cause;
import dev.corridor.integration.CorridorTestServer.Connection;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;

/**
 * The device's network drives an installed client's state, on a real local socket: OFFLINE with
 * no usable network, an immediate attempt once one is validated, and a move to the new network
 * when the device switches.
 */
@RunWith(RobolectricTestRunner.class)
public class NetworkDrivesTheClientTest extends InstalledClientTest {

  /** Attempts are at least 1 s apart: let a second of (virtual) time pass. */
  private static void aSecondLater() {
    shadowOf(Looper.getMainLooper()).idleFor(1, TimeUnit.SECONDS);
  }

  private StateChange changeInto(ConnectionState state, int nth) {
    int seen = 0;
    for (StateChange change : log.changes) {
      if (change.current() == state && ++seen == nth) return change;
    }
    throw new AssertionError("no change #" + nth + " into " + state + " in " + log.changes);
  }

  @Test
  public void withoutANetworkTheClientWaitsOfflineAndAValidatedOneConnectsItAtOnce()
      throws Exception {
    Connection connection = server.enqueueUpgrade();
    device.offline();
    installAndConnect();
    log.awaitState(OFFLINE);

    Network wifi = Device.network(1);
    device.becomesDefault(wifi, Device.internet(false)); // a captive portal: not yet
    Device.runMainUntil("a main-loop turn", () -> true);
    assertThat(log.current()).isEqualTo(OFFLINE);
    assertThat(server.requestCount()).isZero();

    device.callback().onCapabilitiesChanged(wifi, Device.internet(true));
    log.awaitState(CONNECTED);
    assertThat(changeInto(CONNECTING, 1).cause()).isEqualTo(Cause.NETWORK_AVAILABLE);
    connection.takeHello();
    assertThat(log.count(WAITING_TO_RETRY)).as("no backoff wait").isZero();
  }

  @Test
  public void losingTheNetworkGoesOfflineAndItsReturnReconnectsAtOnce() throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade();
    Network wifi = Device.network(1);
    device.active(wifi, Device.internet(true));
    installAndConnect();
    device.becomesDefault(wifi, Device.internet(true)); // the registration's first report
    log.awaitState(CONNECTED);

    device.callback().onLost(wifi);
    assertThat(log.awaitState(OFFLINE).cause()).isEqualTo(Cause.NETWORK_LOST);
    first.awaitEnded();

    aSecondLater();
    device.becomesDefault(wifi, Device.internet(true));
    log.awaitState(CONNECTED);
    assertThat(changeInto(CONNECTING, 2).cause()).isEqualTo(Cause.NETWORK_AVAILABLE);
    assertThat(second.takeHello().getResumeToken()).isEqualTo(first.welcome().getResumeToken());
  }

  @Test
  public void aSwitchAbandonsTheOldSocketAndConnectsOnTheNewNetworkAtOnce() throws Exception {
    Connection onWifi = server.enqueueUpgrade();
    Connection onCellular = server.enqueueUpgrade();
    Network wifi = Device.network(1);
    device.active(wifi, Device.internet(true));
    installAndConnect();
    device.becomesDefault(wifi, Device.internet(true));
    log.awaitState(CONNECTED);
    onWifi.takeHello();

    aSecondLater();
    device.becomesDefault(Device.network(2), Device.internet(true)); // Wi-Fi gone, cellular took over
    Device.runMainUntil("connected again", () -> log.count(CONNECTED) == 2,
        () -> log.changes.toString());
    onWifi.awaitEnded();
    onCellular.takeHello();
    assertThat(changeInto(WAITING_TO_RETRY, 1).cause()).isEqualTo(Cause.NETWORK_CHANGED);
    assertThat(changeInto(CONNECTING, 2).cause()).isEqualTo(Cause.NETWORK_CHANGED);
    assertThat(log.count(OFFLINE)).as("a switch is not an outage").isZero();
  }
}
