package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.fakes.FakeServer.env;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.proto.v1.Pong;
import dev.corridor.proto.v1.PublishAck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The health ages in stats and the threshold events, in virtual time: a UI learns that its
 * messages are not getting through, or that the server went quiet, long before the heartbeat
 * declares the link dead.
 */
class ConnectionHealthTest {
  private static final byte[] UNSOLICITED_PONG =
      env().setPong(Pong.newBuilder().setNonce(0)).build().toByteArray();

  private final Harness h = new Harness();
  private final List<ConnectionHealth> changes = new ArrayList<>();

  private void startWithThresholds(long unacknowledgedMillis, long silenceMillis) {
    h.client = h.builder().healthThresholds(unacknowledgedMillis, silenceMillis, TimeUnit.MILLISECONDS).build();
    h.client.addStateListener(new StateListener() {
      @Override
      public void onStateChanged(StateChange change) {}

      @Override
      public void onHealthChanged(ConnectionHealth health) {
        changes.add(health);
      }
    });
    h.client.connect();
    assertThat(h.client.state()).isEqualTo(CONNECTED);
  }

  private void ackUpTo(long cumulative) {
    h.server.transport.last().receive(env().setPublishAck(PublishAck.newBuilder().setCumulative(cumulative))
        .build().toByteArray());
  }

  @Test
  void statsShowTheAgeOfTheOldestUnacknowledgedMessageAndOfTheLastInbound() {
    h.client = h.builder().build();
    assertThat(h.client.stats().lastInboundAgeMillis()).as("before any message").isEqualTo(-1);
    assertThat(h.client.stats().oldestUnacknowledgedAgeMillis()).isZero();
    h.client.connect(); // the Welcome is the first inbound message
    h.server.autoAck = false;
    h.advance(700);
    assertThat(h.client.stats().lastInboundAgeMillis()).isEqualTo(700);

    h.client.send("orders", "a".getBytes(UTF_8));
    h.advance(300);
    h.client.send("orders", "b".getBytes(UTF_8));
    h.advance(400);
    assertThat(h.client.stats().oldestUnacknowledgedAgeMillis()).isEqualTo(700);
    ackUpTo(1);
    assertThat(h.client.stats().oldestUnacknowledgedAgeMillis()).as("now b is the oldest").isEqualTo(400);
    assertThat(h.client.stats().lastInboundAgeMillis()).as("the ack is inbound").isZero();
    ackUpTo(2);
    assertThat(h.client.stats().oldestUnacknowledgedAgeMillis()).as("none waits").isZero();
  }

  @Test
  void aMessageWaitingPastTheThresholdRaisesSendsDelayedAndItsAckClearsIt() {
    startWithThresholds(2_000, 0);
    h.server.autoAck = false;
    h.client.send("orders", "a".getBytes(UTF_8));
    h.advance(1_999);
    assertThat(changes).isEmpty();
    h.advance(1);
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).sendsDelayed()).isTrue();
    assertThat(changes.get(0).inboundSilent()).isFalse();
    assertThat(changes.get(0).oldestUnacknowledgedAgeMillis()).isEqualTo(2_000);

    ackUpTo(1);
    assertThat(changes).hasSize(2);
    assertThat(changes.get(1).isHealthy()).isTrue();
    assertThat(changes.get(1).oldestUnacknowledgedAgeMillis()).isZero();
  }

  @Test
  void aSecondMessageStartsItsOwnClockWhenTheFirstIsAcknowledged() {
    startWithThresholds(2_000, 0);
    h.server.autoAck = false;
    h.client.send("orders", "a".getBytes(UTF_8));
    h.advance(1_500);
    h.client.send("orders", "b".getBytes(UTF_8));
    ackUpTo(1);
    h.advance(1_999); // b has waited 1.999 s
    assertThat(changes).isEmpty();
    h.advance(1);
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).sendsDelayed()).isTrue();
  }

  @Test
  void silenceFromTheServerPastTheThresholdRaisesInboundSilentAndTheNextMessageClearsIt() {
    startWithThresholds(0, 5_000);
    h.advance(3_000);
    h.server.transport.last().receive(UNSOLICITED_PONG); // traffic moves the deadline on
    h.advance(4_999);
    assertThat(changes).isEmpty();
    h.advance(1);
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).inboundSilent()).isTrue();
    assertThat(changes.get(0).lastInboundAgeMillis()).isEqualTo(5_000);

    h.server.transport.last().receive(UNSOLICITED_PONG);
    assertThat(changes).hasSize(2);
    assertThat(changes.get(1).isHealthy()).isTrue();
  }

  @Test
  void aBlackHoleIsVisibleWithinTheThresholdsLongBeforeTheHeartbeatDeclaresItDead() {
    startWithThresholds(2_000, 5_000);
    h.server.blackhole = true;
    h.server.autoPong = false;
    h.client.send("orders", "during the black hole".getBytes(UTF_8));
    h.advance(5_000);
    assertThat(changes).extracting(ConnectionHealth::sendsDelayed).containsExactly(true, true);
    assertThat(changes).extracting(ConnectionHealth::inboundSilent).containsExactly(false, true);
    assertThat(h.client.state()).as("the heartbeat has not given up yet").isEqualTo(CONNECTED);
  }

  @Test
  void thresholdsAreValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> h.builder().healthThresholds(-1, 0, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("healthThresholds");
  }
}
