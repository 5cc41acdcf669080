package dev.corridor.server.internal;

import dev.corridor.proto.v1.Envelope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The server's Micrometer meters, all named {@code corridor.server.*}. Without a registry they go
 * to an empty composite registry, where recording costs next to nothing. Topics are tagged by
 * {@code topicTag} (by default the part before the first dot: {@code quotes.AAPL} is {@code
 * quotes}), so that per-client topics cannot multiply the meters.
 */
public final class ServerMetrics {
  /** Why a message or a connection was dropped. */
  public enum Drop {
    SLOW_CONSUMER, RATE_LIMITED, TOO_LARGE, MALFORMED, CONFLATED, EXPIRED,
    /** Work refused, or a write retried, because the store could not be reached. */
    UNAVAILABLE
  }

  private final MeterRegistry registry;
  private final Function<String, String> topicTag;
  private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();
  private final Map<Envelope.KindCase, Counter> in = new EnumMap<>(Envelope.KindCase.class);
  private final Map<Envelope.KindCase, Counter> out = new EnumMap<>(Envelope.KindCase.class);
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Map<String, Counter> delivered = new ConcurrentHashMap<>();
  private final Map<String, Counter> discontinuities = new ConcurrentHashMap<>();
  private final Map<Drop, Counter> drops = new EnumMap<>(Drop.class);
  private final Counter replayed;
  /** Distinct topic tag values so far; at most {@link #MAX_TAGS}. */
  private final java.util.Set<String> tags = ConcurrentHashMap.newKeySet();
  static final int MAX_TAGS = 256;
  static final int MAX_CACHED_TOPICS = 10_000;

  public ServerMetrics(MeterRegistry registry, Function<String, String> topicTag) {
    this.registry = registry == null ? new CompositeMeterRegistry() : registry;
    this.topicTag = topicTag;
    for (Envelope.KindCase kind : Envelope.KindCase.values()) {
      String tag = kind.name().toLowerCase(java.util.Locale.ROOT);
      in.put(kind, Counter.builder("corridor.server.messages.in").tag("kind", tag)
          .description("Envelopes received from clients").register(this.registry));
      out.put(kind, Counter.builder("corridor.server.messages.out").tag("kind", tag)
          .description("Envelopes sent to clients").register(this.registry));
    }
    for (Drop d : Drop.values()) {
      drops.put(d, Counter.builder("corridor.server.drops").tag("reason", d.name().toLowerCase(java.util.Locale.ROOT))
          .description("Messages or connections dropped, by reason").register(this.registry));
    }
    replayed = Counter.builder("corridor.server.replayed")
        .description("Messages sent again from history (resume, replay requests)").register(this.registry);
  }

  /** The default topic tag: the part before the first dot. */
  public static String topicGroup(String topic) {
    int dot = topic.indexOf('.');
    return dot < 0 ? topic : topic.substring(0, dot);
  }

  /** Registers the gauges that read live values. */
  public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
    io.micrometer.core.instrument.Gauge.builder(name, source, value).description(description).register(registry);
  }

  public void handshake(String outcome) {
    handshakes.computeIfAbsent(outcome, o -> Counter.builder("corridor.server.handshakes").tag("outcome", o)
        .description("WebSocket upgrades and Hellos, by outcome").register(registry)).increment();
  }

  void received(Envelope e) {
    in.get(e.getKindCase()).increment();
  }

  /** A client's publish the server took (after its limits, the token's grants and the policy). */
  void publishAccepted(String topic) {
    topicCounter(published, "corridor.server.published", topic).increment();
  }

  void sent(Envelope e) {
    out.get(e.getKindCase()).increment();
    if (e.hasDeliver()) topicCounter(delivered, "corridor.server.delivered", e.getDeliver().getTopic()).increment();
  }

  void replayed(int messages) {
    replayed.increment(messages);
  }

  void discontinuity(String reason) {
    discontinuities.computeIfAbsent(reason, r -> Counter.builder("corridor.server.discontinuities").tag("reason", r)
        .description("Streams that could not be resumed without a gap").register(registry)).increment();
  }

  public void drop(Drop reason) {
    drops.get(reason).increment();
  }

  /**
   * The counter of {@code topic}'s tag, cached per topic: a delivered message costs one map
   * lookup, not a tag computation. The registry returns the same counter for every topic of a tag.
   */
  private Counter topicCounter(Map<String, Counter> counters, String name, String topic) {
    Counter c = counters.get(topic);
    if (c == null) {
      String tag = topicTag.apply(topic);
      // Bounded: beyond MAX_TAGS distinct tag values, the rest count as "other".
      if (!tags.contains(tag)) {
        if (tags.size() >= MAX_TAGS) {
          tag = "other";
        } else {
          tags.add(tag);
        }
      }
      c = Counter.builder(name).tag("topic", tag).register(registry);
      if (counters.size() < MAX_CACHED_TOPICS) counters.put(topic, c);
    }
    return c;
  }
}
