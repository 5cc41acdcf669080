package dev.corridor.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers clients' requests. Called on the connection's thread; answer at once or complete the
 * stage later from any thread. A stage that fails is answered with {@link Reply.Status#ERROR}
 * and a generic message: the exception's text does not reach the client.
 */
@FunctionalInterface
public interface RequestHandler {
  /** Knows no method. */
  RequestHandler NONE = request -> CompletableFuture.completedFuture(
      Reply.of(Reply.Status.NOT_FOUND, "unknown method " + request.method()));

  CompletionStage<Reply> onRequest(ClientRequest request);
}
