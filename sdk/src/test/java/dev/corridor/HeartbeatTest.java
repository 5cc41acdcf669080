package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.fakes.FakeServer;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Ping;
import dev.corridor.proto.v1.Pong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
  private final Harness h = new Harness();

  @AfterEach
  void nothingUnexpected() {
    h.states.assertNoMoreChanges();
  }

  private int pings() {
    return h.server.receivedOfKind(Envelope.KindCase.PING).size();
  }

  private void serverSends(Envelope.Builder envelope) {
    h.server.transport.last().receive(envelope.build().toByteArray());
  }

  @Test
  void silentLinkIsDetectedAtExactlyIntervalPlusTimeout() {
    h.server.autoPong = false;
    h.startConnected();
    h.advanceExactly(25_000, CONNECTED);
    assertThat(pings()).isEqualTo(1);
    h.advanceExactly(10_000, CONNECTED);
    StateChange lost = h.states.assertFailure(CONNECTED, WAITING_TO_RETRY, CorridorException.Kind.HEARTBEAT_TIMEOUT);
    assertThat(lost.cause()).isEqualTo(StateChange.Cause.HEARTBEAT_TIMEOUT);
    assertThat(lost.error().getMessage()).contains("35000 ms");
    assertThat(h.server.transport.sockets.get(0).cancelled).isTrue();
  }

  @Test
  void pongKeepsTheLinkAliveIndefinitely() {
    h.startConnected();
    h.advance(10 * 60_000);
    assertThat(h.client.state()).isEqualTo(CONNECTED);
    assertThat(pings()).isEqualTo(24); // one every 25 s of silence
  }

  @Test
  void inboundTrafficPostponesThePing() {
    h.server.autoPong = false;
    h.startConnected();
    h.advance(20_000);
    serverSends(FakeServer.env().setPing(Ping.newBuilder().setNonce(99))); // any message counts
    h.advance(24_999); // 44.999 s after the Welcome, 24.999 s after the last message
    assertThat(pings()).isZero();
    h.advance(1);
    assertThat(pings()).isEqualTo(1);
    // The client answered the server's ping too.
    assertThat(h.server.receivedOfKind(Envelope.KindCase.PONG)).hasSize(1);
  }

  @Test
  void anyMessageAfterThePingCountsAsLiveness() {
    h.server.autoPong = false;
    h.startConnected();
    h.advance(25_000);
    assertThat(pings()).isEqualTo(1);
    h.advance(9_000);
    serverSends(FakeServer.env().setPing(Ping.newBuilder().setNonce(1)));
    h.advance(1_000); // the pong timeout passes: liveness was proven by the other message
    assertThat(h.client.state()).isEqualTo(CONNECTED);
    h.advance(23_999); // next ping is due 25 s after that message
    assertThat(pings()).isEqualTo(1);
    h.advance(1);
    assertThat(pings()).isEqualTo(2);
  }

  @Test
  void roundTripTimeIsMeasuredLastAndSmoothed() {
    h.server.autoPong = false;
    h.startConnected();
    h.advance(25_000);
    long nonce = h.server.receivedOfKind(Envelope.KindCase.PING).get(0).getPing().getNonce();
    h.advance(120);
    serverSends(FakeServer.env().setPong(Pong.newBuilder().setNonce(nonce)));
    h.advance(25_000);
    long nonce2 = h.server.receivedOfKind(Envelope.KindCase.PING).get(1).getPing().getNonce();
    h.advance(40);
    serverSends(FakeServer.env().setPong(Pong.newBuilder().setNonce(nonce2)));
    assertThat(h.events.rttNanos).containsExactly(
        TimeUnit.MILLISECONDS.toNanos(120), TimeUnit.MILLISECONDS.toNanos(40));
    // 120 + (40 - 120) / 8 = 110 ms
    assertThat(h.events.smoothedRttNanos).containsExactly(
        TimeUnit.MILLISECONDS.toNanos(120), TimeUnit.MILLISECONDS.toNanos(110));
    assertThat(h.client.stats().lastRttNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
    assertThat(h.client.stats().smoothedRttNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(110));
  }

  @Test
  void pongWithAStaleNonceIsNotAnRttSample() {
    h.server.autoPong = false;
    h.startConnected();
    h.advance(25_000);
    serverSends(FakeServer.env().setPong(Pong.newBuilder().setNonce(12345)));
    assertThat(h.events.rttNanos).isEmpty();
  }

  @Test
  void serverHintShortensTheInterval() {
    h.server.heartbeatHintMs = 5_000;
    h.server.autoPong = false;
    h.startConnected();
    h.advanceExactly(5_000, CONNECTED);
    assertThat(pings()).isEqualTo(1);
    h.advanceExactly(10_000, CONNECTED);
    h.states.assertFailure(CONNECTED, WAITING_TO_RETRY, CorridorException.Kind.HEARTBEAT_TIMEOUT);
  }

  @Test
  void serverHintNeverLengthensTheIntervalNorGoesBelowOneSecond() {
    h.server.heartbeatHintMs = 100;
    h.start(h.builder().heartbeatInterval(20, TimeUnit.SECONDS));
    h.states.skipTo(CONNECTED);
    h.advance(999);
    assertThat(pings()).isZero();
    h.advance(1);
    assertThat(pings()).isEqualTo(1);
    h.states.clear();
  }

  @Test
  void configuredIntervalAndTimeoutAreHonoured() {
    h.server.autoPong = false;
    h.start(h.builder().heartbeatInterval(3, TimeUnit.SECONDS).pongTimeout(2, TimeUnit.SECONDS));
    h.states.skipTo(CONNECTED);
    h.advanceExactly(5_000, CONNECTED);
    h.states.assertFailure(CONNECTED, WAITING_TO_RETRY, CorridorException.Kind.HEARTBEAT_TIMEOUT);
  }

  @Test
  void aBusyLinkIsStillProbedForRoundTripTimeEveryFourIntervals() {
    h.startConnected();
    for (int second = 1; second <= 99; second++) {
      h.advance(1_000);
      h.server.transport.last().receive(FakeServer.env().setPing(Ping.newBuilder().setNonce(second)).build().toByteArray());
    }
    assertThat(pings()).isZero(); // traffic every second: no liveness ping needed
    h.advance(1_000); // 100 s = 4 intervals since the link started without an RTT sample
    assertThat(pings()).isEqualTo(1);
    assertThat(h.events.rttNanos).hasSize(1);
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }
}
