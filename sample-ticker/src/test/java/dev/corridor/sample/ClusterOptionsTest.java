package dev.corridor.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.sample.CommandLine.Options;
import dev.corridor.sample.CommandLine.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The cluster mode's command line: {@code --redis}, {@code --nodes} and {@code --no-rotation},
 * what they exclude, and the one line a Redis that cannot be reached gets.
 */
class ClusterOptionsTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return TickerMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static Options parse(String... args) throws UsageException {
    return CommandLine.parse(args);
  }

  private static String refusal(String... args) {
    try {
      CommandLine.parse(args);
    } catch (UsageException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + String.join(" ", args));
  }

  @Test
  void redisStartsThreeRotatingNodesByDefault() throws Exception {
    Options o = parse("--redis", "redis://127.0.0.1:6379");
    assertThat(o.redis).isEqualTo("redis://127.0.0.1:6379");
    assertThat(o.nodes).isEqualTo(3);
    assertThat(o.noRotation).isFalse();
    assertThat(parse().redis).as("without --redis: one node in memory").isNull();
  }

  @Test
  void nodesAndRotationAreSetWithRedis() throws Exception {
    Options o = parse("--redis", "rediss://:secret@cache.example.com:6380/2", "--nodes", "9", "--no-rotation",
        "--server");
    assertThat(o.redis).isEqualTo("rediss://:secret@cache.example.com:6380/2");
    assertThat(o.nodes).isEqualTo(9);
    assertThat(o.noRotation).isTrue();
    assertThat(o.serverOnly).isTrue();
    assertThat(parse("--nodes", "1", "--redis", "redis://h").nodes).as("in any order").isEqualTo(1);
  }

  @Test
  void anythingButARedisUriIsRefusedWithAnExample() {
    String fix = ". Fix: write e.g. --redis redis://127.0.0.1:6379 (rediss:// for TLS; a password and a "
        + "database as in redis://:password@host:6379/0)";
    assertThat(refusal("--redis", "http://127.0.0.1:6379")).isEqualTo(
        "--redis http://127.0.0.1:6379 is not a redis:// or rediss:// URI" + fix);
    assertThat(refusal("--redis", "127.0.0.1:6379")).isEqualTo(
        "--redis 127.0.0.1:6379 is not a redis:// or rediss:// URI" + fix);
    assertThat(refusal("--redis", "redis://:6379")).isEqualTo("--redis redis://:6379 names no host" + fix);
    assertThat(refusal("--redis", "redis://")).isEqualTo("--redis redis:// is not a valid URI" + fix);
    assertThat(refusal("--redis", "redis://a b")).isEqualTo("--redis redis://a b is not a valid URI" + fix);
    assertThat(refusal("--redis")).isEqualTo("--redis needs a value. Fix: write --redis VALUE");
  }

  @Test
  void aRefusedUriWithAPasswordIsNotEchoed() {
    assertThat(refusal("--redis", "redis-tls://:hunter2@host")).doesNotContain("hunter2")
        .startsWith("--redis URI is not a redis:// or rediss:// URI");
  }

  @Test
  void nodesAreOneToNine() {
    assertThat(refusal("--redis", "redis://h", "--nodes", "0"))
        .isEqualTo("--nodes 0 is not a number from 1 to 9. Fix: write e.g. --nodes 3");
    assertThat(refusal("--redis", "redis://h", "--nodes", "10"))
        .isEqualTo("--nodes 10 is not a number from 1 to 9. Fix: write e.g. --nodes 3");
    assertThat(refusal("--redis", "redis://h", "--nodes", "three"))
        .isEqualTo("--nodes three is not a number from 1 to 9. Fix: write e.g. --nodes 3");
  }

  @Test
  void nodesAndNoRotationNeedRedis() {
    assertThat(refusal("--nodes", "2")).isEqualTo("--nodes applies to the nodes that --redis starts, and there is "
        + "no --redis. Fix: add --redis redis://127.0.0.1:6379, or drop --nodes");
    assertThat(refusal("--no-rotation")).isEqualTo("--no-rotation applies to the nodes that --redis starts, and "
        + "there is no --redis. Fix: add --redis redis://127.0.0.1:6379, or drop --no-rotation");
  }

  @Test
  void redisAndConnectExcludeEachOther() {
    assertThat(run("--redis", "redis://127.0.0.1:6379", "--connect", "ws://127.0.0.1:8080/v1"))
        .isEqualTo(TickerMain.USAGE);
    assertThat(err()).isEqualTo("error: --redis starts nodes of the feed, and --connect runs without one. Fix: "
        + "drop --connect to run the nodes and the ticker, or start the nodes with --server --redis URI and "
        + "--connect to one of them\n");
  }

  @Test
  void aFixedPortMustLeaveRoomForEveryNode() throws Exception {
    assertThat(parse("--redis", "redis://h", "--port", "65533").port).isEqualTo(65533); // 65533-65535
    assertThat(refusal("--redis", "redis://h", "--port", "65534")).isEqualTo("--port 65534 leaves no room for 3 "
        + "nodes (ports 65534 to 65536). Fix: use a lower --port, or --port 0 for free ports");
    assertThat(parse("--redis", "redis://h", "--nodes", "1", "--port", "65535").port).isEqualTo(65535);
  }

  @Test
  void helpListsTheClusterOptions() {
    assertThat(CommandLine.HELP).contains("--redis URI ", "--nodes N (1-9, default 3", "--no-rotation (default: "
        + "every 15 s a node crashes, and starts again 5 s later)");
  }

  @Test
  void aRedisThatCannotBeReachedIsOneLineWithTheFixAndExitCode3() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    assertThat(run("--redis", "redis://:hunter2@127.0.0.1:" + port, "--plain", "--duration", "1"))
        .isEqualTo(TickerMain.CANNOT_CONNECT);
    assertThat(err()).startsWith("error: cannot reach Redis at 127.0.0.1:" + port + " (")
        .endsWith("). Fix: start one with `redis-server --port " + port + " --save '' --appendonly no`, or pass "
            + "--redis URI\n")
        .doesNotContain("hunter2");
    assertThat(err().lines().count()).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void theRedisAddressShownHasNoPasswordAndTheDefaultPort() {
    assertThat(TickerMain.redisAddress("redis://:pw@cache.example.com/0")).isEqualTo("cache.example.com:6379");
    assertThat(TickerMain.redisAddress("rediss://user:pw@10.0.0.5:6380")).isEqualTo("10.0.0.5:6380");
  }

  @Test
  void onlyTheRedisClientsFailuresAreCalledRedisOnes() throws Exception {
    Options o = parse("--redis", "redis://127.0.0.1:6379");
    assertThat(TickerMain.redisFailure(o, new java.io.IOException("bind", new java.net.BindException("in use"))))
        .isNull();
    assertThat(TickerMain.redisFailure(o, new java.io.IOException("x", new io.lettuce.core.RedisConnectionException(
        "Unable to connect", new java.net.ConnectException("Connection refused"))))).hasMessage("cannot reach Redis at 127.0.0.1:6379 (Connection refused). Fix: start one with "
        + "`redis-server --port 6379 --save '' --appendonly no`, or pass --redis URI");
  }
}
