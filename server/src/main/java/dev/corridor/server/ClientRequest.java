package dev.corridor.server;

import java.util.Objects;

/** A request a client sent, as the {@link RequestHandler} sees it. */
public final class ClientRequest {
  private final String clientId;
  private final String subject;
  private final String method;
  private final byte[] payload;

  /** For the server, and for tests of a handler; {@code subject} "" when no token was verified. */
  public ClientRequest(String clientId, String subject, String method, byte[] payload) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.method = Objects.requireNonNull(method, "method");
    this.payload = payload.clone();
  }

  /** The client id of its Hello: chosen by the client, so not proof of who sent it. */
  public String clientId() {
    return clientId;
  }

  /** The verified token's subject ({@code sub}), or "" when the server verifies no tokens. */
  public String subject() {
    return subject;
  }

  public String method() {
    return method;
  }

  /** A copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public String toString() {
    return "ClientRequest{" + clientId + " " + method + ", " + payload.length + " B}";
  }
}
