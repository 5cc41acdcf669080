package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The OkHttp client Corridor uses when the application passes none, over real sockets. */
class DefaultOkHttpIntegrationTest extends IntegrationTestSupport {

  /**
   * OkHttp counts an open WebSocket as a running call for its whole life; with
   * {@code new OkHttpClient()}'s 64-call dispatcher limit, clients beyond the 64th of a process
   * would wait for ever.
   */
  @Test
  void seventyClientsWithTheDefaultOkHttpClientAllConnect() throws Exception {
    int clients = 70;
    CountDownLatch connected = new CountDownLatch(clients);
    AtomicInteger connectedCount = new AtomicInteger();
    for (int i = 0; i < clients; i++) server.enqueueUpgrade();

    for (int i = 0; i < clients; i++) {
      // No okHttpClient(...): the shared default. The listener is in place before connect(), so
      // no CONNECTED can slip by it.
      connect(clientBuilder(), change -> {
        if (change.current() == CONNECTED) {
          connectedCount.incrementAndGet();
          connected.countDown();
        }
      });
    }

    assertThat(connected.await(CorridorTestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .as("%s of %s clients connected within %s s", connectedCount.get(), clients,
            CorridorTestServer.TIMEOUT_SECONDS)
        .isTrue();
    assertThat(server.requestCount()).as("upgrade requests").isEqualTo(clients);
  }
}
