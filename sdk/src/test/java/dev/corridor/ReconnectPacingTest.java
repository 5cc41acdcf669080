package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.fakes.FakeServer.env;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.fakes.FakeTransport.FakeSocket;
import dev.corridor.proto.v1.Pong;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reconnection pacing in virtual time: healthy connection time pays back backoff steps, a flapping
 * server sees spread-out attempts, a long outage slows down, and the network or the application
 * can ask for an attempt at once without turning the client into a loop. The fault schedule is the
 * one of the peers' comparison (black hole, reset, refusal), with the default policy.
 */
class ReconnectPacingTest {
  /** Just below 1: the shortest wait below the cap, the longest at it. */
  private static final double ALMOST_ONE = Math.nextDown(1.0);
  private static final byte[] UNSOLICITED_PONG =
      env().setPong(Pong.newBuilder().setNonce(0)).build().toByteArray();

  private final Harness h = new Harness();

  @AfterEach
  void nothingUnexpected() {
    h.states.assertNoMoreChanges();
  }

  /** The server sends a message every 500 ms for {@code millis}: the connection is healthy. */
  private void carryTraffic(long millis) {
    for (long t = 0; t < millis; t += 500) {
      h.advance(500);
      h.server.transport.last().receive(UNSOLICITED_PONG);
    }
  }

  private long now() {
    return TimeUnit.NANOSECONDS.toMillis(h.time.nanoTime());
  }

