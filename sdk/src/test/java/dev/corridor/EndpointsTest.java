package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several endpoints: how the client picks one for each attempt, in virtual time. */
class EndpointsTest {
  private static final String A = "wss://a.example.test/v1";
  private static final String B = "wss://b.example.test/v1";
  private static final String C = "wss://c.example.test/v1";

  private final Harness h = new Harness();

  @AfterEach
  void nothingUnexpected() {
    h.states.assertNoMoreChanges();
  }

  private CorridorClient start() {
    return h.start(h.builder().endpoints(Arrays.asList(A, B, C)));
  }

  /** The URL of every socket opened so far. */
  private List<String> attempts() {
    List<String> urls = new ArrayList<>();
    for (var socket : h.server.transport.sockets) urls.add(socket.request.url());
    return urls;
  }

  /** Waits out the current retry delay (the harness's random is 0: the ceiling of each wait). */
  private void nextAttempt() {
    StateChange waiting = h.states.assertState(CONNECTING, WAITING_TO_RETRY);
    h.advance(waiting.retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
  }

  @Test
  void theFirstAttemptGoesToTheFirstEndpoint() {
    start();
    h.states.assertState(IDLE, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(attempts()).containsExactly(A);
    assertThat(h.client.endpoint()).isEqualTo(A);
  }

  @Test
  void aFailedAttemptMovesOnToTheNextEndpointAtTheBackoffsPace() {
    h.server.downEndpoints.add(A);
    start();
    h.states.assertState(IDLE, CONNECTING);
    StateChange waiting = h.states.assertState(CONNECTING, WAITING_TO_RETRY);
    assertThat(waiting.retryDelayMillis()).as("paced as any failed attempt").isEqualTo(1000);
    assertThat(h.client.endpoint()).isEqualTo(B);
    h.advanceExactly(1000, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(attempts()).containsExactly(A, B);
  }

  @Test
  void withEveryEndpointDownTheClientCyclesThroughThemAndBackToTheFirst() {
    h.server.downEndpoints.addAll(Arrays.asList(A, B, C));
    start();
    h.states.assertState(IDLE, CONNECTING);
    for (int i = 0; i < 3; i++) nextAttempt();
    assertThat(attempts()).containsExactly(A, B, C, A);
    h.server.downEndpoints.clear();
    nextAttempt();
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(attempts()).containsExactly(A, B, C, A, B);
  }

  @Test
  void aLostConnectionIsRetriedWhereItWasThenOnTheNext() {
    h.server.downEndpoints.add(A);
    start();
    h.states.assertState(IDLE, CONNECTING);
    nextAttempt();
    h.states.assertState(CONNECTING, CONNECTED); // on B
    h.advance(60_000); // healthy for a while

    h.server.downEndpoints.add(B);
    h.server.transport.last().failWithIo("connection reset"); // the link dropped
    StateChange lost = h.states.assertState(CONNECTED, WAITING_TO_RETRY, StateChange.Cause.CONNECTION_LOST);
    h.advance(lost.retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    assertThat(attempts()).as("the drop is retried on B first").containsExactly(A, B, B);
    nextAttempt();
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(attempts()).containsExactly(A, B, B, C);
    assertThat(h.client.endpoint()).isEqualTo(C);
  }

  @Test
  void aServerThatGoesAwayOrRestartsSendsTheClientToTheNextEndpoint() {
    start();
    h.states.assertState(IDLE, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED); // on A
    h.server.transport.last().serverClose(1012, "service restart");
    StateChange lost = h.states.assertState(CONNECTED, WAITING_TO_RETRY, StateChange.Cause.CONNECTION_LOST);
    assertThat(h.client.endpoint()).isEqualTo(B);
    h.advance(lost.retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    h.server.transport.last().serverClose(1001, "going away");
    lost = h.states.assertState(CONNECTED, WAITING_TO_RETRY, StateChange.Cause.CONNECTION_LOST);
    h.advance(lost.retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(attempts()).containsExactly(A, B, C);
  }

  @Test
  void failuresThatAreNotTheEndpointsKeepItsTurn() {
    h.server.autoAccept = false;
    start();
    h.states.assertState(IDLE, CONNECTING);
    h.network.listener.onNetworkChanged(); // the device moved networks while the attempt was under way
    StateChange changed = h.states.assertState(CONNECTING, WAITING_TO_RETRY, StateChange.Cause.NETWORK_CHANGED);
    assertThat(h.client.endpoint()).as("A is not to blame").isEqualTo(A);
    h.server.autoAccept = true;
    h.advance(Math.max(changed.retryDelayMillis(), 1000));
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(attempts()).containsExactly(A, A);
  }

  @Test
  void theEndpointListIsValidated() {
    CorridorClient.Builder b = CorridorClient.builder(A);
    assertThatThrownBy(() -> b.endpoints(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.endpoints(List.of(A, A))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> b.endpoints(List.of(A, "ftp://x/v1"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(b.endpoints(List.of(B, C)).build().endpoint()).isEqualTo(B);
  }
}
