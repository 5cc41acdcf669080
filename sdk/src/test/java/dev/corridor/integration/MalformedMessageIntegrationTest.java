package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.StateChange.Cause.ATTEMPT_FAILED;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.integration.CorridorTestServer.Options;
import dev.corridor.proto.v1.Envelope;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Inbound frames that are not protocol v1 envelopes, on a real socket. */
class MalformedMessageIntegrationTest extends IntegrationTestSupport {

  /** Random bytes (fixed seed) that do not parse as an Envelope. */
  private static byte[] garbage() {
    byte[] bytes = new byte[64];
    new Random(20240611L).nextBytes(bytes);
    return bytes;
  }

  @Test
  void garbageFrameIsReportedAsProtocolErrorAndConnectionStays() throws Exception {
    byte[] garbage = garbage();
    assertThatThrownBy(() -> Envelope.parseFrom(garbage))
        .as("precondition: the bytes are not an Envelope")
        .isInstanceOf(InvalidProtocolBufferException.class);
    Connection connection = server.enqueueUpgrade();
    CorridorClient client = connect(clientBuilder());
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    connection.sendBytes(garbage);

    CorridorException error = recorder.awaitProtocolError();
    assertThat(error.kind()).isEqualTo(CorridorException.Kind.PROTOCOL);
    // The link still works, and the Pong proves the client handled the garbage before it.
    connection.sendPing(42);
    assertThat(connection.takePong().getNonce()).isEqualTo(42);
    assertThat(client.state()).isEqualTo(CONNECTED);
    assertThat(recorder.stateChangesSoFar()).extracting(StateChange::current)
        .containsExactly(CONNECTING, CONNECTED);
    assertThat(client.stats().protocolErrors()).isEqualTo(1);
    assertThat(server.requestCount()).as("upgrade requests").isEqualTo(1);
  }

  @Test
  void textFrameIsReportedAsProtocolErrorAndConnectionStays() throws Exception {
    Connection connection = server.enqueueUpgrade();
    CorridorClient client = connect(clientBuilder());
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    connection.sendText("{\"hello\": \"json\"}");

    CorridorException error = recorder.awaitProtocolError();
    assertThat(error.kind()).isEqualTo(CorridorException.Kind.PROTOCOL);
    connection.sendPing(43);
    assertThat(connection.takePong().getNonce()).isEqualTo(43);
    assertThat(client.state()).isEqualTo(CONNECTED);
    assertThat(recorder.stateChangesSoFar()).extracting(StateChange::current)
        .containsExactly(CONNECTING, CONNECTED);
    assertThat(client.stats().protocolErrors()).isEqualTo(1);
  }

  @Test
  void welcomeOfAnotherProtocolVersionFailsForGood() throws Exception {
    Connection connection = server.enqueueUpgrade(new Options().autoWelcome(false));
    server.enqueueUpgrade(); // would accept a second attempt, if one were (wrongly) made
    CorridorClient client = connect(clientBuilder());
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    connection.takeHello();

    connection.send(Envelope.newBuilder()
        .setProtocolVersion(2)
        .setWelcome(connection.welcome())
        .build());

    recorder.awaitFailure(CONNECTING, FAILED, ATTEMPT_FAILED, CorridorException.Kind.PROTOCOL);
    assertThat(client.stats().connections()).isZero();
    assertThat(server.requestCount()).as("upgrade requests").isEqualTo(1);
  }
}
