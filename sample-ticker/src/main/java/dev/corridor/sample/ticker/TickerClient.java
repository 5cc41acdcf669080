package dev.corridor.sample.ticker;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.Discontinuity;
import dev.corridor.StateChange;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.RequestOptions;
import dev.corridor.RequestException;
import dev.corridor.Response;
import dev.corridor.SendOptions;
import dev.corridor.SendResult;
import dev.corridor.SubscribeOptions;
import dev.corridor.Subscription;
import dev.corridor.sample.Topics;
import dev.corridor.sample.proto.AlertTriggered;
import dev.corridor.sample.proto.FocusIntent;
import dev.corridor.sample.proto.PriceAlert;
import dev.corridor.sample.proto.Quote;
import dev.corridor.sample.proto.Snapshot;
import dev.corridor.sample.proto.SnapshotRequest;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The ticker's connection: one {@link CorridorClient} wired to a {@link TickerModel}.
 *
 * <p>Per symbol it subscribes {@code quotes.<SYM>} ({@link SubscribeOptions#LATEST}) and
 * {@code trades.<SYM>} (RELIABLE), and once {@code alert-events.<clientId>} (RELIABLE). When a
 * trades stream reports a {@link Discontinuity} it asks the server for a {@code snapshot} of that
 * symbol to resynchronise its quote. When the server refuses a symbol's topics (it does not publish
 * that symbol) the symbol is removed and the model says why. Alerts go out as acknowledged
 * {@code PriceAlert}s keyed
 * {@link Topics#alertKey}, focus changes as best-effort {@code FocusIntent}s with a 2 s TTL.
 *
 * <p><b>Construction.</b> The caller configures a {@link CorridorClient.Builder} (URL, token,
 * clientId, timeouts; {@link #builder(String, String, String)} is a shortcut) and hands it to
 * {@link #TickerClient(CorridorClient.Builder, TickerModel)}, which installs its own
 * {@link SwitchableNetwork} as the builder's network monitor and builds the client without
 * connecting. {@link #start(Collection)} subscribes and connects; {@link #close()} closes the client
 * (non-blocking, idempotent) and {@link #awaitClosed} waits until it reached a terminal state.
 *
 * <p><b>Thread:</b> thread-safe; methods return without blocking. Messages, state changes and send
 * outcomes reach the model on the SDK's callback executor; a daemon thread
 * ({@code ticker-stats}) copies {@link CorridorClient#stats()} into the model every 250 ms.
 */
public final class TickerClient implements AutoCloseable {
  /** How often the client's counters are copied into the model. */
  static final long STATS_PERIOD_MILLIS = 250;

  private static final SendOptions FOCUS = SendOptions.builder()
      .key("focus")
      .ttl(2, TimeUnit.SECONDS)
      .delivery(SendOptions.Delivery.BEST_EFFORT)
      .build();
  private static final RequestOptions SNAPSHOT = RequestOptions.builder()
      .timeout(10, TimeUnit.SECONDS)
      .idempotent(true)
      .build();

  private final TickerModel model;
  private final SwitchableNetwork network = new SwitchableNetwork();
  private final CorridorClient client;
  private final Map<String, List<Subscription>> subscriptions = new ConcurrentHashMap<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ticker-stats");
    t.setDaemon(true);
    return t;
  });
  private volatile long alertTtlMillis;
  private volatile boolean started;

  // Snapshot requests are coalesced: one in flight at a time, the symbols asked for meanwhile go
  // out together in the next one. Guarded by snapshotLock.
  private final Object snapshotLock = new Object();
  private final Set<String> snapshotWanted = new LinkedHashSet<>();
  private boolean snapshotInFlight;

  /**
   * A builder for {@code url} sending {@code token} (if not null) as the bearer token and
   * identifying itself as {@code clientId} (if not null; else a random id).
   */
  public static CorridorClient.Builder builder(String url, @Nullable String token,
      @Nullable String clientId) {
    CorridorClient.Builder b = CorridorClient.builder(url);
    if (token != null) b.tokenProvider(refresh -> token);
    if (clientId != null) b.clientId(clientId);
    return b;
  }

  /**
   * Builds the client from {@code builder} (after setting its network monitor to this ticker's
   * {@link #network()}) and wires it to {@code model}. Does not connect: call {@link #start}.
   */
  public TickerClient(CorridorClient.Builder builder, TickerModel model) {
    this.model = model;
    this.client = builder.networkMonitor(network).build();
    client.addStateListener(change -> {
      model.onStateChange(change);
      if (change.current().isTerminal()) {
        model.onStats(client.stats());
        terminated.countDown();
      }
    });
  }

  /**
   * Sets a TTL for alert edits sent from now on (default none): an edit not written within it
   * ends {@code EXPIRED}. Returns this.
   */
  public TickerClient alertTtl(long ttl, TimeUnit unit) {
    this.alertTtlMillis = unit.toMillis(ttl);
    return this;
  }

  /**
   * Subscribes to this client's alert events and to {@code symbols}, connects, and starts copying
   * the client's counters into the model. Call once. Returns {@link CorridorClient#connect()}'s
   * future: the first connection or the client's end; the client keeps retrying until then.
   *
   * @throws IllegalStateException if already started, or the client is closed
   */
  public CompletableFuture<StateChange> start(Collection<String> symbols) {
    return start(symbols, 0);
  }

  /** As {@link #start(Collection)}, with a bound on the first connection's future. */
  public CompletableFuture<StateChange> start(Collection<String> symbols, long firstConnectMillis) {
    synchronized (this) {
      if (started) throw new IllegalStateException("already started");
      started = true;
    }
    String alerts = Topics.alertEvents(client.clientId());
    client.subscribe(alerts, listener(alerts, this::onAlertMessage, model::onDiscontinuity),
        SubscribeOptions.DEFAULT);
    for (String symbol : symbols) addSymbol(symbol);
    CompletableFuture<StateChange> first = client.connect(firstConnectMillis, TimeUnit.MILLISECONDS);
    poller.scheduleAtFixedRate(this::refreshStats, 0, STATS_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    return first;
  }

  /**
   * Shows {@code symbol} (upper-cased) and subscribes to its quotes and trades.
   *
   * @return false if it was already shown
   */
  public boolean addSymbol(String symbol) {
    String sym = normalize(symbol);
    if (!model.addSymbol(sym)) return false;
    try {
      Subscription quotes = client.subscribe(Topics.quotes(sym),
          listener(Topics.quotes(sym), this::onQuoteMessage, model::onDiscontinuity), SubscribeOptions.LATEST);
      Subscription trades;
      try {
        trades = client.subscribe(Topics.trades(sym),
            listener(Topics.trades(sym), this::onTradeMessage, this::onTradeDiscontinuity),
            SubscribeOptions.DEFAULT);
      } catch (RuntimeException e) {
        quotes.unsubscribe();
        throw e;
      }
      subscriptions.put(sym, List.of(quotes, trades));
      if (!model.symbols().contains(sym)) {
        // Refused (or removed) before the subscriptions were recorded: give them up now.
        List<Subscription> late = subscriptions.remove(sym);
        if (late != null) late.forEach(Subscription::unsubscribe);
      }
      return true;
    } catch (RuntimeException e) {
      model.removeSymbol(sym);
      throw e;
    }
  }

  /** A listener for {@code topic} that reports refusals to the model. */
  private MessageListener listener(String topic, java.util.function.Consumer<Message> onMessage,
      java.util.function.Consumer<Discontinuity> onDiscontinuity) {
    return new MessageListener() {
      @Override
      public void onMessage(Message message) {
        onMessage.accept(message);
      }

      @Override
      public void onDiscontinuity(Discontinuity discontinuity) {
        onDiscontinuity.accept(discontinuity);
      }

      @Override
      public void onRejected(String errorCode, String message) {
        onRefused(topic, errorCode, message);
      }
    };
  }

  /**
   * The server refused the subscription to {@code topic}. A symbol the feed does not publish is
   * taken off the screen at once (its other topic unsubscribed too), with the server's reason: a
   * row of dashes waiting for quotes that never come would tell the user nothing.
   */
  void onRefused(String topic, String errorCode, String message) {
    String reason = message.isEmpty() ? errorCode : message;
    if (Topics.isMarketTopic(topic)) {
      String sym = Topics.symbolOf(topic);
      if (removeSymbol(sym)) model.onSymbolRefused(sym, reason);
      // else: the other topic of a symbol already refused, or one the user removed meanwhile
    } else {
      model.onSubscriptionRefused(topic, errorCode, message);
    }
  }

  /**
   * Unsubscribes from {@code symbol}'s topics and removes its row.
   *
   * @return false if it was not shown
   */
  public boolean removeSymbol(String symbol) {
    String sym = normalize(symbol);
    List<Subscription> subs = subscriptions.remove(sym);
    if (subs != null) subs.forEach(Subscription::unsubscribe);
    return model.removeSymbol(sym) || subs != null;
  }

  /**
   * Sends (or edits) price alert {@code alertId}: an acknowledged {@code PriceAlert} on
   * {@link Topics#ALERTS} with key {@link Topics#alertKey}, so an unsent older edit is superseded.
   * The model shows it PENDING until the send ends; the returned future completes (on the callback
   * executor) once the model has recorded the outcome.
   */
  public CompletableFuture<SendResult> setAlert(String alertId, String symbol,
      PriceAlert.Direction direction, long thresholdMicros) {
    String sym = normalize(symbol);
    byte[] payload = PriceAlert.newBuilder()
        .setAlertId(alertId)
        .setSymbol(sym)
        .setDirection(direction)
        .setThresholdMicros(thresholdMicros)
        .build()
        .toByteArray();
    SendOptions.Builder options = SendOptions.builder().key(Topics.alertKey(alertId));
    long ttl = alertTtlMillis;
    if (ttl > 0) options.ttl(ttl, TimeUnit.MILLISECONDS);
    int revision = model.alertSent(alertId, sym, direction, thresholdMicros);
    return client.send(Topics.ALERTS, payload, options.build()).thenApply(result -> {
      model.alertEnded(alertId, revision, result);
      return result;
    });
  }

  /**
   * Tells the server the user looks at {@code symbol}: a best-effort {@code FocusIntent} on
   * {@link Topics#INTENTS}, key {@code "focus"} (a newer focus replaces an unsent one), TTL 2 s.
   */
  public CompletableFuture<SendResult> focus(String symbol) {
    String sym = normalize(symbol);
    model.focus(sym);
    byte[] payload = FocusIntent.newBuilder().setSymbol(sym).build().toByteArray();
    return client.send(Topics.INTENTS, payload, FOCUS);
  }

  /** Simulates losing the network ({@link SwitchableNetwork#down()}). */
  public void networkDown() {
    network.down();
    model.setNetworkDown(true);
  }

  /** Ends a simulated network loss ({@link SwitchableNetwork#up()}). */
  public void networkUp() {
    network.up();
    model.setNetworkDown(false);
  }

  /** Flips the simulated network; returns whether it is now available. */
  public boolean toggleNetwork() {
    boolean up = network.toggle();
    model.setNetworkDown(!up);
    return up;
  }

  /** The network monitor installed in the client. */
  public SwitchableNetwork network() {
    return network;
  }

  public TickerModel model() {
    return model;
  }

  /** The underlying client, e.g. for {@link CorridorClient#stats()}. */
  public CorridorClient client() {
    return client;
  }

  public String clientId() {
    return client.clientId();
  }

  /** Copies the client's counters into the model now (the poller does it every 250 ms). */
  public void refreshStats() {
    try {
      model.onStats(client.stats());
    } catch (RuntimeException e) {
      // Never let the poller die; the next tick tries again.
    }
  }

  /**
   * Closes the client (cleanly, in the background) and stops the stats poller. Sends still pending
   * end {@code CLOSED}. Idempotent; does not block.
   */
  @Override
  public void close() {
    poller.shutdownNow();
    client.close();
    refreshStats();
  }

  /**
   * Waits until the client reached {@link ConnectionState#CLOSED} or {@link ConnectionState#FAILED}
   * and the model has recorded that state and the final counters (a clean close takes at most the
   * builder's close timeout, 5 s by default).
   *
   * @return true if it did within {@code timeout}
   */
  public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  // ------------------------------------------------------------- callbacks (package-private for tests)

  void onQuoteMessage(Message message) {
    Quote quote;
    try {
      quote = Quote.parseFrom(message.payload());
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    if (quote.getSymbol().isEmpty()) {
      String sym = Topics.symbolOf(message.topic());
      if (sym != null) quote = quote.toBuilder().setSymbol(sym).build();
    }
    model.onQuote(quote, message.isReplay());
  }

  void onTradeMessage(Message message) {
    String sym = Topics.symbolOf(message.topic());
    if (sym == null) return;
    model.onTrade(sym, message.epoch(), message.sequence(), message.isReplay());
  }

  void onAlertMessage(Message message) {
    AlertTriggered event;
    try {
      event = AlertTriggered.parseFrom(message.payload());
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    model.onAlertTriggered(event.getAlertId(), event.getSymbol(), event.getPriceMicros(),
        message.isReplay());
  }

  void onTradeDiscontinuity(Discontinuity discontinuity) {
    model.onDiscontinuity(discontinuity);
    String sym = Topics.symbolOf(discontinuity.topic());
    if (sym != null) requestSnapshot(sym);
  }

  /** Asks for a snapshot of {@code symbol}, coalescing with requests already under way. */
  void requestSnapshot(String symbol) {
    List<String> batch;
    synchronized (snapshotLock) {
      snapshotWanted.add(symbol);
      if (snapshotInFlight) return;
      snapshotInFlight = true;
      batch = List.copyOf(snapshotWanted);
      snapshotWanted.clear();
    }
    sendSnapshotRequest(batch);
  }

  private void sendSnapshotRequest(List<String> symbols) {
    byte[] payload = SnapshotRequest.newBuilder().addAllSymbols(symbols).build().toByteArray();
    CompletableFuture<Response> future;
    try {
      future = client.request(Topics.SNAPSHOT, payload, SNAPSHOT);
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete((response, error) -> {
      onSnapshotResponse(response, error);
      List<String> next;
      synchronized (snapshotLock) {
        if (snapshotWanted.isEmpty() || client.state().isTerminal()) {
          snapshotWanted.clear();
          snapshotInFlight = false;
          return;
        }
        next = List.copyOf(snapshotWanted);
        snapshotWanted.clear();
      }
      sendSnapshotRequest(next);
    });
  }

  void onSnapshotResponse(@Nullable Response response, @Nullable Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      Response answer = cause instanceof RequestException ? ((RequestException) cause).response() : null;
      model.onSnapshotFailed(answer != null
          ? answer.status() + (answer.message().isEmpty() ? "" : " " + answer.message())
          : String.valueOf(cause.getMessage()));
      return;
    }
    if (response == null) {
      model.onSnapshotFailed("no response");
      return;
    }
    try {
      model.onSnapshot(Snapshot.parseFrom(response.payload()));
    } catch (InvalidProtocolBufferException e) {
      model.onSnapshotFailed("malformed snapshot");
    }
  }

  private static String normalize(String symbol) {
    String s = symbol.trim().toUpperCase(Locale.ROOT);
    if (s.isEmpty() || !s.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException("not a symbol: '" + symbol + "'");
    }
    return s;
  }
}
