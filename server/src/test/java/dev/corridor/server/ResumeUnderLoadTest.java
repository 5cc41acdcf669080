package dev.corridor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Envelope.KindCase;
import dev.corridor.proto.v1.TopicPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards against a defect found in review: {@code attach()} reads the history outside the lock and, if this node's tail has
 * meanwhile delivered past the end of what was read, reads again, but only 5 times. On a busy
 * topic (a large history to read while the tail keeps delivering) all retries lose and the 6th
 * pass goes ahead anyway: the replay stops at the end of the (stale) history while Subscribed and
 * the live stream start after the tail's cursor, so the messages in between are never sent to
 * this subscriber (no Discontinuity either).
 */
class ResumeUnderLoadTest extends ProbeSupport {
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
  void aReplayingSubscribeOnABusyTopicGetsEverySequenceOnceOnRedis() throws Exception {
    CorridorServer a = node(redis, n -> n.history(20_000, 10, TimeUnit.MINUTES)
        .limits(256 * 1024, 500, 200_000, 2_000));
    assertContiguous(replayWhileBusy(a, a));
  }

  private static void assertContiguous(List<String> worst) {
    List<Long> got = new ArrayList<>();
    for (String w : worst) if (!w.startsWith("S")) got.add(Long.parseLong(w.replace("r", "")));
    String boundary = "";
    for (int i = 0; i < worst.size(); i++) {
      if (worst.get(i).startsWith("S")) boundary += " Subscribed(next=" + worst.get(i).substring(1) + ")";
      if (worst.get(i).endsWith("r") && (i + 1 == worst.size() || !worst.get(i + 1).endsWith("r"))) {
        boundary += " last replayed=" + worst.get(i).replace("r", "") + ", first live="
            + (i + 1 < worst.size() ? worst.get(i + 1) : "none");
      }
    }
    List<Long> missing = new ArrayList<>();
    List<Long> sorted = new ArrayList<>(new java.util.TreeSet<>(got));
    for (int i = 1; i < sorted.size(); i++) {
      for (long s = sorted.get(i - 1) + 1; s < sorted.get(i) && missing.size() < 20; s++) missing.add(s);
    }
    assertThat(missing).as("sequences after the resume position never sent to the subscriber (first 20; %d"
        + " received, %d..%d;%s)", got.size(), sorted.get(0), sorted.get(sorted.size() - 1), boundary).isEmpty();
  }

  /**
   * A watcher keeps the node's tail busy while feeders publish; meanwhile clients subscribe one
   * after another from 8,000 messages back (well within the history). Returns what the late client
   * with the most gaps got: "S<next>" for its Subscribed, "<seq>r" for a replay, "<seq>" live.
   */
  private List<String> replayWhileBusy(CorridorServer publishOn, CorridorServer subscribeOn) throws Exception {
    RawClient watcher = raw(subscribeOn);
    watcher.hello("watcher");
    watcher.send(subscribe("hot", null));
    long epoch = watcher.take(KindCase.SUBSCRIBED).getSubscribed().getEpoch();
    for (int i = 0; i < 10_000; i++) publishOn.publish("hot", "", utf8("prefill-" + i));

    AtomicBoolean run = new AtomicBoolean(true);
    List<Thread> feeders = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      Thread t = new Thread(() -> {
        while (run.get()) {
          publishOn.publish("hot", "", utf8("live"));
          if (publishOn.engine().isShared()) continue;
          java.util.concurrent.locks.LockSupport.parkNanos(20_000); // in memory: about the pace of Redis
        }
      });
      t.start();
      feeders.add(t);
    }
    List<RawClient> late = new ArrayList<>();
    try {
      for (int trial = 0; trial < 8; trial++) {
        Thread.sleep(250);
        RawClient probe = raw(subscribeOn);
        probe.hello("probe" + trial);
        probe.send(subscribe("hot", null));
        long next = probe.take(KindCase.SUBSCRIBED).getSubscribed().getNextSequence();
        probe.close();
        RawClient c = raw(subscribeOn);
        c.hello("late" + trial);
        c.send(subscribe("hot", TopicPosition.newBuilder().setTopic("hot").setEpoch(epoch)
            .setSequence(Math.max(1, next - 8_000)).build()));
        late.add(c);
      }
      Thread.sleep(500);
    } finally {
      run.set(false);
      for (Thread t : feeders) t.join();
    }
    Thread.sleep(1_500);
    List<String> worst = null;
    int worstGaps = -1;
    for (RawClient c : late) {
      List<Long> got = new ArrayList<>();
      List<String> seen = new ArrayList<>();
      Envelope e;
      while ((e = c.inbox.poll(300, TimeUnit.MILLISECONDS)) != null) {
        if (e.hasSubscribed()) seen.add("S" + e.getSubscribed().getNextSequence());
        if (e.hasDeliver()) {
          got.add(e.getDeliver().getSequence());
          seen.add(e.getDeliver().getSequence() + (e.getDeliver().getReplay() ? "r" : ""));
        }
        if (e.hasDiscontinuity() || e.hasError()) throw new AssertionError("unexpected " + e);
      }
      int gaps = 0;
      for (int i = 1; i < got.size(); i++) if (got.get(i) != got.get(i - 1) + 1) gaps++;
      if (gaps > worstGaps) {
        worstGaps = gaps;
        worst = seen;
      }
    }
    return worst;
  }
}
