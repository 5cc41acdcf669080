package dev.corridor.server;

import java.util.Objects;

/** A publish a client sent, as the {@link PublishHandler} sees it. */
public final class ClientPublish {
  private final String clientId;
  private final String subject;
  private final String topic;
  private final String key;
  private final byte[] payload;
  private final long clientSequence;

  /** For the server, and for tests of a handler; {@code subject} "" when no token was verified. */
  public ClientPublish(String clientId, String subject, String topic, String key, byte[] payload,
      long clientSequence) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.key = Objects.requireNonNull(key, "key");
    this.payload = payload.clone();
    this.clientSequence = clientSequence;
  }

  /** The client id of its Hello: chosen by the client, so not proof of who sent it. */
  public String clientId() {
    return clientId;
  }

  /**
   * The subject ({@code sub}) of the token its connection presented, verified by the server's
   * {@link TokenVerifier}; "" when the server verifies no tokens. Who the sender is.
   */
  public String subject() {
    return subject;
  }

  public String topic() {
    return topic;
  }

  /** The message's key, or "" for none. */
  public String key() {
    return key;
  }

  /** A copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The client's sequence number for it (acknowledged publishes), or 0 for a best-effort one. */
  public long clientSequence() {
    return clientSequence;
  }

  @Override
  public String toString() {
    return "ClientPublish{" + clientId + " -> " + topic + " #" + clientSequence + ", " + payload.length + " B}";
  }
}
