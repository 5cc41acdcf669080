package dev.corridor.sample.ticker;

import static dev.corridor.sample.ticker.Fixtures.m;
import static dev.corridor.sample.ticker.Fixtures.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corridor.ConnectionState;
import dev.corridor.Discontinuity;
import dev.corridor.Message;
import dev.corridor.RequestException;
import dev.corridor.Response;
import dev.corridor.SendResult;
import dev.corridor.sample.proto.AlertTriggered;
import dev.corridor.sample.proto.PriceAlert;
import dev.corridor.sample.proto.Quote;
import dev.corridor.sample.proto.Snapshot;
import dev.corridor.testing.TestValues;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The glue between the SDK's callbacks and the model, exercised by calling the callbacks directly.
 * The client is built but never connected: no network is used.
 */
class TickerClientTest {
  private final TickerModel model = new TickerModel(() -> 0);
  private final TickerClient ticker =
      new TickerClient(TickerClient.builder("ws://127.0.0.1:9/v1", "secret", "client-1"), model);

  @AfterEach
  void close() {
    ticker.close();
  }

  private static Message message(String topic, long epoch, long sequence, byte[] payload, boolean replay) {
    return TestValues.message(topic, epoch, sequence, "", payload, 0, replay);
  }

  private SymbolRow row(String symbol) {
    return model.view().rows().stream().filter(r -> r.symbol().equals(symbol)).findFirst().orElseThrow();
  }

  @Test
  void symbolsAreNormalisedAndSubscribedOnce() {
    assertThat(ticker.addSymbol(" aapl ")).isTrue();
    assertThat(ticker.addSymbol("AAPL")).isFalse();
    assertThat(ticker.addSymbol("msft")).isTrue();
    assertThat(model.symbols()).containsExactly("AAPL", "MSFT");
    assertThatThrownBy(() -> ticker.addSymbol("A B")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ticker.addSymbol(" ")).isInstanceOf(IllegalArgumentException.class);

    assertThat(ticker.removeSymbol("aapl")).isTrue();
    assertThat(ticker.removeSymbol("AAPL")).isFalse();
    assertThat(model.symbols()).containsExactly("MSFT");
    assertThat(ticker.addSymbol("AAPL")).isTrue(); // the topic can be subscribed again
    assertThat(ticker.clientId()).isEqualTo("client-1");
  }

  @Test
  void aSymbolTheServerRefusesIsTakenOffTheScreenWithTheServersReason() {
    ticker.addSymbol("AAPL");
    ticker.addSymbol("IBM");
    ticker.onRefused("quotes.IBM", "UNKNOWN_TOPIC", "unknown topic: quotes.IBM (this feed serves AAPL)");
    ticker.onRefused("trades.IBM", "UNKNOWN_TOPIC", "unknown topic: trades.IBM (this feed serves AAPL)");

    assertThat(model.symbols()).containsExactly("AAPL");
    assertThat(model.eventsAfter(0).events())
        .containsExactly("IBM not added: unknown topic: quotes.IBM (this feed serves AAPL)");
    assertThat(ticker.addSymbol("IBM")).as("unsubscribed, so it can be tried again").isTrue();
  }

  @Test
  void anotherRefusedSubscriptionIsReported() {
    ticker.onRefused("alert-events.client-1", "FORBIDDEN", "not yours");
    ticker.onRefused("news", "UNKNOWN_TOPIC", "");
    assertThat(model.eventsAfter(0).events()).containsExactly(
        "subscription to alert-events.client-1 refused: FORBIDDEN (not yours)",
        "subscription to news refused: UNKNOWN_TOPIC");
  }

  @Test
  void quotesTradesAndAlertEventsReachTheModel() {
    ticker.addSymbol("AAPL");
    ticker.onQuoteMessage(message("quotes.AAPL", 1, 1,
        quote("AAPL", "189.25", "188", "189.2", "189.3", 1).toByteArray(), false));
    // A quote without a symbol takes its topic's.
    ticker.onQuoteMessage(message("quotes.AAPL", 1, 2,
        Quote.newBuilder().setLastMicros(m("189.5")).setOpenMicros(m("188")).setTimeMs(2).build().toByteArray(), false));
    ticker.onQuoteMessage(message("quotes.AAPL", 1, 3, new byte[] {(byte) 0xff}, false)); // malformed: dropped
    ticker.onTradeMessage(message("trades.AAPL", 1, 10, new byte[0], false));
    ticker.onTradeMessage(message("trades.AAPL", 1, 11, new byte[0], true));
    ticker.onTradeMessage(message("trades.AAPL", 1, 11, new byte[0], true)); // a duplicate reaching the app
    ticker.onAlertMessage(message("alert-events.client-1", 1, 1, AlertTriggered.newBuilder()
        .setAlertId("a1").setSymbol("AAPL").setPriceMicros(m("190.01")).build().toByteArray(), false));

    assertThat(row("AAPL").lastMicros()).isEqualTo(m("189.5"));
    assertThat(row("AAPL").history()).containsExactly(m("189.25"), m("189.5"));
    assertThat(row("AAPL").trades()).isEqualTo(3);
    TickerSummary s = model.summary();
    assertThat(s.received()).isEqualTo(6);
    assertThat(s.replayed()).isEqualTo(2);
    assertThat(s.appDuplicates()).isEqualTo(1);
    assertThat(model.view().alerts()).extracting(AlertRow::status)
        .containsExactly(AlertStatus.TRIGGERED);
  }

