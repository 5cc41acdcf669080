package dev.corridor.testing;

import static java.util.Objects.requireNonNull;

import dev.corridor.ConnectionHealth;
import dev.corridor.ConnectionState;
import dev.corridor.CorridorException;
import dev.corridor.Discontinuity;
import dev.corridor.Message;
import dev.corridor.Response;
import dev.corridor.SendResult;
import dev.corridor.StateChange;
import dev.corridor.StateListener;
import dev.corridor.internal.ConnectionHealthAccess;
import dev.corridor.internal.DiscontinuityAccess;
import dev.corridor.internal.MessageAccess;
import dev.corridor.internal.ResponseAccess;
import dev.corridor.internal.SendResultAccess;
import dev.corridor.internal.StateChangeAccess;
import org.jspecify.annotations.Nullable;

/**
 * The values a client hands to an application, built by hand: for unit tests of a
 * {@link dev.corridor.MessageListener}, a {@link dev.corridor.StateListener} or code that handles
 * a {@link SendResult} or a {@link Response}, without a client or a server. The public types have
 * no public constructors (so that they can change without breaking callers); these factories are
 * the supported way to make one outside the client.
 *
 * <p>A value made here is indistinguishable from one the client delivers with the same fields.
 * Nothing checks that the combination is one the client would produce (for example a
 * {@link StateChange} between states that have no transition); arrays are copied, so the test
 * may reuse its own.
 *
 * <pre>{@code
 * MessageListener listener = new QuoteListener(view);
 * listener.onMessage(TestValues.message("quotes.AAPL", 1, 42, "", quoteBytes, 0, false));
 *
 * stateListener.onStateChanged(TestValues.stateChange(ConnectionState.CONNECTED,
 *     ConnectionState.WAITING_TO_RETRY, StateChange.Cause.CONNECTION_LOST,
 *     new CorridorException(CorridorException.Kind.NETWORK, "reset"), 1_500));
 * }</pre>
 */
public final class TestValues {
  private TestValues() {}

  /**
   * A message on {@code topic} at {@code epoch}:{@code sequence}, as a subscriber receives it.
   *
   * @param key the message's key, or {@code ""} for none
   * @param payload copied: {@link Message#payload()} returns a copy, not this array
   * @param timestampMillis when the server produced it, ms since the Unix epoch
   * @param replay whether it is a replay of the server's history ({@link Message#isReplay()})
   */
  public static Message message(String topic, long epoch, long sequence, String key, byte[] payload,
      long timestampMillis, boolean replay) {
    requireNonNull(topic, "topic");
    requireNonNull(key, "key");
    byte[] copy = requireNonNull(payload, "payload").clone();
    return MessageAccess.received(topic, key, epoch, sequence, timestampMillis, replay, copy, 0,
        copy.length);
  }

  /**
   * A live (not replayed) message on {@code topic} in epoch 1 at {@code sequence}, with no key and
   * timestamp 0: {@code message(topic, 1, sequence, "", payload, 0, false)}.
   */
  public static Message message(String topic, long sequence, byte[] payload) {
    return message(topic, 1, sequence, "", payload, 0, false);
  }

  /** A {@link ConnectionHealth} as {@link StateListener#onHealthChanged} receives it. */
  public static ConnectionHealth health(boolean sendsDelayed, boolean inboundSilent,
      long oldestUnacknowledgedAgeMillis, long lastInboundAgeMillis) {
    return ConnectionHealthAccess.create(sendsDelayed, inboundSilent, oldestUnacknowledgedAgeMillis,
        lastInboundAgeMillis);
  }

  /**
   * The server's answer to a request.
   *
   * @param payload copied: {@link Response#payload()} returns a copy, not this array
   * @param message the server's explanation ({@link Response#message()}), usually {@code ""} when
   *     OK
   */
  public static Response response(Response.Status status, byte[] payload, String message) {
    requireNonNull(status, "status");
    requireNonNull(message, "message");
    return ResponseAccess.create(status, requireNonNull(payload, "payload").clone(), message);
  }

  /**
   * How a sent message ended.
   *
   * @param sequence the client sequence it was written with, or 0 if it was never written or was
   *     best effort
   * @param errorCode for {@link SendResult.Outcome#REJECTED}, the server's error code; otherwise
   *     null
   * @param errorMessage for {@link SendResult.Outcome#REJECTED}, the server's message; otherwise
   *     null
   */
  public static SendResult sendResult(SendResult.Outcome outcome, long sequence,
      @Nullable String errorCode, @Nullable String errorMessage) {
    requireNonNull(outcome, "outcome");
    return SendResultAccess.create(outcome, sequence, errorCode, errorMessage);
  }

  /**
   * A transition of a client's connection state.
   *
   * @param error the failure behind it, or null when it was requested or routine
   * @param retryDelayMillis the delay until the next attempt when {@code current} is
   *     {@link ConnectionState#WAITING_TO_RETRY}; the client reports -1 for every other state
   */
  public static StateChange stateChange(ConnectionState previous, ConnectionState current,
      StateChange.Cause cause, @Nullable CorridorException error, long retryDelayMillis) {
    requireNonNull(previous, "previous");
    requireNonNull(current, "current");
    requireNonNull(cause, "cause");
    return StateChangeAccess.create(previous, current, cause, error, retryDelayMillis);
  }

  /**
   * A break in {@code topic}'s stream, as a subscription's listener receives it.
   *
   * @param fromEpoch epoch of the last message delivered before the break
   * @param fromSequence sequence of the last message delivered before the break (0 if none)
   * @param epoch epoch in which delivery resumes
   * @param nextSequence sequence of the next message that will be delivered, or 0 when not known
   */
  public static Discontinuity discontinuity(String topic, Discontinuity.Reason reason,
      long fromEpoch, long fromSequence, long epoch, long nextSequence) {
    requireNonNull(topic, "topic");
    requireNonNull(reason, "reason");
    return DiscontinuityAccess.create(topic, reason, fromEpoch, fromSequence, epoch, nextSequence);
  }
}
