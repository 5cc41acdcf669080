package dev.corridor.kotlin;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.EventListener;
import dev.corridor.StateChange;
import dev.corridor.Discontinuity;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.SubscribeOptions;
import dev.corridor.Subscription;
import dev.corridor.internal.DefaultExecutors;
import dev.corridor.internal.Feedback;
import dev.corridor.internal.time.SerialExecutor;
import java.util.function.Consumer;
import kotlin.Unit;
import kotlinx.coroutines.channels.BufferOverflow;
import kotlinx.coroutines.channels.Channel;
import kotlinx.coroutines.channels.ChannelKt;
import kotlinx.coroutines.channels.ChannelsKt;
import kotlinx.coroutines.flow.Flow;
import kotlinx.coroutines.flow.FlowKt;
import kotlinx.coroutines.flow.MutableSharedFlow;
import kotlinx.coroutines.flow.MutableStateFlow;
import kotlinx.coroutines.flow.SharedFlow;
import kotlinx.coroutines.flow.SharedFlowKt;
import kotlinx.coroutines.flow.StateFlow;
import kotlinx.coroutines.flow.StateFlowKt;

/**
 * Kotlin flows over a {@link CorridorClient}. From Kotlin:
 *
 * <pre>{@code
 * val state: StateFlow<ConnectionState> = CorridorFlows.state(client)
 * lifecycleScope.launch { state.collect { render(it) } }
 * }</pre>
 *
 * Each call registers one listener for the client's lifetime: call once per client and share the
 * flow.
 */
public final class CorridorFlows {
  /** Events buffered for slow collectors before the oldest are dropped. */
  public static final int EVENT_BUFFER = 256;

  private CorridorFlows() {}

  /**
   * The client's state as a {@code StateFlow}. Like every {@code StateFlow} it is conflated: a slow
   * collector sees the newest state, not every intermediate one (use {@link #events} for those).
   */
  public static StateFlow<ConnectionState> state(CorridorClient client) {
    MutableStateFlow<ConnectionState> flow = StateFlowKt.MutableStateFlow(client.state());
    client.addEventListener(new ObservingListener() {
      @Override
      public void stateChanged(StateChange change) {
        flow.setValue(change.current());
      }
    });
    // A change between reading the state above and registering is caught by re-reading it.
    flow.setValue(client.state());
    return FlowKt.asStateFlow(flow);
  }

  /**
   * A subscription as a {@code Flow}: subscribes at once and delivers into a channel of the
   * subscription's queue capacity; the flow can be collected once, and cancelling its collection
   * unsubscribes. In RELIABLE mode a slow collector fills the channel, which holds back the
   * subscription's queue and then the socket: backpressure end to end, nothing dropped. The
   * listener runs on its own background executor (unless the options name one), so the waiting
   * never blocks the client's other callbacks.
   *
   * <pre>{@code
   * CorridorFlows.subscribe(client, "AAPL", SubscribeOptions.DEFAULT) { d -> resync(d) }
   *     .collect { message -> render(message) }
   * }</pre>
   *
   * @param onDiscontinuity told when the stream breaks, before the next message is emitted
   */
  public static Flow<Message> subscribe(CorridorClient client, String topic, SubscribeOptions options,
      Consumer<Discontinuity> onDiscontinuity) {
    return subscription(client, topic, options, onDiscontinuity).getMessages();
  }

