package dev.corridor.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the application does with a client's publish. The server acknowledges an acknowledged
 * publish only once the stage this returns has completed: normally, the publish is accepted;
 * with a {@link Rejected}, the client is told its reason ({@code ERROR_CODE_REJECTED}, final for
 * that message). Any other failure rejects the publish as an internal error, without passing the
 * exception's text to the client. A publish the client resends (after a reconnect, say) reaches
 * the handler once: duplicates are acknowledged from the server's record.
 *
 * <p>Called on the connection's thread; answer at once or complete the stage later from any
 * thread.
 */
@FunctionalInterface
public interface PublishHandler {
  /** Refuses every publish. */
  PublishHandler REFUSE_ALL = publish -> rejected("this server accepts no publishes");

  /**
   * Appends every publish the {@link TopicPolicy} (and the token) permit to its topic, as {@link
   * CorridorServer#publish} would, so that the topic's subscribers get it. The engine does this
   * itself: the append and the deduplication record are one atomic step in the store, so a
   * publish is in the topic exactly once however a connection or a node fails, and it is
   * acknowledged only once stored. (A handler of the application's own is called again for a
   * publish whose node died while handling it; one that must act once should key on {@link
   * ClientPublish#clientId()} and {@link ClientPublish#clientSequence()}.)
   */
  PublishHandler APPEND_TO_TOPIC = publish -> {
    throw new UnsupportedOperationException("handled by the server's engine");
  };

  CompletionStage<Void> onPublish(ClientPublish publish);

  /** An accepted publish. */
  static CompletionStage<Void> accepted() {
    return CompletableFuture.completedFuture(null);
  }

  /** A rejected one, with the reason the client is told. */
  static CompletionStage<Void> rejected(String reason) {
    return CompletableFuture.failedFuture(new Rejected(reason));
  }

  /** Completes a handler's stage to reject the publish with its message, which the client sees. */
  final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Rejected(String reason) {
      super(reason, null, false, false);
    }
  }
}
