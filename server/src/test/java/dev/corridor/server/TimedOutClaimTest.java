package dev.corridor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Envelope.KindCase;
import dev.corridor.proto.v1.ErrorCode;
import dev.corridor.proto.v1.Hello;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards against a defect found in review: a CLAIM whose reply times out (2 s) is reported to the client as "store unavailable,
 * retry", but Redis still runs it: the ledger now holds {@code p:<seq> = <this node>}. Nothing
 * releases it (releaseLater is only called when appendAndComplete fails), and a claim owned by a
 * live node never lapses, so the resend is answered PENDING (silence) and every later Hello of
 * that client, on any node, is refused "publishes are still being applied" for as long as the
 * node lives. (The scripts must be cached in Redis for the late claim to run: a timed-out
 * EVALSHA of a script Redis does not know yet fails with NOSCRIPT, harmlessly. Hence the warm-up.)
 */
class TimedOutClaimTest extends ProbeSupport {
  private static RedisFixture redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisFixture.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @Test
  void aPublishWhoseClaimTimedOutIsAcknowledgedWhenResent() throws Exception {
    CorridorServer a = node(redis, b -> b);
    RawClient trader = raw(a);
    trader.hello("trader");
    trader.send(publish(1, "orders", "warm-up")); // the scripts are cached in Redis from now on
    assertThat(trader.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);

    // Redis is slow for 3 s: the claim is queued there and runs after the client gave up on it.
    assertThat(redis.command("CLIENT", "PAUSE", "3000")).startsWith("+OK");
    trader.send(publish(2, "orders", "buy"));
    Envelope refused = trader.take(KindCase.ERROR);
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_OVERLOADED);
    assertThat(refused.getError().getRetryable()).isTrue();
    assertThat(refused.getError().getClientSequence()).isEqualTo(2);
    Thread.sleep(1_500); // the pause is over and the queued claim has run

    trader.send(publish(2, "orders", "buy")); // the resend the error asked for
    Envelope ack = poll(trader, KindCase.PUBLISH_ACK, 5_000);
    assertThat(ack).as("the resend of a publish refused as 'store unavailable' is handled and acknowledged"
        + " (ledger now: %s)", redis.command("HGETALL", prefix + ":c:trader").replace("\r\n", " ")).isNotNull();
  }

  @Test
  void aClientWhoseClaimTimedOutCanStillSayHello() throws Exception {
    CorridorServer a = node(redis, b -> b);
    CorridorServer b = node(redis, n -> n);
    RawClient trader = raw(a);
    trader.hello("trader2");
    trader.send(publish(1, "orders", "warm-up"));
    assertThat(trader.take(KindCase.PUBLISH_ACK).getPublishAck().getCumulative()).isEqualTo(1);
    assertThat(redis.command("CLIENT", "PAUSE", "3000")).startsWith("+OK");
    trader.send(publish(2, "orders", "buy"));
    assertThat(trader.take(KindCase.ERROR).getError().getRetryable()).isTrue();
    Thread.sleep(1_500);
    trader.close();

    Thread.sleep(4_000); // longer than any claim of a dead node would last; node A is alive though
    RawClient again = raw(b);
    again.send(Envelope.newBuilder().setHello(Hello.newBuilder().setClientId("trader2")));
    Envelope answer = again.take();
    assertThat(answer.getKindCase()).as("a Welcome for the client, not '%s' (ledger: %s)",
        answer.hasError() ? answer.getError().getMessage() : answer.getKindCase(),
        redis.command("HGETALL", prefix + ":c:trader2").replace("\r\n", " ")).isEqualTo(KindCase.WELCOME);
  }
}
