package dev.corridor.sample.ticker;

import dev.corridor.ConnectionState;
import dev.corridor.StateChange;
import dev.corridor.StateListener;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Tells which node a client with several endpoints is on: each time it connects to another
 * endpoint than the last time (the first time too), one event {@code "connected to node K (url)"},
 * K counting from 1 in the order of the endpoints. A reconnection to the same node says nothing.
 *
 * <p><b>Thread:</b> a {@link StateListener} on the client, called on its callback executor;
 * thread-safe.
 */
public final class EndpointNotes implements StateListener {
  private final List<String> endpoints;
  private final Supplier<String> current;
  private final Consumer<String> note;
  /** The endpoint of the last connection; guarded by this. */
  private @Nullable String last;

  /**
   * Notes for a client with {@code endpoints}; {@code current} tells the endpoint it is on (its
   * {@code CorridorClient::endpoint}), and {@code note} takes the events (say {@code model::note}).
   */
  public EndpointNotes(List<String> endpoints, Supplier<String> current, Consumer<String> note) {
    this.endpoints = List.copyOf(endpoints);
    this.current = current;
    this.note = note;
  }

  @Override
  public void onStateChanged(StateChange change) {
    if (change.current() != ConnectionState.CONNECTED) return;
    String url = current.get();
    synchronized (this) {
      if (url.equals(last)) return;
      last = url;
    }
    int index = endpoints.indexOf(url);
    note.accept("connected to " + (index < 0 ? url : "node " + (index + 1) + " (" + url + ")"));
  }
}
