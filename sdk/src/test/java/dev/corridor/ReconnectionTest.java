package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.proto.v1.ErrorCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReconnectionTest {
  private final Harness h = new Harness();

  @AfterEach
  void nothingUnexpected() {
    h.states.assertNoMoreChanges();
  }

  @Test
  void firstAttemptAfterADropIsJittered() {
    h.random.set(0.5);
    h.startConnected();
    h.server.transport.last().serverClose(1006, "");
    StateChange waiting = h.states.assertState(CONNECTED, WAITING_TO_RETRY, StateChange.Cause.CONNECTION_LOST);
    assertThat(waiting.retryDelayMillis()).isEqualTo(600); // 1000 ms ceiling x (1 - 0.8 x 0.5)
    h.advanceExactly(600, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_TIMER);
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(h.server.transport.openCount()).isEqualTo(2);
  }

  @Test
  void timeSpentOnAFailedAttemptCountsTowardsTheWait() {
    h.server.autoWelcome = false;
    h.start(h.builder().handshakeTimeout(600, TimeUnit.MILLISECONDS));
    h.states.assertState(ConnectionState.IDLE, CONNECTING);
    h.advanceExactly(600, CONNECTING);
    StateChange waiting = h.states.assertFailure(CONNECTING, WAITING_TO_RETRY,
        CorridorException.Kind.HANDSHAKE_TIMEOUT);
    assertThat(waiting.retryDelayMillis()).isEqualTo(400); // 1000 ms backoff - 600 ms spent
    assertThat(h.server.transport.last().cancelled).isTrue();
  }

  @Test
  void closeCode1013RetryAfterIsAFloor() {
    h.startConnected();
    h.server.transport.last().serverClose(1013, "overloaded; retry-after=5");
    StateChange waiting = h.states.assertState(CONNECTED, WAITING_TO_RETRY);
    assertThat(waiting.retryDelayMillis()).isEqualTo(5000);
    assertThat(waiting.error().closeCode()).isEqualTo(1013);
    assertThat(h.server.transport.sockets.get(0).closeCode).as("close answered").isEqualTo(1000);
  }

  @Test
  void httpRetryAfterSecondsAndDateAreFloors() {
    h.server.autoAccept = false;
    h.start();
    h.states.assertState(ConnectionState.IDLE, CONNECTING);
    h.server.transport.last().failWithStatus(503, "7");
    assertThat(h.states.assertFailure(CONNECTING, WAITING_TO_RETRY, CorridorException.Kind.HTTP_STATUS)
        .retryDelayMillis()).isEqualTo(7000);
    h.advance(7000);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    // FakeTime's wall clock reads 2026-01-01T00:00:07Z now; the date is 20 s later.
    h.server.transport.last().failWithStatus(429, "Thu, 01 Jan 2026 00:00:27 GMT");
    assertThat(h.states.assertState(CONNECTING, WAITING_TO_RETRY).retryDelayMillis()).isEqualTo(20_000);
  }

  @Test
  void serverErrorBeforeWelcomeEndsTheAttemptWithItsRetryAfterAsFloor() {
    h.server.autoWelcome = false;
    h.start();
    h.states.assertState(ConnectionState.IDLE, CONNECTING);
    h.server.transport.last().receive(
        dev.corridor.fakes.FakeServer.connectionError(ErrorCode.ERROR_CODE_OVERLOADED, true, 12_000));
    StateChange waiting = h.states.assertFailure(CONNECTING, WAITING_TO_RETRY, CorridorException.Kind.SERVER_ERROR);
    assertThat(waiting.retryDelayMillis()).isEqualTo(12_000);
  }

  /** Ten times ExponentialBackoff.DEFAULT's 30 s slow delay, its longest wait. */
  private static final long DEFAULT_HINT_CAP_MILLIS = 300_000;

  /** A backoff whose longest wait is 2 s, so that server hints are capped at 20 s. */
  private static final ExponentialBackoff TWO_SECOND_CAP = ExponentialBackoff.builder()
      .maxDelay(2, TimeUnit.SECONDS).slowDelay(1, TimeUnit.SECONDS).build();

  @ParameterizedTest
  @ValueSource(strings = {"2147483647", "Fri, 31 Dec 9999 23:59:59 GMT"})
  void aHugeHttpRetryAfterIsCappedAtTenTimesTheBackoffCap(String retryAfter) {
    h.server.autoAccept = false;
    h.start();
    h.states.assertState(ConnectionState.IDLE, CONNECTING);
    h.server.transport.last().failWithStatus(503, retryAfter);
    assertThat(h.states.assertFailure(CONNECTING, WAITING_TO_RETRY, CorridorException.Kind.HTTP_STATUS)
        .retryDelayMillis()).isEqualTo(DEFAULT_HINT_CAP_MILLIS);
    h.advanceExactly(DEFAULT_HINT_CAP_MILLIS, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_TIMER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"retry-after=999999999", "overloaded; retry-after=99999999999999999999"})
  void aHugeCloseReasonRetryAfterIsCappedAtTenTimesTheBackoffCap(String reason) {
    h.start(h.builder().backoff(TWO_SECOND_CAP));
    h.states.skipTo(CONNECTED);
    h.server.transport.last().serverClose(1013, reason);
    assertThat(h.states.assertState(CONNECTED, WAITING_TO_RETRY).retryDelayMillis()).isEqualTo(20_000);
    h.advanceExactly(20_000, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_TIMER);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void anErrorRetryAfterAbove2To31MillisIsReadUnsignedAndCapped() {
    BackoffPolicy oneSecond = (step, outageMillis, random) -> 1_000;
    h.server.autoWelcome = false;
    h.start(h.builder().backoff(oneSecond));
    h.states.assertState(ConnectionState.IDLE, CONNECTING);
    // uint32 4,294,967,295 ms (49.7 days): as a signed int it read -1, i.e. no hint at all.
    h.server.transport.last().receive(dev.corridor.fakes.FakeServer.connectionError(
        ErrorCode.ERROR_CODE_OVERLOADED, true, -1));
    assertThat(h.states.assertFailure(CONNECTING, WAITING_TO_RETRY, CorridorException.Kind.SERVER_ERROR)
        .retryDelayMillis()).isEqualTo(TimeUnit.MINUTES.toMillis(5));
  }

  @Test
  void aHugeErrorRetryAfterIsCappedAtFiveMinutesForOtherPolicies() {
    BackoffPolicy oneSecond = (step, outageMillis, random) -> 1_000;
    h.server.autoWelcome = false;
    h.start(h.builder().backoff(oneSecond));
    h.states.assertState(ConnectionState.IDLE, CONNECTING);
    h.server.transport.last().receive(dev.corridor.fakes.FakeServer.connectionError(
        ErrorCode.ERROR_CODE_OVERLOADED, true, Integer.MAX_VALUE)); // 24.8 days
    assertThat(h.states.assertFailure(CONNECTING, WAITING_TO_RETRY, CorridorException.Kind.SERVER_ERROR)
        .retryDelayMillis()).isEqualTo(TimeUnit.MINUTES.toMillis(5));
    h.advanceExactly(TimeUnit.MINUTES.toMillis(5), WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_TIMER);
  }

  @Test
  void aHugeErrorRetryAfterWhileConnectedCapsTheWaitAfterTheClose() {
    h.start(h.builder().backoff(TWO_SECOND_CAP));
    h.states.skipTo(CONNECTED);
    h.server.transport.last().receive(dev.corridor.fakes.FakeServer.connectionError(
        ErrorCode.ERROR_CODE_OVERLOADED, true, Integer.MAX_VALUE));
    h.server.transport.last().serverClose(1011, "restarting");
    assertThat(h.states.assertState(CONNECTED, WAITING_TO_RETRY).retryDelayMillis()).isEqualTo(20_000);
    h.advanceExactly(20_000, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_TIMER);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void aHintBelowTheCapIsStillAFloor() {
    h.start(h.builder().backoff(TWO_SECOND_CAP));
    h.states.skipTo(CONNECTED);
    h.server.transport.last().serverClose(1013, "retry-after=15"); // backoff says 1 s, cap is 20 s
    assertThat(h.states.assertState(CONNECTED, WAITING_TO_RETRY).retryDelayMillis()).isEqualTo(15_000);
    h.advanceExactly(15_000, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_TIMER);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void nonRetryableServerErrorFails() {
    h.server.autoWelcome = false;
    h.start();
    h.states.assertState(ConnectionState.IDLE, CONNECTING);
    h.server.transport.last().receive(
        dev.corridor.fakes.FakeServer.connectionError(ErrorCode.ERROR_CODE_FORBIDDEN, false, 0));
    h.states.assertFailure(CONNECTING, FAILED, CorridorException.Kind.SERVER_REFUSED);
    assertThat(h.network.stopped).isTrue();
  }

  @Test
  void ioErrorRetriesAndEveryAttemptIsPairedInEvents() {
    h.server.autoAccept = false;
    h.start();
    h.states.assertState(ConnectionState.IDLE, CONNECTING);
    h.server.transport.last().failWithIo("connection refused");
    h.states.assertFailure(CONNECTING, WAITING_TO_RETRY, CorridorException.Kind.NETWORK);
    h.advance(1000);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    h.server.accept(h.server.transport.last());
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(h.events.log).containsExactly(
        "attemptStarted 1", "attemptFailed 1 NETWORK", "attemptStarted 2", "attemptSucceeded 2");
  }

  @Test
  void staleCallbacksOfAnAbandonedSocketAreIgnored() {
    h.server.autoAccept = false;
    h.start();
    h.states.assertState(ConnectionState.IDLE, CONNECTING);
    var first = h.server.transport.last();
    first.failWithIo("reset");
    h.states.assertState(CONNECTING, WAITING_TO_RETRY);
    h.advance(1000);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    // The dead socket speaks up late: nothing must happen.
    first.acceptUpgrade("corridor.v1");
    first.serverClose(1008, "late");
    first.failWithStatus(404, null);
    assertThat(h.client.state()).isEqualTo(CONNECTING);
    h.server.accept(h.server.transport.last());
    h.states.assertState(CONNECTING, CONNECTED);
  }
}
