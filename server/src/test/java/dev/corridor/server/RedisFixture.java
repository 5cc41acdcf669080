package dev.corridor.server;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} for the server's tests, on a free loopback port, with nothing
 * persisted (or, from {@link #startPersistent}, an append-only file fsynced on every write). It is the machine's own {@code redis-server} when one is on the PATH (Debian's 7.0,
 * say), else the binary embedded-redis ships for linux-amd64 (6.2), so the test command needs
 * no install step ({@code -Dcorridor.redis.embedded=true} picks the shipped binary even where
 * one is installed). It can be stopped and started again on the same port, as a Redis outage.
 * Processes left by a JVM killed with {@code kill -9} are not cleaned up (a normal exit is).
 */
final class RedisFixture implements AutoCloseable {
  private final int port;
  private final RedisServer server;

  private RedisFixture(int port, java.nio.file.Path dir) throws IOException {
    this.port = port;
    var builder = RedisServer.newRedisServer().executableProvider(executable()).port(port).bind("127.0.0.1")
        .setting("save \"\"");
    if (dir == null) {
      builder.setting("appendonly no");
    } else {
      // Every write on disk before Redis answers it, as a deployment that must not lose an
      // acknowledged publish runs it.
      builder.setting("appendonly yes").setting("appendfsync always").setting("dir " + dir.toAbsolutePath());
    }
    this.server = builder.onShutdownForceStop(true).build();
  }

  /** Starts one on a free port. */
  static RedisFixture start() throws IOException {
    return start(null);
  }

  /** Starts one on a free port that keeps an append-only file in {@code dir}, so a restart keeps its data. */
  static RedisFixture startPersistent(java.nio.file.Path dir) throws IOException {
    return start(dir);
  }

  private static RedisFixture start(java.nio.file.Path dir) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    RedisFixture redis = new RedisFixture(port, dir);
    redis.server.start();
    return redis;
  }

  private static ExecutableProvider executable() {
    // -Dcorridor.redis.embedded=true uses the shipped binary even where one is installed.
    if (Boolean.getBoolean("corridor.redis.embedded")) return ExecutableProvider.newJarResourceProvider();
    try {
      return ExecutableProvider.newExecutableInPath("redis-server");
    } catch (FileNotFoundException none) {
      return ExecutableProvider.newJarResourceProvider();
    }
  }

  int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:PORT}. */
  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops the server; what it held is gone unless it was started persistent. */
  void stop() throws IOException {
    server.stop();
  }

  /** Starts it again on the same port. */
  void restart() throws IOException {
    server.start();
  }

  boolean isRunning() {
    return server.isActive();
  }

  /**
   * Sends one command in RESP and returns the raw reply: enough to check the server itself,
   * without a Redis client library.
   */
  String command(String... args) throws IOException {
    StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      request.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      socket.setSoTimeout(2_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[65_536];
      int n = in.read(buffer);
      return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws IOException {
    if (server.isActive()) server.stop();
  }
}
