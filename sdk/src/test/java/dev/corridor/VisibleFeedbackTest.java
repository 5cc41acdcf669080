package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a developer must not miss is logged through java.util.logging (logger "dev.corridor")
 * unless the application takes it over with a listener, and a flood of it is rate-limited on the
 * client's clock.
 */
class VisibleFeedbackTest {
  private final Harness h = new Harness();
  private final Logger logger = Logger.getLogger("dev.corridor");
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level previousLevel;
  private boolean previousUseParent;

  @BeforeEach
  void captureTheLog() {
    previousLevel = logger.getLevel();
    previousUseParent = logger.getUseParentHandlers();
    logger.setLevel(Level.ALL);
    logger.setUseParentHandlers(false);
    logger.addHandler(capture);
  }

  @AfterEach
  void restoreTheLog() {
    logger.removeHandler(capture);
    logger.setLevel(previousLevel);
    logger.setUseParentHandlers(previousUseParent);
  }

  private static void deliverOn(Harness h, String topic) {
    h.server.publishToStream(topic, "", "x");
  }

  /** The harness records events with a listener that takes everything over: start without it. */
  private void startWithoutEventListener() {
    h.start(h.builder().eventListener(EventListener.NONE));
    assertThat(h.client.state()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void aListenerThatThrowsIsLoggedWithItsException() {
    startWithoutEventListener();
    IllegalStateException bug = new IllegalStateException("listener bug");
    h.client.subscribe("AAPL", m -> {
      throw bug;
    });
    deliverOn(h, "AAPL");
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
    assertThat(records.get(0).getMessage()).contains("application code called by Corridor threw")
        .contains("listener bug");
    assertThat(records.get(0).getThrown()).isSameAs(bug);
  }

  @Test
  void anEventListenerThatHandlesCallbackFailuresTakesThemOver() {
    List<Throwable> handled = new ArrayList<>();
    h.start(h.builder().eventListener(new EventListener() {
      @Override
      public void callbackFailed(Throwable error) {
        handled.add(error);
      }
    }));
    h.client.subscribe("AAPL", m -> {
      throw new IllegalStateException("listener bug");
    });
    deliverOn(h, "AAPL");
    assertThat(handled).hasSize(1);
    assertThat(records).isEmpty();
  }

  @Test
  void aFloodIsRateLimitedOnTheClientsClock() {
    startWithoutEventListener();
    h.client.subscribe("AAPL", m -> {
      throw new IllegalStateException("every time");
    });
    for (int i = 0; i < 100; i++) deliverOn(h, "AAPL");
    assertThat(records).as("a burst of five").hasSize(5);
    h.advance(TimeUnit.SECONDS.toMillis(30));
    deliverOn(h, "AAPL");
    assertThat(records).hasSize(6);
    assertThat(records.get(5).getMessage()).endsWith("(95 similar left out)");
  }

  @Test
  void aRefusedSubscriptionIsLoggedWithItsTopicUnlessTheListenerTakesTheRefusal() {
    startWithoutEventListener();
    h.server.refuseTopic("orders", dev.corridor.proto.v1.ErrorCode.ERROR_CODE_UNKNOWN_TOPIC,
        "unknown topic: orders", false);
    h.client.subscribe("orders", m -> {});
    assertThat(records).extracting(LogRecord::getMessage)
        .containsExactly("subscription to orders refused by the server: UNKNOWN_TOPIC: unknown topic: orders");

    h.server.refuseTopic("trades", dev.corridor.proto.v1.ErrorCode.ERROR_CODE_UNKNOWN_TOPIC, "no", false);
    List<String> told = new ArrayList<>();
    h.client.subscribe("trades", new MessageListener() {
      @Override
      public void onMessage(Message message) {}

      @Override
      public void onRejected(String errorCode, String message) {
        told.add(errorCode);
      }
    });
    assertThat(told).containsExactly("UNKNOWN_TOPIC");
    assertThat(records).hasSize(1);
  }

  @Test
  void theClientFailingForGoodIsLoggedAsSevere() {
    startWithoutEventListener();
    h.server.transport.last().serverClose(1008, "policy violation");
    assertThat(h.client.state()).isEqualTo(ConnectionState.FAILED);
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.SEVERE);
    assertThat(records.get(0).getMessage()).startsWith("the client failed for good");
  }

  @Test
  void corridorsOwnKotlinAdaptersDoNotTakeTheLogsPlace() {
    h.client = h.builder().eventListener(EventListener.NONE).build();
    dev.corridor.kotlin.CorridorFlows.events(h.client);
    dev.corridor.kotlin.CorridorFlows.state(h.client);
    h.client.connect();
    h.client.subscribe("AAPL", m -> {
      throw new IllegalStateException("listener bug");
    });
    deliverOn(h, "AAPL");
    assertThat(records).extracting(LogRecord::getMessage).anyMatch(m -> m.contains("listener bug"));
  }

  @Test
  void aRefusalSeenThroughTheKotlinSubscriptionFlowIsStillLogged() {
    startWithoutEventListener();
    h.server.refuseTopic("orders", dev.corridor.proto.v1.ErrorCode.ERROR_CODE_UNKNOWN_TOPIC,
        "unknown topic: orders", false);
    dev.corridor.kotlin.CorridorFlows.subscription(h.client, "orders",
        SubscribeOptions.builder().executor(Runnable::run).build(), d -> {});
    assertThat(records).extracting(LogRecord::getMessage)
        .containsExactly("subscription to orders refused by the server: UNKNOWN_TOPIC: unknown topic: orders");
  }
}
