package dev.corridor.bench.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BlastServer} in a JVM of its own, started with this JVM's java binary and class path,
 * so the server's garbage collection and CPU are not charged to the client under test.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static ServerProcess start() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = List.of(java, "-Xms512m", "-Xmx512m", "-XX:+UseParallelGC",
        "-cp", System.getProperty("java.class.path"), BlastServer.class.getName());
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("listening ")) {
      p.destroyForcibly();
      throw new IOException("benchmark server did not start: " + line + " (" + String.join(" ", command) + ")");
    }
    return new ServerProcess(p, Integer.parseInt(line.substring("listening ".length()).trim()));
  }

  public int port() {
    return port;
  }

  public String url(String pathAndQuery) {
    return "ws://127.0.0.1:" + port + pathAndQuery;
  }

  /** CPU time the server process has used so far, in nanoseconds; -1 if the OS does not say. */
  public long cpuNanos() {
    return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
