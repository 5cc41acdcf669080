package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** connect() lets an app wait for the first connection, or learn why there is none, without a loop of its own. */
class FirstConnectionTest {
  private final Harness h = new Harness();

  @Test
  void completesWithTheChangeIntoTheFirstConnected() {
    h.client = h.builder().build();
    CompletableFuture<StateChange> first = h.client.connect();
    assertThat(first).isCompleted();
    assertThat(first.join().previous()).isEqualTo(CONNECTING);
    assertThat(first.join().current()).isEqualTo(CONNECTED);
  }

  @Test
  void atItsTimeoutCompletesWithTheLatestChangeAndTheLastFailureWhileRetryingGoesOn() {
    h.server.refusing = true;
    h.client = h.builder().build();
    CompletableFuture<StateChange> first = h.client.connect(10, TimeUnit.SECONDS);
    h.advance(9_999);
    assertThat(first).isNotDone();
    h.advance(1);
    StateChange latest = first.join();
    assertThat(latest.current()).isEqualTo(WAITING_TO_RETRY);
    assertThat(latest.error().getMessage()).contains("connection refused");
    int attempts = h.server.transport.openCount();
    h.advance(10_000);
    assertThat(h.server.transport.openCount()).as("still trying").isGreaterThan(attempts);

    h.server.refusing = false;
    h.advance(10_000);
    assertThat(h.client.state()).isEqualTo(CONNECTED);
    assertThat(h.client.connect().join().current()).as("a later call sees the first connection").isEqualTo(CONNECTED);
  }

  @Test
  void aFatalFailureCompletesItWithFailed() {
    h.server.autoAccept = false;
    h.client = h.builder().build();
    CompletableFuture<StateChange> first = h.client.connect(30, TimeUnit.SECONDS);
    h.server.transport.last().failWithStatus(404, null);
    assertThat(first.join().current()).isEqualTo(FAILED);
    assertThat(first.join().error().httpStatus()).isEqualTo(404);
  }

  @Test
  void closingBeforeTheFirstConnectionCompletesItWithClosed() {
    h.server.autoAccept = false;
    h.client = h.builder().build();
    CompletableFuture<StateChange> first = h.client.connect();
    h.client.close();
    assertThat(first.join().current()).isEqualTo(ConnectionState.CLOSED);
    assertThatThrownBy(() -> h.client.connect()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aNegativeTimeoutIsRefused() {
    h.client = h.builder().build();
    assertThatThrownBy(() -> h.client.connect(-1, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
  }
}
