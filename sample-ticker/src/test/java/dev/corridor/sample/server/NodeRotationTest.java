package dev.corridor.sample.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.server.CorridorServer;
import dev.corridor.testing.FakeTime;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node rotation in virtual time ({@link FakeTime}) over real, listening in-memory nodes: which
 * node goes down when, for how long, in what order, and what the log says.
 */
class NodeRotationTest {
  private final FakeTime time = new FakeTime();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<CorridorServer> nodes = new ArrayList<>();
  private NodeRotation rotation;

  @AfterEach
  void stop() {
    if (rotation != null) rotation.close();
    nodes.forEach(CorridorServer::close);
  }

  private List<CorridorServer> nodes(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      CorridorServer s = CorridorServer.builder().build();
      nodes.add(s);
      s.start();
    }
    return nodes;
  }

  private NodeRotation rotation(java.util.function.Supplier<String> watched) {
    rotation = new NodeRotation(nodes, time, watched, log::add);
    rotation.start();
    return rotation;
  }

  private List<Boolean> running() {
    return nodes.stream().map(CorridorServer::isRunning).toList();
  }

  private void advance(long millis) {
    time.advanceBy(millis, TimeUnit.MILLISECONDS);
  }

  @Test
  void theWatchedNodeGoesDownAfterThePeriodAndComesBackAfterTheDowntime() throws Exception {
    nodes(3);
    String url2 = nodes.get(1).url();
    rotation(() -> url2);
    advance(NodeRotation.PERIOD_MILLIS - 1);
    assertThat(running()).containsExactly(true, true, true);
    assertThat(log).isEmpty();

    advance(1);
    assertThat(running()).containsExactly(true, false, true);
    assertThat(log).containsExactly("node 2 (" + url2 + ") down: its clients move to the others");
    assertThat(time.pendingDelays(TimeUnit.MILLISECONDS))
        .containsExactly(NodeRotation.DOWN_MILLIS, NodeRotation.PERIOD_MILLIS);

    advance(NodeRotation.DOWN_MILLIS - 1);
    assertThat(running()).containsExactly(true, false, true);
    advance(1);
    assertThat(running()).containsExactly(true, true, true);
    assertThat(log).endsWith("node 2 back");
    assertThat(nodes.get(1).url()).as("back on its own port").isEqualTo(url2);
  }

  @Test
  void theNodesGoDownInTurnFromTheWatchedOneWrappingRound() throws Exception {
    nodes(3);
    String url3 = nodes.get(2).url();
    rotation(() -> url3);
    List<Integer> downs = new ArrayList<>();
    for (int turn = 0; turn < 4; turn++) {
      advance(NodeRotation.PERIOD_MILLIS - NodeRotation.DOWN_MILLIS * (turn == 0 ? 0 : 1));
      downs.add(running().indexOf(false) + 1);
      assertThat(running()).as("one node down at a time").containsOnlyOnce(false);
      advance(NodeRotation.DOWN_MILLIS);
      assertThat(running()).containsOnly(true);
    }
    assertThat(downs).containsExactly(3, 1, 2, 3);
    assertThat(log.stream().filter(l -> l.endsWith(" back"))).containsExactly(
        "node 3 back", "node 1 back", "node 2 back", "node 3 back");
  }

  @Test
  void withoutAWatchedClientNode1GoesFirst() throws Exception {
    nodes(2);
    rotation = new NodeRotation(nodes, time, null, log::add);
    rotation.start();
    advance(NodeRotation.PERIOD_MILLIS);
    assertThat(running()).containsExactly(false, true);
  }

  @Test
  void anUnknownWatchedEndpointStartsWithNode1() throws Exception {
    nodes(2);
    rotation(() -> "ws://elsewhere:1/v1");
    advance(NodeRotation.PERIOD_MILLIS);
    assertThat(running()).containsExactly(false, true);
  }

  @Test
  void aSingleNodesClientsWaitForItToComeBack() throws Exception {
    nodes(1);
    rotation(null);
    advance(NodeRotation.PERIOD_MILLIS);
    assertThat(log).containsExactly("node 1 (" + nodes.get(0).url() + ") down: its clients retry until it is back");
  }

  @Test
  @SuppressWarnings("try") // the squatter only holds the port
  void aNodeThatCannotListenAgainIsRetriedAndTheNextTurnWaitsForIt() throws Exception {
    nodes(2);
    rotation(null);
    advance(NodeRotation.PERIOD_MILLIS);
    int port = nodes.get(0).port();
    try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      advance(NodeRotation.DOWN_MILLIS);
      assertThat(running()).containsExactly(false, true);
      assertThat(log.get(log.size() - 1)).startsWith("node 1 could not start again (")
          .endsWith("); trying again in 5 s");
      // Its turn comes round while node 1 is still down: node 2 stays up.
      advance(NodeRotation.PERIOD_MILLIS - NodeRotation.DOWN_MILLIS);
      assertThat(running()).containsExactly(false, true);
    }
    advance(NodeRotation.DOWN_MILLIS); // the retry, 5 s after the last one
    assertThat(running()).containsExactly(true, true);
    assertThat(log.get(log.size() - 1)).isEqualTo("node 1 back");
    advance(NodeRotation.PERIOD_MILLIS - NodeRotation.DOWN_MILLIS); // 15 s after the skipped turn
    assertThat(running()).as("then the rotation goes on").containsExactly(true, false);
  }

  @Test
  void closingStopsTheRotation() throws Exception {
    nodes(2);
    rotation(null);
    advance(NodeRotation.PERIOD_MILLIS);
    rotation.close();
    assertThat(time.pendingTaskCount()).isZero();
    advance(NodeRotation.PERIOD_MILLIS * 3);
    assertThat(running()).containsExactly(false, true);
    assertThat(log).hasSize(1);
  }
}
