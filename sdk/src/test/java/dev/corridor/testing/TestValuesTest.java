package dev.corridor.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corridor.ClientStats;
import dev.corridor.ConnectionState;
import dev.corridor.CorridorException;
import dev.corridor.Discontinuity;
import dev.corridor.Message;
import dev.corridor.Response;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import dev.corridor.kotlin.CorridorEvent;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** An application builds in its tests, through TestValues, the values only the client constructs. */
class TestValuesTest {
  private static final byte[] BYTES = "hello".getBytes(StandardCharsets.UTF_8);

  @Test
  void valueTypesHaveNoPublicOrProtectedConstructor() {
    List<Class<?>> valueTypes = Arrays.asList(Message.class, Response.class, SendResult.class,
        StateChange.class, Discontinuity.class, ClientStats.class, CorridorEvent.class,
        dev.corridor.ConnectionHealth.class);
    for (Class<?> type : valueTypes) {
      List<String> visible = Arrays.stream(type.getDeclaredConstructors())
          .filter(c -> (c.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0)
          .map(Constructor::toGenericString)
          .collect(Collectors.toList());
      assertThat(visible).as(type.getSimpleName()).isEmpty();
      assertThat(Modifier.isFinal(type.getModifiers())).as(type.getSimpleName() + " is final").isTrue();
    }
  }

  @Test
  void messageKeepsEveryFieldAndCopiesThePayload() {
    byte[] payload = BYTES.clone();
    Message m = TestValues.message("quotes.AAPL", 2, 9, "AAPL", payload, 5L, true);
    payload[0] = 'J';

    assertThat(m.topic()).isEqualTo("quotes.AAPL");
    assertThat(m.epoch()).isEqualTo(2);
    assertThat(m.sequence()).isEqualTo(9);
    assertThat(m.key()).isEqualTo("AAPL");
    assertThat(m.timestampMillis()).isEqualTo(5L);
    assertThat(m.isReplay()).isTrue();
    assertThat(m.payload()).as("not the test's array, which it changed").isEqualTo(BYTES).isNotSameAs(payload);
    assertThat(m.payloadSize()).isEqualTo(BYTES.length);
    assertThat(m.payloadBuffer().remaining()).isEqualTo(BYTES.length);
  }

  @Test
  void shortMessageIsALiveMessageInEpochOneWithoutKey() {
    Message m = TestValues.message("alerts", 3, BYTES);

    assertThat(m.topic()).isEqualTo("alerts");
    assertThat(m.epoch()).isEqualTo(1);
    assertThat(m.sequence()).isEqualTo(3);
    assertThat(m.key()).isEmpty();
    assertThat(m.timestampMillis()).isZero();
    assertThat(m.isReplay()).isFalse();
    assertThat(m.payload()).isEqualTo(BYTES);
  }

  @Test
  void messageRefusesNulls() {
    assertThatThrownBy(() -> TestValues.message(null, 1, 1, "", BYTES, 0, false))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("topic");
    assertThatThrownBy(() -> TestValues.message("t", 1, 1, null, BYTES, 0, false))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("key");
    assertThatThrownBy(() -> TestValues.message("t", 1, 1, "", null, 0, false))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("payload");
  }

  @Test
  void responseKeepsItsFieldsAndCopiesThePayload() {
    byte[] payload = BYTES.clone();
    Response r = TestValues.response(Response.Status.NOT_FOUND, payload, "no such method");
    payload[0] = 'J';

    assertThat(r.status()).isEqualTo(Response.Status.NOT_FOUND);
    assertThat(r.isOk()).isFalse();
    assertThat(r.payload()).isEqualTo(BYTES);
    assertThat(r.message()).isEqualTo("no such method");
    assertThat(TestValues.response(Response.Status.OK, new byte[0], "").isOk()).isTrue();
    assertThatThrownBy(() -> TestValues.response(Response.Status.OK, BYTES, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("message");
  }

  @Test
  void sendResultKeepsItsFields() {
    SendResult rejected = TestValues.sendResult(SendResult.Outcome.REJECTED, 4, "UNKNOWN_TOPIC", "no such topic");
    SendResult written = TestValues.sendResult(SendResult.Outcome.WRITTEN, 0, null, null);

    assertThat(rejected.outcome()).isEqualTo(SendResult.Outcome.REJECTED);
    assertThat(rejected.sequence()).isEqualTo(4);
    assertThat(rejected.errorCode()).isEqualTo("UNKNOWN_TOPIC");
    assertThat(rejected.errorMessage()).isEqualTo("no such topic");
    assertThat(written.outcome().isSuccess()).isTrue();
    assertThat(written.errorCode()).isNull();
    assertThat(written.toString()).isEqualTo("WRITTEN");
  }

  @Test
  void stateChangeKeepsItsFields() {
    CorridorException reset = new CorridorException(CorridorException.Kind.NETWORK, "reset");
    StateChange c = TestValues.stateChange(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RETRY,
        StateChange.Cause.CONNECTION_LOST, reset, 1_500);

    assertThat(c.previous()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(c.current()).isEqualTo(ConnectionState.WAITING_TO_RETRY);
    assertThat(c.cause()).isEqualTo(StateChange.Cause.CONNECTION_LOST);
    assertThat(c.error()).isSameAs(reset);
    assertThat(c.retryDelayMillis()).isEqualTo(1_500);
    assertThat(c.toString()).isEqualTo("CONNECTED -> WAITING_TO_RETRY (CONNECTION_LOST: NETWORK: reset, retry in 1500 ms)");
    assertThatThrownBy(() -> TestValues.stateChange(null, ConnectionState.CONNECTING,
        StateChange.Cause.CONNECT_REQUESTED, null, -1))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("previous");
  }

  @Test
  void discontinuityKeepsItsFields() {
    Discontinuity d = TestValues.discontinuity("trades.AAPL", Discontinuity.Reason.EPOCH_CHANGED, 1, 50, 2, 1);

    assertThat(d.topic()).isEqualTo("trades.AAPL");
    assertThat(d.reason()).isEqualTo(Discontinuity.Reason.EPOCH_CHANGED);
    assertThat(d.fromEpoch()).isEqualTo(1);
    assertThat(d.fromSequence()).isEqualTo(50);
    assertThat(d.epoch()).isEqualTo(2);
    assertThat(d.nextSequence()).isEqualTo(1);
  }

  @Test
  void healthCarriesWhatItWasGiven() {
    dev.corridor.ConnectionHealth health = TestValues.health(true, false, 2_500, 10);
    assertThat(health.sendsDelayed()).isTrue();
    assertThat(health.inboundSilent()).isFalse();
    assertThat(health.isHealthy()).isFalse();
    assertThat(health.oldestUnacknowledgedAgeMillis()).isEqualTo(2_500);
    assertThat(health.lastInboundAgeMillis()).isEqualTo(10);
  }
}
