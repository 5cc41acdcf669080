package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.StateChange.Cause.ATTEMPT_FAILED;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static dev.corridor.integration.CorridorTestServer.SUBPROTOCOL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.integration.CorridorTestServer.Options;
import dev.corridor.proto.v1.Hello;
import dev.corridor.proto.v1.Pong;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The WebSocket upgrade and the protocol v1 handshake, over a real socket. */
class HandshakeIntegrationTest extends IntegrationTestSupport {

  @Test
  void upgradeRequestsCorridorSubprotocolAndHelloCarriesClientId() throws Exception {
    Connection connection = server.enqueueUpgrade();
    connect(clientBuilder().clientId("it-client-42"));

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().values("Sec-WebSocket-Protocol")).containsExactly(SUBPROTOCOL);
    assertThat(request.getUrl().encodedPath()).isEqualTo(CorridorTestServer.PATH);
    Hello hello = connection.takeHello(); // also asserts protocol_version == 1
    assertThat(hello.getClientId()).isEqualTo("it-client-42");
    assertThat(hello.getUserAgent()).isEqualTo(CorridorClient.USER_AGENT);
    assertThat(hello.getResumeToken().isEmpty()).as("no resume token on a first connection").isTrue();
    assertThat(hello.getMaxMessageBytes()).isEqualTo(1 << 20);
  }

  @Test
  void clientIsConnectedOnlyOnceTheWelcomeArrivesNotWhenTheSocketOpens() throws Exception {
    Connection connection = server.enqueueUpgrade(new Options().autoWelcome(false));
    CorridorClient client = connect(clientBuilder());

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    connection.takeHello(); // the socket is open: the client has spoken

    // A Ping/Pong round trip proves the client has processed everything up to now (its socket
    // callbacks run in order), so a transition made at socket open would already be visible.
    connection.sendPing(7);
    Pong pong = connection.takePong();
    assertThat(pong.getNonce()).isEqualTo(7);
    assertThat(client.state()).isEqualTo(CONNECTING);
    assertThat(recorder.stateChangesSoFar()).extracting(StateChange::current).containsExactly(CONNECTING);
    // Sent before the Welcome: it waits in the outbox rather than being written.
    assertThat(client.send("topic", new byte[] {1})).as("send before the Welcome").isNotDone();

    connection.sendWelcome();
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    assertThat(client.stats().connections()).isEqualTo(1);
  }

  @ParameterizedTest(name = "server selects {0}")
  @NullSource
  @ValueSource(strings = {"corridor.v2"})
  void serverSelectingAnotherSubprotocolFailsForGoodWithoutAHello(@Nullable String selected)
      throws Exception {
    Connection connection = server.enqueueUpgrade(new Options().subprotocol(selected));
    server.enqueueUpgrade(); // would accept a second attempt, if one were (wrongly) made
    CorridorClient client = connect(clientBuilder());

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    StateChange failed = recorder.awaitFailure(CONNECTING, FAILED, ATTEMPT_FAILED,
        CorridorException.Kind.SUBPROTOCOL_MISMATCH);
    assertThat(failed.retryDelayMillis()).isEqualTo(-1);
    assertThat(failed.error().getMessage())
        .contains(selected == null ? "none" : "'" + selected + "'")
        .contains("'" + SUBPROTOCOL + "'");

    connection.awaitEnded(); // the client dropped the socket
    assertThat(connection.framesReceived()).as("frames sent to a server of another protocol").isZero();
    assertThat(client.state()).isEqualTo(FAILED);
    assertThat(client.stats().attempts()).isEqualTo(1);
    assertThat(server.requestCount()).as("upgrade requests").isEqualTo(1);
    assertThat(recorder.stateChangesSoFar()).extracting(StateChange::current)
        .containsExactly(CONNECTING, FAILED);
  }

  @Test
  void permessageDeflateIsNotOfferedByDefault() throws Exception {
    server.enqueueUpgrade();
    connect(clientBuilder());

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().values("Sec-WebSocket-Extensions")).isEmpty();
  }

  @Test
  void permessageDeflateIsOfferedWhenCompressionIsEnabled() throws Exception {
    server.enqueueUpgrade();
    connect(clientBuilder().compression(true));

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    RecordedRequest request = server.takeRequest();
    assertThat(request.getHeaders().get("Sec-WebSocket-Extensions")).contains("permessage-deflate");
  }

  @Test
  void permessageDeflateImposedByServerWithoutOfferIsRefused() throws Exception {
    Connection connection = server.enqueueUpgrade(new Options().extensions("permessage-deflate"));
    connect(clientBuilder());

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    StateChange next = recorder.awaitNextChange();
    assertThat(next.previous()).isEqualTo(CONNECTING);
    assertThat(next.current()).as("state after an unrequested extension: %s", next)
        .isNotEqualTo(CONNECTED);
    assertThat(next.cause()).isEqualTo(ATTEMPT_FAILED);
    assertThat(connection.framesReceived()).as("frames sent on a connection to refuse").isZero();
  }
}
