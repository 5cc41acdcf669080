package dev.corridor;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CLOSING;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.OFFLINE;
import static dev.corridor.ConnectionState.PAUSED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corridor.proto.v1.Envelope;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private final Harness h = new Harness();

  @AfterEach
  void nothingUnexpected() {
    h.states.assertNoMoreChanges();
  }

  @Test
  void connectedMeansWelcomeReceivedNotSocketOpen() {
    h.server.autoWelcome = false;
    h.start();
    h.states.assertState(IDLE, CONNECTING, StateChange.Cause.CONNECT_REQUESTED);
    assertThat(h.server.receivedOfKind(Envelope.KindCase.HELLO)).singleElement()
        .satisfies(e -> assertThat(e.getHello().getClientId()).isEqualTo("client-1"));
    assertThat(h.client.state()).isEqualTo(CONNECTING);
    h.server.welcome(h.server.transport.last());
    h.states.assertState(CONNECTING, CONNECTED, StateChange.Cause.WELCOME_RECEIVED);
  }

  @Test
  void helloCarriesTheResumeTokenOfTheLastWelcome() {
    h.startConnected();
    h.server.transport.last().serverClose(1001, "going away");
    h.advance(h.states.assertState(CONNECTED, WAITING_TO_RETRY).retryDelayMillis());
    h.states.skipTo(CONNECTED);
    var hellos = h.server.receivedOfKind(Envelope.KindCase.HELLO);
    assertThat(hellos.get(0).getHello().getResumeToken().isEmpty()).isTrue();
    assertThat(hellos.get(1).getHello().getResumeToken().toStringUtf8()).isEqualTo("token-1");
  }

  @Test
  void closeIsCleanAndTerminal() {
    h.startConnected();
    h.client.close();
    h.states.assertState(CONNECTED, CLOSING, StateChange.Cause.CLOSE_REQUESTED);
    var socket = h.server.transport.last();
    assertThat(socket.closeCode).isEqualTo(1000);
    socket.listener.onClosed(1000, "");
    h.states.assertState(CLOSING, CLOSED, StateChange.Cause.CLOSE_COMPLETED);
    assertThat(h.network.stopped).isTrue();
    assertThat(h.time.pendingTaskCount()).as("no timers left behind").isZero();
    h.client.close(); // idempotent
    assertThatThrownBy(() -> h.client.connect()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CLOSED");
  }

  @Test
  void closeGivesUpWaitingForTheServerAfterTheCloseTimeout() {
    h.startConnected();
    h.client.close();
    h.states.assertState(CONNECTED, CLOSING);
    h.advanceExactly(5_000, CLOSING);
    h.states.assertState(CLOSING, CLOSED);
    assertThat(h.server.transport.last().cancelled).isTrue();
  }

  @Test
  void closeWhileWaitingCancelsTheRetry() {
    h.startConnected();
    h.server.transport.last().serverClose(1011, "");
    h.states.assertState(CONNECTED, WAITING_TO_RETRY);
    h.client.close();
    h.states.assertState(WAITING_TO_RETRY, CLOSED, StateChange.Cause.CLOSE_REQUESTED);
    h.advance(60_000);
    assertThat(h.server.transport.openCount()).isEqualTo(1);
  }

  @Test
  void networkLossGoesOfflineWithoutAttemptsAndReturnSkipsTheBackoff() {
    h.startConnected();
    h.server.transport.last().serverClose(1011, "");
    h.states.assertState(CONNECTED, WAITING_TO_RETRY);
    h.network.lose();
    h.states.assertState(WAITING_TO_RETRY, OFFLINE, StateChange.Cause.NETWORK_LOST);
    h.advance(10 * 60_000);
    assertThat(h.server.transport.openCount()).as("no attempts while offline").isEqualTo(1);
    h.network.regain();
    h.states.assertState(OFFLINE, CONNECTING, StateChange.Cause.NETWORK_AVAILABLE);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void networkReturningDuringABackoffWaitConnectsAtOnce() {
    h.startConnected();
    h.advance(1000); // attempts start at least a second apart, however they are asked for
    h.network.lose();
    h.states.assertState(CONNECTED, OFFLINE);
    assertThat(h.server.transport.last().cancelled).isTrue();
    h.network.regain();
    h.states.assertState(OFFLINE, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    h.advance(1000);
    h.server.transport.last().serverClose(1011, "");
    assertThat(h.states.assertState(CONNECTED, WAITING_TO_RETRY).retryDelayMillis()).isEqualTo(1000);
    h.network.lose();
    h.network.regain(); // flaps while waiting: goes at once, not after the remaining 1000 ms
    h.states.assertState(WAITING_TO_RETRY, OFFLINE);
    h.states.assertState(OFFLINE, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void startingWithoutNetworkWaitsOffline() {
    h.network.available = false;
    h.start();
    h.states.assertState(IDLE, OFFLINE, StateChange.Cause.CONNECT_REQUESTED);
    assertThat(h.server.transport.openCount()).isZero();
    h.network.regain();
    h.states.assertState(OFFLINE, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void pauseClosesCleanlyAndResumeReconnectsAtOnce() {
    h.startConnected();
    h.client.pause();
    h.states.assertState(CONNECTED, CLOSING, StateChange.Cause.PAUSE_REQUESTED);
    h.server.transport.last().listener.onClosed(1000, "");
    h.states.assertState(CLOSING, PAUSED, StateChange.Cause.CLOSE_COMPLETED);
    h.advance(10 * 60_000);
    assertThat(h.server.transport.openCount()).isEqualTo(1);
    h.client.resume();
    h.states.assertState(PAUSED, CONNECTING, StateChange.Cause.RESUME_REQUESTED);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void resumeDuringTheCloseReconnectsWhenTheCloseCompletes() {
    h.startConnected();
    h.advance(1000);
    h.client.pause();
    h.states.assertState(CONNECTED, CLOSING);
    h.client.resume();
    h.server.transport.last().listener.onClosed(1000, "");
    h.states.assertState(CLOSING, CONNECTING, StateChange.Cause.CLOSE_COMPLETED);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void pauseBeforeConnectStartsPaused() {
    h.client = h.builder().build();
    h.client.addStateListener(h.states);
    h.client.pause();
    h.client.connect();
    h.states.assertState(IDLE, PAUSED);
    h.client.resume();
    h.states.assertState(PAUSED, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void sendWaitsInTheOutboxUntilConnectedAndValidatesInput() {
    h.server.maxMessageBytes = 64;
    h.client = h.builder().build();
    h.client.addStateListener(h.states);
    var early = h.client.send("intents", "focus AAPL".getBytes(StandardCharsets.UTF_8),
        SendOptions.builder().delivery(SendOptions.Delivery.BEST_EFFORT).build());
    assertThat(early).isNotDone();
    assertThat(h.client.stats().outboxMessages()).isEqualTo(1);
    h.client.connect();
    h.states.skipTo(CONNECTED);
    assertThat(early).isCompletedWithValueMatching(r -> r.outcome() == SendResult.Outcome.WRITTEN);
    var publishes = h.server.receivedOfKind(Envelope.KindCase.PUBLISH);
    assertThat(publishes).singleElement().satisfies(e -> {
      assertThat(e.getPublish().getTopic()).isEqualTo("intents");
      assertThat(e.getPublish().getPayload().toStringUtf8()).isEqualTo("focus AAPL");
    });
    assertThatThrownBy(() -> h.client.send("intents", new byte[65]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit of 64");
    assertThatThrownBy(() -> h.client.send("", new byte[1])).isInstanceOf(IllegalArgumentException.class);
    assertThat(h.client.stats().messagesOut()).isEqualTo(2); // Hello + publish
  }
}
