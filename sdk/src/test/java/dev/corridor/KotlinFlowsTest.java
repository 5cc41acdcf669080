package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.kotlin.CorridorEvent;
import dev.corridor.kotlin.CorridorFlows;
import java.util.ArrayList;
import java.util.List;
import kotlin.Unit;
import kotlinx.coroutines.CoroutineScope;
import kotlinx.coroutines.CoroutineScopeKt;
import kotlinx.coroutines.Dispatchers;
import kotlinx.coroutines.Job;
import kotlinx.coroutines.flow.FlowKt;
import kotlinx.coroutines.flow.SharedFlow;
import kotlinx.coroutines.flow.StateFlow;
import org.junit.jupiter.api.Test;

/** The Kotlin adapters, exercised from Java with an unconfined collector (no threads, no sleeps). */
class KotlinFlowsTest {
  private final Harness h = new Harness();

  @Test
  void stateFlowFollowsTheClient() {
    h.client = h.builder().build();
    StateFlow<ConnectionState> state = CorridorFlows.state(h.client);
    assertThat(state.getValue()).isEqualTo(ConnectionState.IDLE);
    h.client.connect();
    assertThat(state.getValue()).isEqualTo(ConnectionState.CONNECTED);
    h.server.transport.last().serverClose(1011, "");
    assertThat(state.getValue()).isEqualTo(ConnectionState.WAITING_TO_RETRY);
    h.client.close();
    assertThat(state.getValue()).isEqualTo(ConnectionState.CLOSED);
  }

  @Test
  void eventsFlowCarriesEveryCallbackAsAValue() {
    h.client = h.builder().build();
    SharedFlow<CorridorEvent> events = CorridorFlows.events(h.client);
    List<CorridorEvent> seen = new ArrayList<>();
    CoroutineScope scope = CoroutineScopeKt.CoroutineScope(Dispatchers.getUnconfined());
    Job job = FlowKt.launchIn(FlowKt.onEach(events, (event, continuation) -> {
      seen.add(event);
      return Unit.INSTANCE;
    }), scope);
    h.client.connect();
    job.cancel(null);
    assertThat(seen).extracting(CorridorEvent::type).containsSubsequence(
        CorridorEvent.Type.STATE_CHANGED,
        CorridorEvent.Type.ATTEMPT_STARTED,
        CorridorEvent.Type.MESSAGE_SENT,
        CorridorEvent.Type.MESSAGE_RECEIVED,
        CorridorEvent.Type.ATTEMPT_SUCCEEDED,
        CorridorEvent.Type.STATE_CHANGED);
    CorridorEvent last = seen.get(seen.size() - 1);
    assertThat(last.stateChange().current()).isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void subscriptionFlowEmitsInOrderAndUnsubscribesWhenCollectionIsCancelled() throws Exception {
    h.startConnected();
    kotlinx.coroutines.flow.Flow<Message> flow =
        CorridorFlows.subscribe(h.client, "AAPL", SubscribeOptions.DEFAULT, d -> {});
    java.util.concurrent.BlockingQueue<Long> seen = new java.util.concurrent.LinkedBlockingQueue<>();
    CoroutineScope scope = CoroutineScopeKt.CoroutineScope(Dispatchers.getUnconfined());
    Job job = FlowKt.launchIn(FlowKt.onEach(flow, (message, continuation) -> {
      seen.add(message.sequence());
      return Unit.INSTANCE;
    }), scope);
    for (int i = 0; i < 3; i++) h.server.publishToStream("AAPL", "", "p" + i);
    for (long expected = 1; expected <= 3; expected++) {
      assertThat(seen.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(expected);
    }
    java.util.concurrent.CountDownLatch completed = new java.util.concurrent.CountDownLatch(1);
    job.invokeOnCompletion(cause -> {
      completed.countDown();
      return Unit.INSTANCE;
    });
    job.cancel(null);
    assertThat(completed.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(h.server.receivedOfKind(dev.corridor.proto.v1.Envelope.KindCase.UNSUBSCRIBE)).hasSize(1);
  }

  @Test
  void subscriptionFlowShowsTheLifecycleAndTheServersReasonForARefusal() throws Exception {
    h.startConnected();
    h.server.refuseTopic("orders", dev.corridor.proto.v1.ErrorCode.ERROR_CODE_UNKNOWN_TOPIC,
        "unknown topic: orders", false);
    SubscribeOptions inline = SubscribeOptions.builder().executor(Runnable::run).build();
    dev.corridor.kotlin.SubscriptionFlow orders = CorridorFlows.subscription(h.client, "orders", inline, d -> {});
    assertThat(orders.getState().getValue()).isEqualTo(Subscription.State.REJECTED);
    assertThat(orders.getRejection().getValue()).isEqualTo("UNKNOWN_TOPIC: unknown topic: orders");

    dev.corridor.kotlin.SubscriptionFlow quotes = CorridorFlows.subscription(h.client, "AAPL", inline, d -> {});
    assertThat(quotes.getState().getValue()).isEqualTo(Subscription.State.SUBSCRIBED);
    h.server.transport.last().failWithIo("drop");
    assertThat(quotes.getState().getValue()).isEqualTo(Subscription.State.RESUBSCRIBING);
    quotes.getSubscription().unsubscribe();
    assertThat(quotes.getState().getValue()).isEqualTo(Subscription.State.UNSUBSCRIBED);
  }
}
