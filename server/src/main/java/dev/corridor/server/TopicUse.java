package dev.corridor.server;

/** What a client wants to do with a topic, as a {@link TopicPolicy} is asked. */
public enum TopicUse {
  /** Subscribe to it, or ask for a replay of it. */
  SUBSCRIBE,
  /** Publish to it. */
  PUBLISH
}
