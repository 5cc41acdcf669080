package dev.corridor.server;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Every {@link CorridorServerTest} again, with the server's state in a real Redis. */
class CorridorServerOnRedisTest extends CorridorServerTest {
  private static RedisFixture redis;
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private final String prefix = "s" + PREFIXES.incrementAndGet();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisFixture.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @Override
  CorridorServer.Builder newBuilder() {
    return CorridorServer.builder().engine(ServerEngine.redis(redis.uri()).keyPrefix(prefix));
  }
}
