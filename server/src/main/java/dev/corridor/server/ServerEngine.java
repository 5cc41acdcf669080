package dev.corridor.server;

import dev.corridor.server.internal.Backplane;
import dev.corridor.server.internal.InMemoryBackplane;
import dev.corridor.server.internal.RedisBackplane;
import dev.corridor.server.internal.ServerSettings;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where a server keeps what outlives a connection: each topic's sequence and history, sessions,
 * and each client's publish deduplication. {@link #inMemory()} (the default) serves one node;
 * {@link #redis(String)} lets several nodes share one Redis, so that a publish on any node reaches
 * subscribers on every node in one order, and a client can fail over from one node to another and
 * resume there with no gap and no duplicate.
 */
public final class ServerEngine {
  private final String redisUri;
  private final String keyPrefix;

  private ServerEngine(String redisUri, String keyPrefix) {
    this.redisUri = redisUri;
    this.keyPrefix = keyPrefix;
  }

  /** This node's memory: nothing else to run; state survives a stop and start, not the process. */
  public static ServerEngine inMemory() {
    return new ServerEngine(null, null);
  }

  /**
   * Redis Streams (Redis 6.2 or later), at {@code redisUri} such as {@code redis://localhost:6379}
   * (with {@code rediss://}, a password and a database number as Redis URIs allow). Per topic one
   * stream holds the history, trimmed by the server's {@link CorridorServer.Builder#history}
   * limits; every node tails the streams its clients subscribe to. A client's publish is
   * acknowledged only once Redis has recorded it. While Redis cannot be reached the node refuses
   * new work with a retry hint and acknowledges nothing; it recovers by itself when Redis is back.
   * Keys start with {@code corridor:}; see {@link #keyPrefix}.
   */
  public static ServerEngine redis(String redisUri) {
    Objects.requireNonNull(redisUri, "redisUri");
    if (!redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")
        && !redisUri.startsWith("redis-socket://")) {
      throw new IllegalArgumentException("not a Redis URI (redis://host:port): " + redisUri);
    }
    return new ServerEngine(redisUri, "corridor");
  }

  /**
   * The same Redis engine with its keys under {@code prefix} instead of {@code corridor}: servers
   * with different prefixes share nothing. Every node of one deployment must use the same one.
   */
  public ServerEngine keyPrefix(String prefix) {
    if (redisUri == null) throw new IllegalStateException("the in-memory engine has no keys");
    if (prefix.isEmpty() || prefix.contains(":")) {
      throw new IllegalArgumentException("prefix must be non-empty, without ':': " + prefix);
    }
    return new ServerEngine(redisUri, prefix);
  }

  /** Whether several nodes can share this engine's state. */
  public boolean isShared() {
    return redisUri != null;
  }

  Backplane create(Object lock, ServerSettings settings, ScheduledExecutorService timers) {
    return redisUri == null ? new InMemoryBackplane(lock, settings)
        : new RedisBackplane(redisUri, keyPrefix, settings, timers);
  }

  @Override
  public String toString() {
    return redisUri == null ? "in-memory" : "redis(" + keyPrefix + ")";
  }
}
