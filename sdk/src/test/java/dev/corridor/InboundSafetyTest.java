package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.fakes.FakeServer;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Welcome;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InboundSafetyTest {
  private final Harness h = new Harness();

  @AfterEach
  void nothingUnexpected() {
    h.states.assertNoMoreChanges();
  }

  @Test
  void oversizeMessageIsRefusedBeforeParsingAndClosesWith1009() {
    h.start(h.builder().maxInboundMessageBytes(4096));
    h.states.skipTo(CONNECTED);
    h.server.transport.last().receive(new byte[4097]);
    assertThat(h.events.protocolErrors).singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(CorridorException.Kind.MESSAGE_TOO_LARGE));
    assertThat(h.server.transport.last().closeCode).isEqualTo(1009);
    h.states.assertFailure(CONNECTED, WAITING_TO_RETRY, CorridorException.Kind.MESSAGE_TOO_LARGE);
    assertThat(h.client.stats().protocolErrors()).isEqualTo(1);
  }

  @Test
  void messageAtTheLimitIsAccepted() {
    h.start(h.builder().maxInboundMessageBytes(4096));
    h.states.skipTo(CONNECTED);
    byte[] padded = new byte[0];
    for (int n = 4000; padded.length != 4096; n++) {
      padded = FakeServer.env().setWelcome(Welcome.newBuilder().setSessionId("x".repeat(n)))
          .build().toByteArray();
    }
    assertThat(padded).hasSize(4096);
    h.server.transport.last().receive(padded); // a second Welcome: a protocol error, not a size one
    assertThat(h.events.protocolErrors).singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(CorridorException.Kind.PROTOCOL));
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }

  @Test
  void malformedMessagesAreCountedAndReportedWithoutDisconnecting() {
    h.startConnected();
    Random random = new Random(42);
    for (int i = 0; i < 100; i++) {
      byte[] garbage = new byte[1 + random.nextInt(200)];
      random.nextBytes(garbage);
      garbage[0] = (byte) 0xFF; // never a valid field tag start for an envelope
      h.server.transport.last().receive(garbage);
    }
    assertThat(h.events.protocolErrors).hasSize(100)
        .allSatisfy(e -> assertThat(e.kind()).isEqualTo(CorridorException.Kind.PROTOCOL));
    assertThat(h.client.stats().protocolErrors()).isEqualTo(100);
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }

  @Test
  void unknownEnvelopeKindIsAProtocolError() {
    h.startConnected();
    // protocol_version = 1, then an unknown length-delimited field 99.
    byte[] unknown = {0x08, 0x01, (byte) 0x9A, 0x06, 0x01, 0x00};
    h.server.transport.last().receive(unknown);
    assertThat(h.events.protocolErrors).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("unknown kind"));
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }

  @Test
  void textFramesAreProtocolErrors() {
    h.startConnected();
    h.server.transport.last().listener.onTextMessage(5);
    assertThat(h.events.protocolErrors).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("binary"));
  }

  @Test
  void otherProtocolVersionBeforeWelcomeFails() {
    h.server.autoWelcome = false;
    h.start();
    h.states.assertState(IDLE, CONNECTING);
    h.server.transport.last().receive(Envelope.newBuilder().setProtocolVersion(2)
        .setWelcome(Welcome.getDefaultInstance()).build().toByteArray());
    h.states.assertFailure(CONNECTING, FAILED, CorridorException.Kind.PROTOCOL);
  }

  @Test
  void otherProtocolVersionAfterWelcomeIsDiscarded() {
    h.startConnected();
    h.server.transport.last().receive(Envelope.newBuilder().setProtocolVersion(2)
        .setWelcome(Welcome.getDefaultInstance()).build().toByteArray());
    assertThat(h.events.protocolErrors).hasSize(1);
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }

  @Test
  void subprotocolMismatchFails() {
    h.server.autoAccept = false;
    h.start();
    h.states.assertState(IDLE, CONNECTING);
    h.server.transport.last().acceptUpgrade("corridor.v2");
    StateChange failed = h.states.assertFailure(CONNECTING, FAILED, CorridorException.Kind.SUBPROTOCOL_MISMATCH);
    assertThat(failed.error().getMessage()).contains("'corridor.v2'");
    assertThat(h.server.transport.openCount()).isEqualTo(1);
  }

  @Test
  void throwingListenersCannotBreakTheClient() {
    h.startConnected();
    h.client.addEventListener(new EventListener() {
      @Override
      public void stateChanged(StateChange change) {
        throw new IllegalStateException("event listener bug");
      }
    });
    h.client.addStateListener(change -> {
      throw new RuntimeException("state listener bug");
    });
    RecordingStateListenerAfterThrowing after = new RecordingStateListenerAfterThrowing();
    h.client.addStateListener(after);
    h.server.transport.last().serverClose(1011, "");
    h.advance(1000);
    h.states.assertState(CONNECTED, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(after.count).isEqualTo(3); // every change still reached the later listener
    assertThat(h.events.callbackFailures).hasSize(3)
        .allSatisfy(t -> assertThat(t).hasMessage("state listener bug"));
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }

  private static final class RecordingStateListenerAfterThrowing implements StateListener {
    int count;

    @Override
    public void onStateChanged(StateChange change) {
      count++;
    }
  }
}
