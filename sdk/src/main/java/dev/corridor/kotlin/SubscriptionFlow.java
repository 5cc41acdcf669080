package dev.corridor.kotlin;

import dev.corridor.Message;
import dev.corridor.Subscription;
import kotlinx.coroutines.flow.Flow;
import kotlinx.coroutines.flow.StateFlow;

/**
 * A subscription seen from Kotlin: its messages as a {@code Flow} and its lifecycle as a
 * {@code StateFlow}. Made by {@link CorridorFlows#subscription}.
 *
 * <pre>{@code
 * val quotes = CorridorFlows.subscription(client, "quotes.AAPL", SubscribeOptions.DEFAULT) { resync(it) }
 * launch { quotes.state.collect { state -> showBadge(state) } }   // SUBSCRIBING, SUBSCRIBED, REJECTED ...
 * launch { quotes.messages.collect { render(it) } }
 * }</pre>
 */
public final class SubscriptionFlow {
  private final Subscription subscription;
  private final Flow<Message> messages;
  private final StateFlow<Subscription.State> state;
  private final StateFlow<String> rejection;

  SubscriptionFlow(Subscription subscription, Flow<Message> messages, StateFlow<Subscription.State> state,
      StateFlow<String> rejection) {
    this.subscription = subscription;
    this.messages = messages;
    this.state = state;
    this.rejection = rejection;
  }

  /** The messages, as {@link CorridorFlows#subscribe} gives them: collect once; cancelling unsubscribes. */
  public Flow<Message> getMessages() {
    return messages;
  }

  /** The lifecycle, conflated as every {@code StateFlow} is: the newest state, not every one. */
  public StateFlow<Subscription.State> getState() {
    return state;
  }

  /** The server's last reason for refusing it ({@code "UNKNOWN_TOPIC: unknown topic: orders"}), or "". */
  public StateFlow<String> getRejection() {
    return rejection;
  }

  public Subscription getSubscription() {
    return subscription;
  }
}
