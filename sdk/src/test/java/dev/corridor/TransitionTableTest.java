package dev.corridor;

import static dev.corridor.ConnectionState.CLOSING;
import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.OFFLINE;
import static dev.corridor.ConnectionState.PAUSED;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.internal.connection.Transitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the transition table is driven through a real client by a scenario, the set of
 * scenarios is exactly the table, and docs/state-machine.md draws exactly the table.
 */
class TransitionTableTest {
  private static final Map<String, Consumer<Harness>> SCENARIOS = new LinkedHashMap<>();

  private static void row(ConnectionState from, ConnectionState to, Consumer<Harness> scenario) {
    SCENARIOS.put(from + "->" + to, scenario);
  }

  private static void idle(Harness h) {
    h.client = h.builder().build();
    h.client.addStateListener(h.states);
  }

  private static void connecting(Harness h) {
    h.server.autoAccept = false;
    h.start();
  }

  private static void waiting(Harness h) {
    h.start();
    h.server.transport.last().serverClose(1011, "");
  }

  private static void offline(Harness h) {
    h.network.available = false;
    h.start();
  }

  private static void paused(Harness h) {
    h.start();
    h.client.pause();
    h.server.transport.last().listener.onClosed(1000, "");
  }

  static {
    row(IDLE, CONNECTING, TransitionTableTest::connecting);
    row(IDLE, OFFLINE, TransitionTableTest::offline);
    row(IDLE, PAUSED, h -> {
      idle(h);
      h.client.pause();
      h.client.connect();
    });
    row(IDLE, ConnectionState.CLOSED, h -> {
      idle(h);
      h.client.close();
    });
    row(CONNECTING, CONNECTED, h -> h.start());
    row(CONNECTING, WAITING_TO_RETRY, h -> {
      connecting(h);
      h.server.transport.last().failWithIo("refused");
    });
    row(CONNECTING, ConnectionState.FAILED, h -> {
      connecting(h);
      h.server.transport.last().failWithStatus(404, null);
    });
    row(CONNECTING, OFFLINE, h -> {
      connecting(h);
      h.network.lose();
    });
    row(CONNECTING, PAUSED, h -> {
      connecting(h);
      h.client.pause();
    });
    row(CONNECTING, ConnectionState.CLOSED, h -> {
      connecting(h);
      h.client.close();
    });
    row(CONNECTED, WAITING_TO_RETRY, TransitionTableTest::waiting);
    row(CONNECTED, ConnectionState.FAILED, h -> {
      h.start();
      h.server.transport.last().serverClose(1008, "policy");
    });
    row(CONNECTED, OFFLINE, h -> {
      h.start();
      h.network.lose();
    });
    row(CONNECTED, CLOSING, h -> {
      h.start();
      h.client.close();
    });
    row(WAITING_TO_RETRY, CONNECTING, h -> {
      waiting(h);
      h.server.autoAccept = false;
      h.advance(1000);
    });
    row(WAITING_TO_RETRY, OFFLINE, h -> {
      waiting(h);
      h.network.lose();
    });
    row(WAITING_TO_RETRY, PAUSED, h -> {
      waiting(h);
      h.client.pause();
    });
    row(WAITING_TO_RETRY, ConnectionState.CLOSED, h -> {
      waiting(h);
      h.client.close();
    });
    row(OFFLINE, CONNECTING, h -> {
      offline(h);
      h.server.autoAccept = false;
      h.network.regain();
    });
    row(OFFLINE, WAITING_TO_RETRY, h -> {
      h.start();
      h.network.lose();
      h.network.regain(); // the last attempt started less than a second ago
    });
    row(OFFLINE, PAUSED, h -> {
      offline(h);
      h.client.pause();
    });
    row(OFFLINE, ConnectionState.CLOSED, h -> {
      offline(h);
      h.client.close();
    });
    row(PAUSED, CONNECTING, h -> {
      paused(h);
      h.server.autoAccept = false;
      h.advance(1000);
      h.client.resume();
    });
    row(PAUSED, WAITING_TO_RETRY, h -> {
      paused(h);
      h.client.resume(); // the last attempt started less than a second ago
    });
    row(PAUSED, OFFLINE, h -> {
      paused(h);
      h.network.lose();
      h.client.resume();
    });
    row(PAUSED, ConnectionState.CLOSED, h -> {
      paused(h);
      h.client.close();
    });
    row(CLOSING, ConnectionState.CLOSED, h -> {
      h.start();
      h.client.close();
      h.server.transport.last().listener.onClosed(1000, "");
    });
    row(CLOSING, PAUSED, TransitionTableTest::paused);
    row(CLOSING, CONNECTING, h -> {
      h.start();
      h.advance(1000);
      h.client.pause();
      h.client.resume();
      h.server.autoAccept = false;
      h.server.transport.last().listener.onClosed(1000, "");
    });
    row(CLOSING, WAITING_TO_RETRY, h -> {
      h.start();
      h.client.pause();
      h.client.resume();
      h.server.transport.last().listener.onClosed(1000, "");
    });
    row(CLOSING, OFFLINE, h -> {
      h.start();
      h.client.pause();
      h.network.lose();
      h.client.resume();
      h.server.transport.last().listener.onClosed(1000, "");
    });
  }

