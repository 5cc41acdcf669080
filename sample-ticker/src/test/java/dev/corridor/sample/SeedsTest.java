package dev.corridor.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.Scheduler;
import dev.corridor.StateChange;
import dev.corridor.sample.market.MarketFeed;
import dev.corridor.testing.FakeTime;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --seed} makes the run's random choices reproducible: the feed's prices, the chaos
 * timetable (see {@code ChaosTest}, {@code ChaosScheduleTest}) and the client's reconnect jitter,
 * each checked in virtual time. A whole run also depends on the machine's timing (real sockets,
 * threads), which no seed fixes.
 */
class SeedsTest {
  @Test
  void aSeedGivesThreeSeparateStreamsAndTheSameOnesEveryTime() {
    Seeds a = Seeds.of(7);
    assertThat(Seeds.of(7)).isEqualTo(a);
    assertThat(a.feed()).isEqualTo(7);
    assertThat(List.of(a.feed(), a.chaos(), a.client())).doesNotHaveDuplicates();
    assertThat(Seeds.of(8).chaos()).isNotEqualTo(a.chaos());
    assertThat(Seeds.of(8).client()).isNotEqualTo(a.client());
  }

  @Test
  void theSameSeedGivesTheSameFeed() {
    assertThat(feed(7)).isEqualTo(feed(7)).hasSize(2 * 3 * 200);
    assertThat(feed(7)).isNotEqualTo(feed(8));
  }

  /** 200 ticks of a three-symbol feed on a clock that stands still: every message, in order. */
  private static List<String> feed(long seed) {
    Map<String, Double> watchlist = new LinkedHashMap<>();
    watchlist.put("AAPL", 189.5);
    watchlist.put("MSFT", 415.2);
    watchlist.put("IBM", 170.0);
    MarketFeed feed = new MarketFeed(watchlist, 4, Seeds.of(seed).feed(), () -> 1_000L);
    List<String> published = new ArrayList<>();
    feed.attach((topic, key, payload) ->
        published.add(topic + " " + key + " " + Base64.getEncoder().encodeToString(payload)));
    for (int i = 0; i < 200; i++) feed.tick();
    return published;
  }

  @Test
  void theSameSeedGivesTheClientTheSameReconnectDelays() throws Exception {
    assertThat(retryDelays(7)).isEqualTo(retryDelays(7));
    assertThat(retryDelays(7)).isNotEqualTo(retryDelays(8));
  }

  /**
   * The first retry delays of the ticker's client (as the command line builds it) against a port
   * where nothing listens, in virtual time: each attempt fails at once, and time moves only by the
   * delay the client chose.
   */
  private static List<Long> retryDelays(long seed) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: connections are refused
    }
    String url = "ws://127.0.0.1:" + port + "/v1";
    CommandLine.Options o = CommandLine.parse(new String[] {"--connect", url, "--seed", Long.toString(seed)});
    FakeTime time = new FakeTime();
    // The client schedules its retry timer just after reporting WAITING_TO_RETRY; the test waits
    // for that timer to exist before moving time, or the timer would start from the moved time.
    BlockingQueue<Long> scheduled = new LinkedBlockingQueue<>();
    Scheduler recording = (task, delay, unit) -> {
      Scheduler.Cancellable c = time.schedule(task, delay, unit);
      scheduled.add(unit.toMillis(delay));
      return c;
    };
    CorridorClient client = TickerMain.clientBuilder(o, url).clock(time).scheduler(recording).build();
    BlockingQueue<StateChange> changes = new LinkedBlockingQueue<>();
    client.addStateListener(changes::add);
    List<Long> delays = new ArrayList<>();
    try {
      client.connect();
      while (delays.size() < 6) {
        StateChange change = changes.poll(10, TimeUnit.SECONDS);
        assertThat(change).as("a state change within 10 s (after %s)", delays).isNotNull();
        assertThat(change.current()).isNotEqualTo(ConnectionState.FAILED);
        if (change.current() == ConnectionState.WAITING_TO_RETRY) {
          long delay = change.retryDelayMillis();
          delays.add(delay);
          Long next;
          do {
            next = scheduled.poll(10, TimeUnit.SECONDS);
            assertThat(next).as("the retry timer of %s ms is scheduled", delay).isNotNull();
          } while (next != delay);
          time.advanceBy(delay, TimeUnit.MILLISECONDS);
        }
      }
    } finally {
      client.close();
    }
    return delays;
  }
}
