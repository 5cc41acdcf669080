package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** WebSocket ping and pong frames count as liveness, like any message (a server's own keepalive). */
class ControlFrameLivenessTest {
  private final Harness h = new Harness();

  @Test
  void aLinkCarryingOnlyPingFramesIsAlive() {
    h.server.autoPong = false; // no Pong envelope ever answers the heartbeat
    h.startConnected();
    for (int i = 0; i < 6; i++) {
      h.advance(20_000); // under interval + timeout (35 s) between frames
      h.server.transport.last().listener.onControlFrame();
    }
    assertThat(h.client.state()).as("120 s on ping frames alone").isEqualTo(CONNECTED);
    h.advance(35_000); // then silence: dead at exactly interval + timeout after the last frame
    h.states.assertFailure(CONNECTED, WAITING_TO_RETRY, CorridorException.Kind.HEARTBEAT_TIMEOUT);
  }
}