  /** A task of the client's own throws: a bug in Corridor, which must fail the client loudly. */
  private static void injectBug(Harness h) {
    h.client.runInContext(() -> {
      throw new IllegalStateException("injected bug");
    });
  }

  static {
    row(IDLE, ConnectionState.FAILED, h -> {
      idle(h);
      injectBug(h);
    });
    row(WAITING_TO_RETRY, ConnectionState.FAILED, h -> {
      waiting(h);
      injectBug(h);
    });
    row(OFFLINE, ConnectionState.FAILED, h -> {
      offline(h);
      injectBug(h);
    });
    row(PAUSED, ConnectionState.FAILED, h -> {
      paused(h);
      injectBug(h);
    });
    row(CLOSING, ConnectionState.FAILED, h -> {
      h.start();
      h.client.close();
      injectBug(h);
    });
  }

  static Stream<Arguments> rows() {
    return SCENARIOS.keySet().stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyRowIsReachable(String row) {
    Harness h = new Harness();
    SCENARIOS.get(row).accept(h);
    StateChange last = h.states.all.get(h.states.all.size() - 1);
    assertThat(last.previous() + "->" + last.current()).isEqualTo(row);
  }

  @Test
  void scenariosCoverExactlyTheTable() {
    assertThat(new TreeSet<>(SCENARIOS.keySet())).isEqualTo(tableRows());
  }

  @Test
  void terminalStatesHaveNoExits() {
    assertThat(Transitions.targets(ConnectionState.CLOSED)).isEmpty();
    assertThat(Transitions.targets(ConnectionState.FAILED)).isEmpty();
    for (ConnectionState s : ConnectionState.values()) {
      assertThat(Transitions.isAllowed(s, s)).as("self-loop on %s", s).isFalse();
    }
  }

  @Test
  void diagramInDocsMatchesTheTable() throws IOException {
    Path doc = findDocs().resolve("state-machine.md");
    String text = new String(Files.readAllBytes(doc), StandardCharsets.UTF_8);
    Matcher block = Pattern.compile("```mermaid\\s*\\n(stateDiagram-v2[\\s\\S]*?)```").matcher(text);
    assertThat(block.find()).as("a mermaid stateDiagram-v2 block in %s", doc).isTrue();
    Set<String> drawn = new TreeSet<>();
    Matcher edge = Pattern.compile("(?m)^\\s*([A-Z_]+)\\s*-->\\s*([A-Z_]+)").matcher(block.group(1));
    while (edge.find()) drawn.add(edge.group(1) + "->" + edge.group(2));
    assertThat(drawn).isEqualTo(tableRows());
  }

  private static Set<String> tableRows() {
    Set<String> rows = new TreeSet<>();
    for (ConnectionState from : ConnectionState.values()) {
      for (ConnectionState to : Transitions.targets(from)) rows.add(from + "->" + to);
    }
    return rows;
  }

  private static Path findDocs() {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs"))) dir = dir.getParent();
    if (dir == null) throw new AssertionError("docs/ not found above " + Paths.get("").toAbsolutePath());
    return dir.resolve("docs");
  }
}
