package dev.corridor.sample.ticker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.StateChange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** "connected to node K (url)": once per move to another endpoint, not for a reconnect to the same one. */
class EndpointNotesTest {
  private static final List<String> URLS = List.of("ws://a:1/v1", "ws://b:2/v1", "ws://c:3/v1");
  private final AtomicReference<String> on = new AtomicReference<>(URLS.get(0));
  private final List<String> notes = new ArrayList<>();
  private final EndpointNotes watcher = new EndpointNotes(URLS, on::get, notes::add);

  private void change(ConnectionState from, ConnectionState to) {
    watcher.onStateChanged(Fixtures.change(from, to, StateChange.Cause.WELCOME_RECEIVED, -1));
  }

  private void connect() {
    change(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
  }

  @Test
  void theFirstConnectionAndEachMoveAreTold() {
    connect();
    assertThat(notes).containsExactly("connected to node 1 (ws://a:1/v1)");
    change(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RETRY);
    on.set(URLS.get(2));
    change(ConnectionState.WAITING_TO_RETRY, ConnectionState.CONNECTING);
    assertThat(notes).as("only a connection counts").hasSize(1);
    connect();
    assertThat(notes).containsExactly("connected to node 1 (ws://a:1/v1)", "connected to node 3 (ws://c:3/v1)");
  }

  @Test
  void aReconnectionToTheSameNodeSaysNothing() {
    connect();
    change(ConnectionState.CONNECTED, ConnectionState.WAITING_TO_RETRY);
    connect();
    assertThat(notes).containsExactly("connected to node 1 (ws://a:1/v1)");
  }

  @Test
  void anEndpointNotInTheListIsShownAsItIs() {
    on.set("ws://elsewhere:9/v1");
    connect();
    assertThat(notes).containsExactly("connected to ws://elsewhere:9/v1");
  }
}
