package dev.corridor.sample.market;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.sample.Topics;
import dev.corridor.sample.proto.FocusIntent;
import dev.corridor.sample.proto.PriceAlert;
import dev.corridor.sample.proto.Quote;
import dev.corridor.sample.proto.Snapshot;
import dev.corridor.sample.proto.SnapshotRequest;
import dev.corridor.sample.proto.Trade;
import dev.corridor.server.ClientPublish;
import dev.corridor.server.ClientRequest;
import dev.corridor.server.PublishHandler;
import dev.corridor.server.Refusal;
import dev.corridor.server.Reply;
import dev.corridor.server.RequestHandler;
import dev.corridor.server.TopicPolicy;
import dev.corridor.server.TopicUse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Simulated market data: a seeded random walk per symbol, published as quotes (LATEST topics) and
 * trade prints (RELIABLE topics), plus the application side of the sample (alerts, focus intents,
 * snapshots). Deterministic for a given seed and sequence of ticks. Thread-safe.
 */
public final class MarketFeed implements TopicPolicy, PublishHandler, RequestHandler {
  /** A default watchlist of well-known symbols with plausible starting prices (in dollars). */
  public static final Map<String, Double> DEFAULT_WATCHLIST = defaults();

  private static Map<String, Double> defaults() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("AAPL", 189.50);
    m.put("MSFT", 415.20);
    m.put("GOOGL", 152.80);
    m.put("AMZN", 178.30);
    m.put("NVDA", 880.00);
    m.put("META", 495.60);
    m.put("TSLA", 175.40);
    m.put("JPM", 198.10);
    return m;
  }

  private final Map<String, Quote> quotes = new LinkedHashMap<>();
  private final Random random;
  private final double updatesPerSecond;
  private final AlertBook alerts = new AlertBook();
  private final LongSupplier clock;
  private final AtomicLong focusIntents = new AtomicLong();
  private volatile Sink sink;
  private ScheduledFuture<?> ticking;
  private volatile int burstFactor = 1;

  public MarketFeed(Map<String, Double> watchlist, double updatesPerSecond, long seed, LongSupplier clock) {
    if (updatesPerSecond <= 0) throw new IllegalArgumentException("updatesPerSecond must be positive");
    this.random = new Random(seed);
    this.updatesPerSecond = updatesPerSecond;
    this.clock = clock;
    long now = clock.getAsLong();
    watchlist.forEach((symbol, price) -> {
      long micros = Math.round(price * 1_000_000);
      quotes.put(symbol, Quote.newBuilder().setSymbol(symbol).setLastMicros(micros).setOpenMicros(micros)
          .setBidMicros(micros - spread(micros)).setAskMicros(micros + spread(micros)).setTimeMs(now).build());
    });
  }

  /** Where the feed's messages go: the server's {@code publish}. */
  @FunctionalInterface
  public interface Sink {
    void publish(String topic, String key, byte[] payload);
  }

  /** Connects the feed to what it publishes through, e.g. {@code server::publish}. */
  public void attach(Sink sink) {
    this.sink = sink;
  }

  /** Starts ticking: every symbol moves {@code updatesPerSecond} times a second. */
  public synchronized void start(ScheduledExecutorService timers) {
    long periodMicros = Math.max(1, (long) (1_000_000 / updatesPerSecond));
    ticking = timers.scheduleAtFixedRate(() -> {
      for (int i = 0; i < burstFactor; i++) tick();
    }, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
  }

  public synchronized void stop() {
    if (ticking != null) ticking.cancel(false);
  }

  /** Burst mode multiplies the update rate by 20, for load. */
  public void burst(boolean on) {
    burstFactor = on ? 20 : 1;
  }

  public boolean isBursting() {
    return burstFactor > 1;
  }

  public List<String> symbols() {
    synchronized (this) {
      return List.copyOf(quotes.keySet());
    }
  }

  public AlertBook alerts() {
    return alerts;
  }

  public long focusIntents() {
    return focusIntents.get();
  }

  /** Moves every symbol one step and publishes its quote and trade. */
  public void tick() {
    long now = clock.getAsLong();
    for (String symbol : symbols()) {
      Quote q;
      long size;
      synchronized (this) {
        Quote old = quotes.get(symbol);
        // Geometric random walk: about 0.1 % per step, never below one cent.
        long last = Math.max(10_000, Math.round(old.getLastMicros() * Math.exp(0.001 * random.nextGaussian())));
        size = 100L * (1 + random.nextInt(20));
        q = old.toBuilder().setLastMicros(last).setLastSize(size).setBidMicros(last - spread(last))
            .setAskMicros(last + spread(last)).setTimeMs(now).build();
        quotes.put(symbol, q);
      }
      Sink e = sink;
      if (e == null) continue;
      e.publish(Topics.quotes(symbol), symbol, q.toByteArray());
      e.publish(Topics.trades(symbol), symbol, Trade.newBuilder().setSymbol(symbol)
          .setPriceMicros(q.getLastMicros()).setSize(size).setTimeMs(now).build().toByteArray());
      for (AlertBook.Fired f : alerts.check(symbol, q.getLastMicros(), now)) {
        e.publish(Topics.alertEvents(f.clientId()), f.event().getAlertId(), f.event().toByteArray());
      }
    }
  }

  private static long spread(long micros) {
    return Math.max(5_000, micros / 4_000); // half-spread: 1.25 bp, at least half a cent
  }

  public synchronized Quote quote(String symbol) {
    return quotes.get(symbol);
  }

  /**
   * The feed's topics ({@link Topics#catalog}): {@code quotes.<SYM>} and {@code trades.<SYM>} for
   * the symbols it serves and the client's own {@code alert-events.<client id>} may be subscribed;
   * {@code alerts} and {@code intents} may be published. Using a known topic the wrong way round is
   * {@code FORBIDDEN}, with a message saying the right way; any other topic is
   * {@code UNKNOWN_TOPIC}.
   */
  @Override
  public Refusal check(String clientId, String topic, TopicUse use) {
    boolean market = Topics.isMarketTopic(topic);
    if (market && quote(Topics.symbolOf(topic)) == null) {
      return Refusal.unknownTopic(topic, "this feed serves " + String.join(" ", symbols()));
    }
    boolean events = topic.startsWith(Topics.ALERT_EVENTS_PREFIX);
    boolean inbound = topic.equals(Topics.ALERTS) || topic.equals(Topics.INTENTS);
    if (!market && !events && !inbound) {
      return Refusal.unknownTopic(topic, "see docs/sample.md for the feed's topics");
    }
    if (use == TopicUse.PUBLISH) {
      return inbound ? null : Refusal.forbidden(topic + " is published by the feed only");
    }
    if (inbound) {
      return Refusal.forbidden(topic + " only takes publishes from clients"
          + (topic.equals(Topics.ALERTS) ? "; triggered alerts arrive on alert-events.<client id>" : ""));
    }
    if (events && !topic.equals(Topics.alertEvents(clientId))) {
      return Refusal.forbidden(topic + " belongs to another client; subscribe to "
          + Topics.alertEvents(clientId));
    }
    return null;
  }

  /** Applies a client's publish (an alert, a focus intent); the reason when it is rejected. */
  @Override
  public CompletionStage<Void> onPublish(ClientPublish publish) {
    String rejection = apply(publish.clientId(), publish.topic(), publish.payload());
    return rejection == null ? PublishHandler.accepted() : PublishHandler.rejected(rejection);
  }

  private String apply(String clientId, String topic, byte[] payload) {
    try {
      switch (topic) {
        case Topics.ALERTS -> {
          PriceAlert alert = PriceAlert.parseFrom(payload);
          if (alert.getAlertId().isEmpty()) return "empty alert id";
          if (quote(alert.getSymbol()) == null) {
            return "unknown symbol " + alert.getSymbol() + "; this feed serves " + String.join(" ", symbols());
          }
          alerts.apply(clientId, alert);
          return null;
        }
        case Topics.INTENTS -> {
          FocusIntent.parseFrom(payload);
          focusIntents.incrementAndGet();
          return null;
        }
        default -> {
          return "unknown topic: " + topic;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      return "malformed payload";
    }
  }

  /** Answers {@code snapshot}: the current quotes of the symbols asked for. */
  @Override
  public CompletionStage<Reply> onRequest(ClientRequest request) {
    if (!request.method().equals(Topics.SNAPSHOT)) {
      return CompletableFuture.completedFuture(
          Reply.of(Reply.Status.NOT_FOUND, "unknown method " + request.method()));
    }
    try {
      SnapshotRequest req = SnapshotRequest.parseFrom(request.payload());
      Snapshot.Builder snapshot = Snapshot.newBuilder();
      for (String symbol : req.getSymbolsList()) {
        Quote q = quote(symbol);
        if (q != null) snapshot.addQuotes(q);
      }
      return CompletableFuture.completedFuture(Reply.ok(snapshot.build().toByteArray()));
    } catch (InvalidProtocolBufferException e) {
      return CompletableFuture.completedFuture(Reply.of(Reply.Status.INVALID, "malformed SnapshotRequest"));
    }
  }
}