  /**
   * As {@link #subscribe}, with the subscription's lifecycle alongside its messages: a
   * {@code StateFlow} of {@link Subscription.State} (SUBSCRIBING, SUBSCRIBED, REJECTED,
   * RESUBSCRIBING, UNSUBSCRIBED) and one of the server's reason for a refusal. Subscribes at once.
   */
  public static SubscriptionFlow subscription(CorridorClient client, String topic,
      SubscribeOptions options, Consumer<Discontinuity> onDiscontinuity) {
    Channel<Message> channel = ChannelKt.Channel(options.queueCapacity(), BufferOverflow.SUSPEND, null);
    MutableStateFlow<Subscription.State> state = StateFlowKt.MutableStateFlow(Subscription.State.SUBSCRIBING);
    MutableStateFlow<String> rejection = StateFlowKt.MutableStateFlow("");
    SubscribeOptions withExecutor = options.executor() != null ? options
        : options.toBuilder().executor(new SerialExecutor(DefaultExecutors.pool())).build();
    Subscription subscription = client.subscribe(topic, new ObservingMessageListener() {
      @Override
      public void onMessage(Message message) {
        ChannelsKt.trySendBlocking(channel, message); // fails fast once the channel is closed
      }

      @Override
      public void onDiscontinuity(Discontinuity discontinuity) {
        onDiscontinuity.accept(discontinuity);
      }

      @Override
      public void onStateChanged(Subscription.State next) {
        state.setValue(next);
      }

      @Override
      public void onRejected(String errorCode, String message) {
        rejection.setValue(errorCode + (message.isEmpty() ? "" : ": " + message));
      }
    }, withExecutor);
    channel.invokeOnClose(cause -> {
      subscription.unsubscribe();
      return Unit.INSTANCE;
    });
    return new SubscriptionFlow(subscription, FlowKt.consumeAsFlow(channel), FlowKt.asStateFlow(state),
        FlowKt.asStateFlow(rejection));
  }

  /**
   * The client's events as a hot {@code SharedFlow}. Emission never blocks the client: a collector
   * more than {@link #EVENT_BUFFER} events behind loses the oldest ones.
   */
  public static SharedFlow<CorridorEvent> events(CorridorClient client) {
    MutableSharedFlow<CorridorEvent> flow =
        SharedFlowKt.MutableSharedFlow(0, EVENT_BUFFER, BufferOverflow.DROP_OLDEST);
    client.addEventListener(new ObservingListener() {
      private void emit(CorridorEvent.Type type, long attempt, long nanos, long smoothed, int bytes,
          StateChange change, Throwable error) {
        flow.tryEmit(new CorridorEvent(type, attempt, nanos, smoothed, bytes, change, error));
      }

      @Override
      public void attemptStarted(long attempt) {
        emit(CorridorEvent.Type.ATTEMPT_STARTED, attempt, -1, -1, -1, null, null);
      }

      @Override
      public void attemptSucceeded(long attempt, long connectNanos) {
        emit(CorridorEvent.Type.ATTEMPT_SUCCEEDED, attempt, connectNanos, -1, -1, null, null);
      }

      @Override
      public void attemptFailed(long attempt, CorridorException error) {
        emit(CorridorEvent.Type.ATTEMPT_FAILED, attempt, -1, -1, -1, null, error);
      }

      @Override
      public void connectionLost(CorridorException error) {
        emit(CorridorEvent.Type.CONNECTION_LOST, -1, -1, -1, -1, null, error);
      }

      @Override
      public void stateChanged(StateChange change) {
        emit(CorridorEvent.Type.STATE_CHANGED, -1, -1, -1, -1, change, null);
      }

      @Override
      public void rttMeasured(long rttNanos, long smoothedRttNanos) {
        emit(CorridorEvent.Type.RTT_MEASURED, -1, rttNanos, smoothedRttNanos, -1, null, null);
      }

      @Override
      public void messageSent(int bytes) {
        emit(CorridorEvent.Type.MESSAGE_SENT, -1, -1, -1, bytes, null, null);
      }

      @Override
      public void messageReceived(int bytes) {
        emit(CorridorEvent.Type.MESSAGE_RECEIVED, -1, -1, -1, bytes, null, null);
      }

      @Override
      public void protocolError(CorridorException error) {
        emit(CorridorEvent.Type.PROTOCOL_ERROR, -1, -1, -1, -1, null, error);
      }

      @Override
      public void callbackFailed(Throwable error) {
        emit(CorridorEvent.Type.CALLBACK_FAILED, -1, -1, -1, -1, null, error);
      }
    });
    return FlowKt.asSharedFlow(flow);
  }

  /** Corridor's own listeners observe; they do not take the default log's place (see Feedback). */
  private abstract static class ObservingListener extends EventListener implements Feedback.Observer {}

  /** As {@link ObservingListener}, for the subscription flow's listener: refusals stay logged. */
  private abstract static class ObservingMessageListener implements MessageListener, Feedback.Observer {}
}