  /** Three handshake timeouts (a black hole), then the link returns: the steps are at 3. */
  private void escalateThroughABlackHole() {
    h.server.autoWelcome = false;
    h.start(h.builder().handshakeTimeout(15, TimeUnit.SECONDS));
    h.states.assertState(IDLE, CONNECTING);
    for (int i = 0; i < 3; i++) {
      h.advance(15_000);
      StateChange waiting = h.states.assertFailure(CONNECTING, WAITING_TO_RETRY,
          CorridorException.Kind.HANDSHAKE_TIMEOUT);
      assertThat(waiting.retryDelayMillis()).as("the 15 s attempt used up the wait").isZero();
      h.advance(0);
      h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    }
    h.server.autoWelcome = true;
    h.server.welcome(h.server.transport.last());
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void aResetAfterFifteenHealthySecondsRetriesWithinASecondEvenAfterAnEscalatedOutage() {
    h.random.set(0.5);
    escalateThroughABlackHole();
    carryTraffic(15_000);

    h.server.transport.last().failWithIo("Connection reset");

    StateChange waiting = h.states.assertState(CONNECTED, WAITING_TO_RETRY, StateChange.Cause.CONNECTION_LOST);
    assertThat(waiting.retryDelayMillis()).as("step 0, jittered: 1000 ms x (1 - 0.8 x 0.5)").isEqualTo(600);
    h.advanceExactly(600, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_TIMER);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void aConnectionThatWentSilentPaysNothingBack() {
    h.random.set(0.5);
    escalateThroughABlackHole();
    h.advance(15_000); // CONNECTED, but nothing arrives: not healthy

    h.server.transport.last().failWithIo("Connection reset");

    StateChange waiting = h.states.assertState(CONNECTED, WAITING_TO_RETRY);
    assertThat(waiting.retryDelayMillis()).as("step 3 (first wait at the cap): 5750 ms x (1 + 1.0 x 0)")
        .isEqualTo(5750);
    h.advance(5750);
    h.states.skipTo(CONNECTED);
  }

  @Test
  void everyTwoHealthySecondsPayBackOneStep() {
    h.random.set(0.0); // ceilings exactly: 1000, 2000, 4000 ms
    escalateThroughABlackHole(); // step 3
    carryTraffic(4_000); // pays back two steps: step 1

    h.server.transport.last().failWithIo("Connection reset");

    assertThat(h.states.assertState(CONNECTED, WAITING_TO_RETRY).retryDelayMillis())
        .as("step 1's ceiling").isEqualTo(2000);
    h.advance(2000);
    h.states.skipTo(CONNECTED);
    carryTraffic(1_500); // less than one payback period: nothing paid, step 2 goes on
    h.server.transport.last().failWithIo("Connection reset");
    assertThat(h.states.assertState(CONNECTED, WAITING_TO_RETRY).retryDelayMillis())
        .as("step 2's ceiling").isEqualTo(4000);
    h.advance(4000);
    h.states.skipTo(CONNECTED);
  }

  @Test
  void aServerThatWelcomesAndClosesWithin200MsSeesAtMost12AttemptsIn30sWithGrowingGaps() {
    // The shortest waits the policy allows below the cap, then the shortest at it.
    h.random.set(ALMOST_ONE, ALMOST_ONE, ALMOST_ONE, 0.0);
    h.startConnected();
    List<Long> starts = new ArrayList<>();
    starts.add(now());
    while (true) {
      h.advance(200);
      h.server.transport.last().serverClose(1011, "crash");
      StateChange waiting = h.states.assertState(CONNECTED, WAITING_TO_RETRY);
      if (now() + waiting.retryDelayMillis() > 30_000) break;
      h.advance(waiting.retryDelayMillis());
      starts.add(now());
      h.states.assertState(WAITING_TO_RETRY, CONNECTING);
      h.states.assertState(CONNECTING, CONNECTED);
    }
    assertThat(starts).hasSizeLessThanOrEqualTo(12);
    assertThat(starts).containsExactly(0L, 400L, 1000L, 2000L, 5075L, 10450L, 15825L, 21200L, 26575L);
    for (int i = 2; i < starts.size(); i++) {
      assertThat(starts.get(i) - starts.get(i - 1)).as("gap %d", i)
          .isGreaterThanOrEqualTo(starts.get(i - 1) - starts.get(i - 2));
    }
  }

  @Test
  void aServerThatAcceptsAndClosesBeforeTheWelcomeSeesGrowingGapsToo() {
    h.random.set(ALMOST_ONE, ALMOST_ONE, ALMOST_ONE, 0.0);
    h.server.autoWelcome = false;
    h.start();
    h.states.assertState(IDLE, CONNECTING);
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      h.server.transport.last().serverClose(1011, "no");
      StateChange waiting = h.states.assertState(CONNECTING, WAITING_TO_RETRY);
      delays.add(waiting.retryDelayMillis());
      h.advance(waiting.retryDelayMillis());
      h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    }
    assertThat(delays).containsExactly(200L, 400L, 800L, 2875L, 5175L, 5175L);
  }

  /**
   * The fault schedule's end: a healthy connection is reset, the server refuses connections for
   * 18 s, then accepts again. Over 201 seeded clients the median time from the server's return to
   * CONNECTED is at most 3 s, and none waits longer than one period at the cap.
   */
  @Test
  void afterAnEighteenSecondRefusalTheMedianClientIsBackWithinThreeSeconds() {
    List<Long> backAfter = new ArrayList<>();
    for (int seed = 0; seed < 201; seed++) {
      Harness c = new Harness();
      Random random = new Random(seed);
      c.start(c.builder().random(random::nextDouble));
      c.states.skipTo(CONNECTED);
      for (int i = 0; i < 30; i++) {
        c.advance(500);
        c.server.transport.last().receive(UNSOLICITED_PONG);
      }
      c.server.refusing = true;
      c.server.transport.last().failWithIo("Connection reset");
      c.advance(18_000);
      c.server.refusing = false;
      long returned = TimeUnit.NANOSECONDS.toMillis(c.time.nanoTime());
      while (c.client.state() != CONNECTED) c.advance(10);
      backAfter.add(TimeUnit.NANOSECONDS.toMillis(c.time.nanoTime()) - returned);
    }
    Collections.sort(backAfter);
    long median = backAfter.get(backAfter.size() / 2);
    assertThat(median).as("median ms from the server's return to CONNECTED").isLessThanOrEqualTo(3_000);
    assertThat(backAfter.get(backAfter.size() - 1)).as("longest (10 ms steps)").isLessThanOrEqualTo(8_635);
  }

  @Test
  void afterTwoMinutesOfFailureWaitsSlowDownUntilRetryNowOrANetworkChange() {
    h.random.set(0.5);
    h.startConnected();
    h.server.refusing = true;
    h.server.transport.last().failWithIo("Connection reset");
    long outageStart = now();
    StateChange last = h.states.assertState(CONNECTED, WAITING_TO_RETRY);
    while (now() - outageStart < 120_000) {
      h.advance(last.retryDelayMillis());
      h.states.assertState(WAITING_TO_RETRY, CONNECTING);
      last = h.states.assertState(CONNECTING, WAITING_TO_RETRY);
      if (now() - outageStart < 120_000) assertThat(last.retryDelayMillis()).isLessThanOrEqualTo(5_750);
    }
    assertThat(last.retryDelayMillis()).as("slow cadence: 30 s x (1 + 0.8 x 0)").isEqualTo(30_000);

    // The app comes to the foreground: an attempt at once, and the fast cadence again.
    h.advance(1_000);
    h.client.retryNow();
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_REQUESTED);
    assertThat(h.states.assertState(CONNECTING, WAITING_TO_RETRY).retryDelayMillis()).isEqualTo(5_750);

    // A network change does the same.
    h.advance(1_000);
    h.server.refusing = false;
    h.network.listener.onNetworkChanged();
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.NETWORK_CHANGED);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void retryNowCalledInALoopStartsAtMostOneAttemptPerSecond() {
    h.server.refusing = true;
    h.start();
    h.states.assertState(IDLE, CONNECTING);
    h.states.assertState(CONNECTING, WAITING_TO_RETRY);
    int opened = h.server.transport.openCount();
    for (int i = 0; i < 1_000; i++) h.client.retryNow();
    assertThat(h.server.transport.openCount()).as("no attempt within a second of the last").isEqualTo(opened);
    h.advanceExactly(1_000, WAITING_TO_RETRY);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_TIMER);
    h.states.assertState(CONNECTING, WAITING_TO_RETRY);
    assertThat(h.server.transport.openCount()).isEqualTo(opened + 1);
    h.advance(1_000);
    h.client.retryNow();
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.RETRY_REQUESTED);
    h.states.assertState(CONNECTING, WAITING_TO_RETRY);
  }

  @Test
  void pauseAndResumeInALoopStartAtMostOneAttemptPerSecond() {
    h.startConnected();
    FakeSocket first = h.server.transport.last();
    h.client.pause();
    h.states.assertState(CONNECTED, ConnectionState.CLOSING);
    assertThat(first.closeCode).isEqualTo(1000);
    first.listener.onClosed(1000, "");
    h.states.assertState(ConnectionState.CLOSING, ConnectionState.PAUSED);
    h.client.resume();
    StateChange waiting = h.states.assertState(ConnectionState.PAUSED, WAITING_TO_RETRY,
        StateChange.Cause.RESUME_REQUESTED);
    assertThat(waiting.retryDelayMillis()).isEqualTo(1_000);
    h.advance(1_000);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
  }

  @Test
  void aNetworkChangeAbandonsTheOldLinkAndConnectsOnTheNewOneAtOnce() {
    h.startConnected();
    carryTraffic(5_000);
    FakeSocket old = h.server.transport.last();

    h.network.listener.onNetworkChanged();

    assertThat(old.cancelled).as("the socket on the old network is dropped").isTrue();
    h.states.assertState(CONNECTED, WAITING_TO_RETRY, StateChange.Cause.NETWORK_CHANGED);
    h.states.assertState(WAITING_TO_RETRY, CONNECTING, StateChange.Cause.NETWORK_CHANGED);
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(h.server.transport.openCount()).isEqualTo(2);
  }
}
