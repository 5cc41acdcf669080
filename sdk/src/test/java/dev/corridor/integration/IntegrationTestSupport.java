package dev.corridor.integration;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import dev.corridor.CorridorClient;
import dev.corridor.EventListener;
import dev.corridor.ExponentialBackoff;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * Common set-up for the integration tier: a {@link CorridorTestServer} on a real socket per test,
 * a {@link ClientRecorder}, and clients built against the server that are closed after the test.
 */
@Timeout(10)
abstract class IntegrationTestSupport {
  /** Keeps reconnections fast: waits of 25-50 ms, then 50-100 ms. */
  static final ExponentialBackoff FAST_BACKOFF = ExponentialBackoff.builder()
      .initialDelay(50, MILLISECONDS)
      .maxDelay(100, MILLISECONDS)
      .build();

  protected CorridorTestServer server;
  protected final ClientRecorder recorder = new ClientRecorder();
  private final List<CorridorClient> clients = new ArrayList<>();

  @BeforeEach
  final void startServer() throws Exception {
    server = createServer();
  }

  /** The server for each test; TLS tests override it. */
  protected CorridorTestServer createServer() throws Exception {
    return CorridorTestServer.start();
  }

  @AfterEach
  final void closeClientsAndServer() {
    for (CorridorClient client : clients) client.close();
    if (server != null) server.close();
  }

  /** A builder for the test server's URL, reporting events to {@link #recorder}, fast backoff. */
  protected CorridorClient.Builder clientBuilder() {
    return CorridorClient.builder(server.wsUrl())
        .eventListener(recorder)
        .backoff(FAST_BACKOFF);
  }

  /** Builds the client, listens to its state with {@link #recorder} and connects it. */
  protected CorridorClient connect(CorridorClient.Builder builder) {
    return connect(builder, change -> {});
  }

  /** As {@link #connect(CorridorClient.Builder)}, with {@code listener} added before connecting. */
  protected CorridorClient connect(CorridorClient.Builder builder, dev.corridor.StateListener listener) {
    CorridorClient client = builder.build();
    clients.add(client);
    client.addStateListener(recorder);
    client.addStateListener(listener);
    client.connect();
    return client;
  }

  /** As {@link #connect(CorridorClient.Builder)}, with {@code events} listening from the start. */
  protected CorridorClient connect(CorridorClient.Builder builder, EventListener events) {
    CorridorClient client = builder.build();
    clients.add(client);
    client.addStateListener(recorder);
    client.addEventListener(events);
    client.connect();
    return client;
  }
}
