package dev.corridor.android;

import static org.assertj.core.api.Assertions.assertThat;

import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import dev.corridor.NetworkMonitor;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowNetworkCapabilities;

/** The network monitor alone, fed the callback sequences Android delivers. Runs on SDK 24 and 34. */
@RunWith(RobolectricTestRunner.class)
public class AndroidNetworkMonitorTest {
  private final Device device = new Device();
  private final List<String> reports = new ArrayList<>();
  private final NetworkMonitor.Listener recorder = new NetworkMonitor.Listener() {
    @Override
    public void onNetworkAvailable() {
      reports.add("available");
    }

    @Override
    public void onNetworkLost() {
      reports.add("lost");
    }

    @Override
    public void onNetworkChanged() {
      reports.add("changed");
    }
  };

  private NetworkMonitor started(boolean requireValidated) {
    NetworkMonitor monitor = CorridorAndroid.networkMonitor(device.app, requireValidated);
    monitor.start(recorder);
    return monitor;
  }

  @Test
  public void isAvailableOnlyWhenTheActiveNetworkIsValidated() {
    NetworkMonitor monitor = CorridorAndroid.networkMonitor(device.app);
    device.offline();
    assertThat(monitor.isAvailable()).isFalse();
    Network wifi = Device.network(1);
    device.active(wifi, Device.internet(false));
    assertThat(monitor.isAvailable()).as("captive portal: internet, not validated").isFalse();
    device.active(wifi, Device.internet(true));
    assertThat(monitor.isAvailable()).isTrue();
    assertThat(CorridorAndroid.networkMonitor(device.app, false).isAvailable()).isTrue();
    device.active(wifi, Device.internet(false));
    assertThat(CorridorAndroid.networkMonitor(device.app, false).isAvailable())
        .as("validation not required").isTrue();
  }

  @Test
  public void reportsAvailableOnceValidatedAndLostWhenTheNetworkGoes() {
    started(true);
    Network wifi = Device.network(1);
    device.becomesDefault(wifi, Device.internet(false));
    assertThat(reports).as("a captive portal is not usable").isEmpty();
    device.callback().onCapabilitiesChanged(wifi, Device.internet(true));
    assertThat(reports).containsExactly("available");
    device.callback().onCapabilitiesChanged(wifi, Device.internet(true));
    assertThat(reports).as("repeats are not reported").containsExactly("available");
    device.callback().onCapabilitiesChanged(wifi, Device.internet(false));
    assertThat(reports).as("validation lost").containsExactly("available", "lost");
    device.callback().onCapabilitiesChanged(wifi, Device.internet(true));
    device.callback().onLost(wifi);
    assertThat(reports).containsExactly("available", "lost", "available", "lost");
  }

  @Test
  public void aSwitchBetweenUsableNetworksIsReportedAsAChange() {
    started(true);
    Network wifi = Device.network(1);
    Network cellular = Device.network(2);
    device.becomesDefault(wifi, Device.internet(true));
    device.becomesDefault(cellular, Device.internet(true)); // Wi-Fi dropped, cellular took over
    assertThat(reports).containsExactly("available", "changed");
    device.callback().onLost(wifi); // late news of the old network: not the default any more
    assertThat(reports).containsExactly("available", "changed");
    device.callback().onLost(cellular);
    assertThat(reports).containsExactly("available", "changed", "lost");
  }

  @Test
  public void anUnusableDefaultNetworkReplacingAUsableOneIsALoss() {
    started(true);
    Network cellular = Device.network(2);
    Network portal = Device.network(3);
    device.becomesDefault(cellular, Device.internet(true));
    device.becomesDefault(portal, Device.internet(false));
    device.becomesDefault(cellular, Device.internet(true));
    assertThat(reports).containsExactly("available", "lost", "available");
  }

  @Test
  public void withoutValidationAnyInternetNetworkCounts() {
    started(false);
    Network wifi = Device.network(1);
    device.becomesDefault(wifi, Device.internet(false));
    assertThat(reports).containsExactly("available");
    NetworkCapabilities noInternet = ShadowNetworkCapabilities.newInstance();
    device.callback().onCapabilitiesChanged(wifi, noInternet);
    assertThat(reports).containsExactly("available", "lost");
  }

  @Test
  @Config(sdk = 34) // the blocked status arrives from API 29 on
  public void aNetworkBlockedForTheAppIsNotUsable() {
    started(true);
    Network wifi = Device.network(1);
    device.becomesDefault(wifi, Device.internet(true));
    device.callback().onBlockedStatusChanged(wifi, true); // e.g. Data Saver, API 29+
    device.callback().onBlockedStatusChanged(wifi, false);
    assertThat(reports).containsExactly("available", "lost", "available");
  }

  @Test
  @Config(sdk = 24)
  public void onApi24TheCapabilitiesAreReadWhenTheNetworkBecomesAvailable() {
    started(true);
    Network wifi = Device.network(1);
    device.shadow.setNetworkCapabilities(wifi, Device.internet(true));
    device.callback().onAvailable(wifi); // API 24-25 may send no onCapabilitiesChanged
    assertThat(reports).containsExactly("available");
  }

  @Test
  public void stopUnregistersAndIsSafeBeforeStartAndTwice() {
    NetworkMonitor monitor = CorridorAndroid.networkMonitor(device.app);
    monitor.stop(); // before start: nothing to undo
    monitor.start(recorder);
    ConnectivityManager.NetworkCallback callback = device.callback();
    monitor.start(recorder); // a second start registers nothing more
    assertThat(device.shadow.getNetworkCallbacks()).containsExactly(callback);
    monitor.stop();
    monitor.stop();
    assertThat(device.shadow.getNetworkCallbacks()).isEmpty();
    callback.onCapabilitiesChanged(Device.network(1), Device.internet(true));
    assertThat(reports).as("a callback after stop reaches no one").isEmpty();
  }
}
