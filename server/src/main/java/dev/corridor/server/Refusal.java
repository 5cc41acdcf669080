package dev.corridor.server;

import java.util.Objects;

/**
 * A {@link TopicPolicy}'s no: the client receives it as a protocol Error (with the topic for a
 * Subscribe, the client sequence for a Publish), never retryable, and the Corridor client shows
 * its message as the subscription's or the send's rejection.
 */
public final class Refusal {
  /** Why the topic is refused. */
  public enum Code {
    /** The server has no such topic ({@code ERROR_CODE_UNKNOWN_TOPIC}). */
    UNKNOWN_TOPIC,
    /** The topic exists, but not for this client or not for this use ({@code ERROR_CODE_FORBIDDEN}). */
    FORBIDDEN
  }

  private final Code code;
  private final String message;

  private Refusal(Code code, String message) {
    this.code = code;
    this.message = Objects.requireNonNull(message, "message");
  }

  /** {@link Code#UNKNOWN_TOPIC}: "unknown topic: TOPIC", followed by {@code hint} in brackets if not empty. */
  public static Refusal unknownTopic(String topic, String hint) {
    return new Refusal(Code.UNKNOWN_TOPIC, "unknown topic: " + topic + (hint.isEmpty() ? "" : " (" + hint + ")"));
  }

  /** {@link Code#FORBIDDEN} with {@code message}, which the client shows. */
  public static Refusal forbidden(String message) {
    return new Refusal(Code.FORBIDDEN, message);
  }

  /** Why. */
  public Code code() {
    return code;
  }

  /** What the client is told. */
  public String message() {
    return message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Refusal r && r.code == code && r.message.equals(message);
  }

  @Override
  public int hashCode() {
    return code.hashCode() * 31 + message.hashCode();
  }

  @Override
  public String toString() {
    return code + ": " + message;
  }
}
