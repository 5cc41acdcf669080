package dev.corridor.sample.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The feed's publisher over nodes that are running or not: each message goes through the first
 * running node, and with none running it is skipped and the pause is told once. (A Redis outage,
 * which only a real node on a real Redis can throw, is {@code DemoClusterTest}'s.)
 */
class FeedPublisherTest {
  private final List<String> log = new ArrayList<>();

  /** A node that records the topics published through it. */
  private static final class Recording implements FeedPublisher.Node {
    boolean running;
    final List<String> got = new ArrayList<>();

    Recording(boolean running) {
      this.running = running;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public void publish(String topic, String key, byte[] payload) {
      if (!running) throw new AssertionError("published through a node that is down");
      got.add(topic + "/" + payload[0]);
    }
  }

  @Test
  void aMessageGoesThroughTheFirstRunningNode() {
    Recording a = new Recording(false);
    Recording b = new Recording(true);
    Recording c = new Recording(true);
    FeedPublisher p = new FeedPublisher(List.of(a, b, c), log::add);
    p.publish("quotes.AAPL", "AAPL", new byte[] {1});
    p.publish("trades.AAPL", "AAPL", new byte[] {2});
    a.running = true;
    p.publish("trades.AAPL", "AAPL", new byte[] {3});
    assertThat(a.got).containsExactly("trades.AAPL/3");
    assertThat(b.got).containsExactly("quotes.AAPL/1", "trades.AAPL/2");
    assertThat(c.got).isEmpty();
    assertThat(p.skipped()).isZero();
    assertThat(log).isEmpty();
  }

  @Test
  void withNoNodeRunningMessagesAreSkippedAndThePauseIsToldOnce() {
    Recording a = new Recording(false);
    Recording b = new Recording(false);
    FeedPublisher p = new FeedPublisher(List.of(a, b), log::add);
    for (int i = 0; i < 5; i++) p.publish("trades.AAPL", "AAPL", new byte[] {(byte) i});
    assertThat(p.skipped()).isEqualTo(5);
    assertThat(log).containsExactly("no node is running: the feed pauses");

    b.running = true;
    p.publish("trades.AAPL", "AAPL", new byte[] {9});
    p.publish("trades.AAPL", "AAPL", new byte[] {10});
    assertThat(b.got).containsExactly("trades.AAPL/9", "trades.AAPL/10");
    assertThat(log).containsExactly("no node is running: the feed pauses", "the feed resumes");
  }
}
