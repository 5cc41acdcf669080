package dev.corridor.integration;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CLOSING;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.StateChange.Cause.CLOSE_COMPLETED;
import static dev.corridor.StateChange.Cause.CLOSE_REQUESTED;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorClient;
import dev.corridor.integration.CorridorTestServer.Connection;
import org.junit.jupiter.api.Test;

/** {@code close()} of an established connection, over a real socket. */
class CleanCloseIntegrationTest extends IntegrationTestSupport {

  @Test
  void closeSendsNormalClosureAndCompletesWhenServerAnswers() throws Exception {
    Connection connection = server.enqueueUpgrade();
    CorridorClient client = connect(clientBuilder());
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    client.close();

    recorder.awaitChange(CONNECTED, CLOSING, CLOSE_REQUESTED);
    assertThat(connection.takeCloseCode()).isEqualTo(1000);
    recorder.awaitChange(CLOSING, CLOSED, CLOSE_COMPLETED);
    connection.awaitEnded();
    assertThat(server.requestCount()).as("upgrade requests").isEqualTo(1);
  }
}
