package dev.corridor.sample;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} for the sample's cluster tests, on a free loopback port, keeping
 * nothing on disk. It is the machine's own {@code redis-server} when one is on the PATH, else the
 * binary embedded-redis ships for linux-amd64 (6.2), so the test command needs no install step
 * ({@code -Dcorridor.redis.embedded=true} picks the shipped binary even where one is installed).
 * It can be stopped and started again on the same port, as a Redis outage (what it held is gone).
 * The same idea as the server module's own fixture, which its tests keep to themselves.
 */
final class RedisFixture implements AutoCloseable {
  private final int port;
  private final RedisServer server;

  private RedisFixture(int port) throws IOException {
    this.port = port;
    this.server = RedisServer.newRedisServer().executableProvider(executable()).port(port).bind("127.0.0.1")
        .setting("save \"\"").setting("appendonly no").onShutdownForceStop(true).build();
  }

  /** Starts one on a free port. */
  static RedisFixture start() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    RedisFixture redis = new RedisFixture(port);
    redis.server.start();
    return redis;
  }

  private static ExecutableProvider executable() {
    if (Boolean.getBoolean("corridor.redis.embedded")) return ExecutableProvider.newJarResourceProvider();
    try {
      return ExecutableProvider.newExecutableInPath("redis-server");
    } catch (FileNotFoundException none) {
      return ExecutableProvider.newJarResourceProvider();
    }
  }

  /** {@code redis://127.0.0.1:PORT}. */
  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops the server: an outage. */
  void stop() throws IOException {
    server.stop();
  }

  /** Starts it again on the same port, empty. */
  void restart() throws IOException {
    server.start();
  }

  @Override
  public void close() throws IOException {
    if (server.isActive()) server.stop();
  }
}
