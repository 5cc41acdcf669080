package dev.corridor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Envelope.KindCase;
import dev.corridor.proto.v1.Request;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards against a defect found in review: a resend that finds its sequence claimed by another live node ({@code Claimed.PENDING})
 * is answered "when its handling is over", but that answer is sent by the claiming node to ITS
 * live connection of the client (the old one); the node where the client is now connected never
 * hears of it. Also, a takeover of the session on another node does not close the old connection,
 * which goes on handling that client's messages. The client's publish stays unacknowledged on its
 * current connection.
 *
 * <p>The window: the client's old connection on A still has a publish to process when the client
 * is welcomed on B (here A's connection is busy in a synchronous request handler; in production a
 * half-open link, or a slow Redis, does the same).
 */
class PendingResendOnAnotherNodeTest extends ProbeSupport {
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
  void aResendPendingOnAnotherNodeIsAcknowledgedWhereTheClientIsNow() throws Exception {
    CountDownLatch busy = new CountDownLatch(1);
    List<CompletableFuture<Void>> stagesOnA = new CopyOnWriteArrayList<>();
    CorridorServer a = node(redis, n -> n.onRequest(r -> {
      try {
        busy.await(20, TimeUnit.SECONDS); // an application handler that does its work on the caller's thread
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableFuture.completedFuture(Reply.of(Reply.Status.OK, "done"));
    }).onPublish(p -> {
      CompletableFuture<Void> stage = new CompletableFuture<>();
      stagesOnA.add(stage);
      return stage;
    }));
    CorridorServer b = node(redis, n -> n.onPublish(p -> PublishHandler.accepted()));

    RawClient old = raw(a);
    com.google.protobuf.ByteString token = old.hello("c1").getWelcome().getResumeToken();
    old.send(Envelope.newBuilder().setRequest(Request.newBuilder().setRequestId(1).setMethod("slow")));
    old.send(publish(1, "orders", "buy")); // queued behind the request on A
    Thread.sleep(200);

    RawClient now = raw(b); // the client gave up on A and resumed on B
    Envelope welcome = now.hello("c1", token);
    assertThat(welcome.getWelcome().getResumed()).isTrue();
    assertThat(welcome.getWelcome().getLastClientSequence()).isZero();

    busy.countDown(); // A goes on with the old connection's publish and claims it
    await("A handles the old connection's publish", 5, () -> stagesOnA.size() == 1);
    now.send(publish(1, "orders", "buy")); // the client's resend, on B: PENDING (A is alive)
    Thread.sleep(300);
    stagesOnA.get(0).complete(null); // A's handling is over and recorded

    Envelope ack = poll(now, KindCase.PUBLISH_ACK, 5_000);
    assertThat(ack).as("the resend on B is acknowledged once A's handling is recorded (old connection on A"
        + " still open: %s; ledger: %s)", !old.closedWith.isDone(),
        redis.command("HGETALL", prefix + ":c:c1").replace("\r\n", " ")).isNotNull();
  }
}