  @Test
  void aTradesDiscontinuityResetsTheCheckAndResynchronisesFromASnapshot() {
    ticker.addSymbol("AAPL");
    ticker.onTradeMessage(message("trades.AAPL", 1, 10, new byte[0], false));
    ticker.onTradeDiscontinuity(TestValues.discontinuity("trades.AAPL", Discontinuity.Reason.HISTORY_TRIMMED, 1, 10, 1, 50));
    ticker.onTradeMessage(message("trades.AAPL", 1, 50, new byte[0], false));

    assertThat(model.summary().discontinuities()).isEqualTo(1);
    assertThat(model.summary().ok()).isTrue();

    byte[] snapshot = Snapshot.newBuilder()
        .addQuotes(quote("AAPL", "191", "188", "190.9", "191.1", 5)).build().toByteArray();
    ticker.onSnapshotResponse(TestValues.response(Response.Status.OK, snapshot, ""), null);
    assertThat(row("AAPL").lastMicros()).isEqualTo(m("191"));
    assertThat(model.view().lastEvent()).isEqualTo("resynchronised AAPL from a snapshot");

    // A non-OK answer fails the request, with the response attached.
    ticker.onSnapshotResponse(null, new java.util.concurrent.CompletionException(new RequestException(
        TestValues.response(Response.Status.UNAVAILABLE, new byte[0], "busy"))));
    assertThat(model.view().lastEvent()).isEqualTo("snapshot failed: UNAVAILABLE busy");
    ticker.onSnapshotResponse(null, new RequestException(RequestException.Kind.TIMEOUT, "timed out"));
    assertThat(model.view().lastEvent()).startsWith("snapshot failed: ");
  }

  @Test
  void alertsArePendingUntilTheirSendEnds() throws Exception {
    var first = ticker.setAlert("a1", "aapl", PriceAlert.Direction.ABOVE, m("190"));
    var second = ticker.setAlert("a1", "AAPL", PriceAlert.Direction.ABOVE, m("191"));

    // Not connected: the first edit is superseded in the outbox, the second waits.
    assertThat(first.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(SendResult.Outcome.SUPERSEDED);
    assertThat(model.view().alerts()).containsExactly(new AlertRow("a1", "AAPL",
        PriceAlert.Direction.ABOVE, m("191"), AlertStatus.PENDING, ""));
    assertThat(model.summary().alertsSuperseded()).isEqualTo(1);

    ticker.close(); // what is still waiting ends CLOSED
    assertThat(second.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(SendResult.Outcome.CLOSED);
    assertThat(model.view().alerts().get(0).status()).isEqualTo(AlertStatus.FAILED);
    assertThat(model.summary().alertsSent()).isEqualTo(2);
  }

  @Test
  void focusIsRecordedAndSentBestEffort() throws Exception {
    ticker.addSymbol("AAPL");
    var focus = ticker.focus("aapl");
    assertThat(model.view().focused()).isEqualTo("AAPL");
    ticker.close();
    assertThat(focus.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(SendResult.Outcome.CLOSED);
  }

  @Test
  void theSimulatedNetworkIsTheClientsMonitor() {
    assertThat(ticker.network().isAvailable()).isTrue();
    assertThat(ticker.toggleNetwork()).isFalse();
    assertThat(ticker.network().isAvailable()).isFalse();
    assertThat(model.view().networkDown()).isTrue();
    ticker.networkUp();
    assertThat(model.view().networkDown()).isFalse();
    ticker.networkDown();
    assertThat(ticker.network().isAvailable()).isFalse();
  }

  @Test
  void closeEndsInClosedAndStatsAreCopied() throws Exception {
    ticker.refreshStats();
    ticker.close();
    ticker.close(); // idempotent
    assertThat(ticker.awaitClosed(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ticker.client().state()).isEqualTo(ConnectionState.CLOSED);
    assertThat(model.view().state()).isEqualTo(ConnectionState.CLOSED);
    assertThatThrownBy(() -> ticker.start(List.of("AAPL"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theSwitchableNetworkNotifiesOnlyChanges() {
    SwitchableNetwork network = new SwitchableNetwork();
    List<String> events = new java.util.ArrayList<>();
    network.start(new dev.corridor.NetworkMonitor.Listener() {
      @Override
      public void onNetworkAvailable() {
        events.add("up");
      }

      @Override
      public void onNetworkLost() {
        events.add("down");
      }
    });
    network.up();
    network.down();
    network.down();
    network.toggle();
    network.stop();
    network.down();
    assertThat(events).containsExactly("down", "up");
    assertThat(network.isAvailable()).isFalse();
  }
}
