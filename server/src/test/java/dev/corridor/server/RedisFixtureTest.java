package dev.corridor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The real Redis the server's tests run on starts from the test command alone, speaks Streams
 * (Redis 5 or newer), and can be stopped and restarted on its port, losing what it held.
 */
class RedisFixtureTest {
  @Test
  void aRealRedisWithStreamsThatCanGoAwayAndComeBack() throws Exception {
    try (RedisFixture redis = RedisFixture.start()) {
      assertThat(redis.command("PING")).isEqualTo("+PONG\r\n");
      String version = redis.command("INFO", "server");
      assertThat(version).contains("redis_version:");
      int major = Integer.parseInt(version.replaceAll("(?s).*redis_version:(\\d+)\\..*", "$1"));
      assertThat(major).as("Streams need Redis 5 or newer").isGreaterThanOrEqualTo(5);

      assertThat(redis.command("XADD", "quotes.AAPL", "MAXLEN", "2", "*", "p", "1")).startsWith("$");
      redis.command("XADD", "quotes.AAPL", "MAXLEN", "2", "*", "p", "2");
      redis.command("XADD", "quotes.AAPL", "MAXLEN", "2", "*", "p", "3");
      assertThat(redis.command("XLEN", "quotes.AAPL")).as("trimmed by MAXLEN").isEqualTo(":2\r\n");

      redis.stop();
      assertThat(redis.isRunning()).isFalse();
      assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(IOException.class);
      redis.restart();
      assertThat(redis.command("PING")).isEqualTo("+PONG\r\n");
      assertThat(redis.command("XLEN", "quotes.AAPL")).as("nothing persisted").isEqualTo(":0\r\n");
    }
  }
}
