package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.HEARTBEAT_TIMEOUT;
import static dev.corridor.StateChange.Cause.RETRY_TIMER;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.integration.CorridorTestServer.Options;
import org.junit.jupiter.api.Test;

/** The heartbeat's Pings and Pongs over a real socket, with short intervals. */
class HeartbeatIntegrationTest extends IntegrationTestSupport {

  @Test
  void pingsAnsweredByServerMeasureRoundTripTime() throws Exception {
    Connection connection = server.enqueueUpgrade();
    CorridorClient client = connect(clientBuilder()
        .heartbeatInterval(50, MILLISECONDS)
        .pongTimeout(2_000, MILLISECONDS));
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    long rtt = recorder.awaitRttNanos();

    assertThat(rtt).isPositive();
    assertThat(connection.pingsReceived()).isPositive();
    assertThat(client.stats().lastRttNanos()).isPositive();
    assertThat(client.state()).isEqualTo(CONNECTED);
  }

  @Test
  void serverThatStopsAnsweringIsDetectedAndReplaced() throws Exception {
    Connection silent = server.enqueueUpgrade(new Options().autoPong(false));
    Connection healthy = server.enqueueUpgrade();
    connect(clientBuilder()
        .heartbeatInterval(100, MILLISECONDS)
        .pongTimeout(100, MILLISECONDS));
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    StateChange dead = recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, HEARTBEAT_TIMEOUT,
        CorridorException.Kind.HEARTBEAT_TIMEOUT);

    assertThat(silent.pingsReceived()).as("Pings the silent server ignored").isPositive();
    assertThat(dead.retryDelayMillis()).isBetween(0L, FAST_BACKOFF.maxDelayMillis());
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    healthy.takeHello();
  }
}
