package dev.corridor.integration;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.StateChange.Cause.CLOSE_REQUESTED;
import static dev.corridor.StateChange.Cause.CONNECTION_LOST;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.RETRY_TIMER;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static dev.corridor.integration.CorridorTestServer.SUBPROTOCOL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.ExponentialBackoff;
import dev.corridor.StateChange;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.proto.v1.Hello;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** Losing an established connection, on a real socket, and getting it back. */
class ReconnectIntegrationTest extends IntegrationTestSupport {

  /** Connects a client whose first connection is {@code first}; returns once it is CONNECTED. */
  private CorridorClient connectAndAwaitConnected(CorridorClient.Builder builder) throws Exception {
    CorridorClient client = connect(builder);
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    return client;
  }

  @Test
  void socketDroppedByServerAfterWelcomeIsReestablishedAfterBackoff() throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade();
    CorridorClient client = connectAndAwaitConnected(clientBuilder());
    server.takeRequest();

    first.cancel();

    StateChange lost = recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST,
        CorridorException.Kind.NETWORK);
    assertThat(lost.retryDelayMillis()).isBetween(0L, FAST_BACKOFF.maxDelayMillis());
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    RecordedRequest again = server.takeRequest();
    assertThat(again.getHeaders().values("Sec-WebSocket-Protocol")).containsExactly(SUBPROTOCOL);
    second.takeHello();
    assertThat(client.stats().attempts()).isEqualTo(2);
    assertThat(client.stats().connections()).isEqualTo(2);
  }

  @Test
  void helloAfterReconnectPresentsResumeTokenOfPreviousWelcome() throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade();
    connectAndAwaitConnected(clientBuilder().clientId("resuming-client"));
    Hello firstHello = first.takeHello();

    first.cancel();
    recorder.awaitChange(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST);
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    Hello secondHello = second.takeHello();
    assertThat(firstHello.getResumeToken().isEmpty()).isTrue();
    assertThat(secondHello.getClientId()).isEqualTo("resuming-client");
    assertThat(secondHello.getResumeToken()).isEqualTo(first.welcome().getResumeToken());
  }

  @Test
  void serverCloseFrameIsAnsweredAndConnectionReestablished() throws Exception {
    Connection first = server.enqueueUpgrade();
    server.enqueueUpgrade();
    connectAndAwaitConnected(clientBuilder());

    first.close(1012, "service restart");

    StateChange lost = recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST,
        CorridorException.Kind.CLOSED_BY_SERVER);
    assertThat(lost.error().closeCode()).isEqualTo(1012);
    // RFC 6455 section 5.5.1: the answer echoes the status code received.
    assertThat(first.takeCloseCode()).as("the client's answer to the close frame").isEqualTo(1012);
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
  }

  @Test
  void oversizeMessageIsReportedClosedWith1009AndConnectionReestablished() throws Exception {
    Connection first = server.enqueueUpgrade();
    Connection second = server.enqueueUpgrade();
    CorridorClient client = connectAndAwaitConnected(clientBuilder().maxInboundMessageBytes(1024));

    first.sendBytes(new byte[2048]);

    CorridorException tooLarge = recorder.awaitProtocolError();
    assertThat(tooLarge.kind()).isEqualTo(CorridorException.Kind.MESSAGE_TOO_LARGE);
    assertThat(tooLarge.closeCode()).isEqualTo(1009);
    assertThat(first.takeCloseCode()).as("close code received by the server").isEqualTo(1009);
    recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST,
        CorridorException.Kind.MESSAGE_TOO_LARGE);
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    second.takeHello();
    assertThat(client.stats().protocolErrors()).isEqualTo(1);
  }

  @Test
  void tryAgainLaterCloseReasonFloorsTheBackoffDelay() throws Exception {
    Connection first = server.enqueueUpgrade();
    // Hints are capped at 10 x the backoff's max delay: FAST_BACKOFF's would cap this one at 1 s.
    CorridorClient client = connectAndAwaitConnected(clientBuilder().backoff(ExponentialBackoff.DEFAULT));

    first.close(1013, "overloaded; retry-after=2");

    StateChange lost = recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST,
        CorridorException.Kind.CLOSED_BY_SERVER);
    assertThat(lost.error().closeCode()).isEqualTo(1013);
    assertThat(lost.error().retryAfterMillis()).isEqualTo(2000);
    assertThat(lost.retryDelayMillis()).isGreaterThanOrEqualTo(2000);
    client.close();
    recorder.awaitChange(WAITING_TO_RETRY, CLOSED, CLOSE_REQUESTED);
  }
}
