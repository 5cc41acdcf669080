package dev.corridor.bench.scale;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A redis-server of the scale run's own, on a free loopback port with nothing persisted: the one
 * on the PATH if there is one, else the linux-amd64 binary embedded-redis ships.
 */
final class LocalRedis implements AutoCloseable {
  private final int port;
  private final RedisServer server;
  private final String source;

  private LocalRedis(int port, RedisServer server, String source) {
    this.port = port;
    this.server = server;
    this.source = source;
  }

  static LocalRedis start() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    ExecutableProvider executable;
    String source;
    try {
      executable = ExecutableProvider.newExecutableInPath("redis-server");
      source = "redis-server from the PATH";
    } catch (FileNotFoundException none) {
      executable = ExecutableProvider.newJarResourceProvider();
      source = "the redis-server embedded-redis ships (6.2)";
    }
    RedisServer server = RedisServer.newRedisServer().executableProvider(executable).port(port).bind("127.0.0.1")
        .setting("save \"\"").setting("appendonly no").onShutdownForceStop(true).build();
    server.start();
    return new LocalRedis(port, server, source);
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  String describe() {
    return source;
  }

  @Override
  public void close() throws IOException {
    if (server.isActive()) server.stop();
  }
}
