package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A socket whose reader died (an Error included) is a lost connection, never a CONNECTED client. */
class ReaderFailureTest {
  private final Harness h = new Harness();

  @Test
  void anErrorOnTheReaderThreadIsALostConnectionThatIsRetried() {
    h.startConnected();
    h.server.transport.last().listener.onFailure(new OutOfMemoryError("simulated"), -1, null);
    StateChange lost = h.states.assertFailure(CONNECTED, WAITING_TO_RETRY, CorridorException.Kind.NETWORK);
    assertThat(lost.error().getMessage()).contains("reader failed").contains("OutOfMemoryError");
    assertThat(lost.error().getCause()).isInstanceOf(OutOfMemoryError.class);
    h.advance(lost.retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
  }
}
