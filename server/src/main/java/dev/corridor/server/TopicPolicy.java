package dev.corridor.server;

import org.jspecify.annotations.Nullable;

/**
 * Which topics a client may use, and how. Asked before every Subscribe, ReplayRequest and
 * Publish (before the {@link PublishHandler}), on the connection's thread: it should answer from
 * memory. {@link #ANY} accepts everything, for servers without a fixed set of topics.
 */
@FunctionalInterface
public interface TopicPolicy {
  /** Accepts every topic for every use. */
  TopicPolicy ANY = (clientId, topic, use) -> null;

  /** Null accepts; a {@link Refusal} refuses with its code and message. */
  @Nullable Refusal check(String clientId, String topic, TopicUse use);
}
