package dev.corridor.android;

import android.app.ActivityManager.RunningAppProcessInfo;
import dev.corridor.CorridorClient;
import dev.corridor.integration.CorridorTestServer;
import org.junit.After;
import org.junit.Before;

/**
 * What the tests of an installed client share: the simulated device (in the foreground), a real
 * protocol v1 server on a local socket, and the client {@link CorridorAndroid#install} built, with
 * its {@link StateLog}.
 */
abstract class InstalledClientTest {
  final Device device = new Device();
  CorridorTestServer server;
  CorridorClient client;
  StateLog log;

  @Before
  public void startServer() throws Exception {
    server = CorridorTestServer.start();
    device.processImportance(RunningAppProcessInfo.IMPORTANCE_FOREGROUND);
  }

  @After
  public void closeClientAndServer() {
    if (client != null) client.close();
    server.close();
  }

  CorridorClient install(AndroidOptions options) {
    client = CorridorAndroid.install(device.app, CorridorClient.builder(server.wsUrl()), options);
    log = StateLog.on(client);
    return client;
  }

  /** Installs with the defaults and connects. */
  void installAndConnect() {
    install(AndroidOptions.DEFAULT).connect();
  }
}
