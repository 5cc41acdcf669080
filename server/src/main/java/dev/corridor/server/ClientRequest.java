package dev.corridor.server;

import java.util.Objects;

/** A request a client sent, as the {@link RequestHandler} sees it. */
public final class ClientRequest {
  private final String clientId;
  private final String method;
  private final byte[] payload;

  /** For the server, and for tests of a handler. */
  public ClientRequest(String clientId, String method, byte[] payload) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.method = Objects.requireNonNull(method, "method");
    this.payload = payload.clone();
  }

  /** The client id of its Hello. */
  public String clientId() {
    return clientId;
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
