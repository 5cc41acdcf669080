package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.fakes.FakeServer;
import dev.corridor.fakes.RecordingStateListener;
import dev.corridor.testing.FakeTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client wired to a {@link FakeServer} in virtual time, with everything recorded. Callbacks and
 * token requests run inline, so after each call the client has done all it can until time moves.
 */
final class Harness {
  final FakeTime time = new FakeTime();
  final FakeServer server = new FakeServer();
  final RecordingStateListener states = new RecordingStateListener();
  final RecordingEvents events = new RecordingEvents();
  final FixedRandom random = new FixedRandom(0.0);
  final TestNetwork network = new TestNetwork();
  final List<Boolean> tokenRequests = new ArrayList<>();
  /** Tokens handed out, in order; the last one repeats. */
  final List<String> tokens = new ArrayList<>();
  CorridorClient client;

  Harness() {
    server.clock = time::currentTimeMillis;
  }

  CorridorClient.Builder builder() {
    return builderWithoutClientId().clientId("client-1");
  }

  /** As {@link #builder()}, but without an explicit client id: each built client draws its own. */
  CorridorClient.Builder builderWithoutClientId() {
    return CorridorClient.builder("wss://feed.example.test/v1")
        .transport(server.transport)
        .clock(time)
        .scheduler(time)
        .random(random)
        .networkMonitor(network)
        .callbackExecutor(Runnable::run)
        .contextExecutor(Runnable::run)
        .completionExecutor(Runnable::run)
        .tokenExecutor(Runnable::run)
        .eventListener(events)
        .tokenProvider(refresh -> {
          tokenRequests.add(refresh);
          if (tokens.isEmpty()) return null;
          return tokens.get(Math.min(tokenRequests.size() - 1, tokens.size() - 1));
        });
  }

  CorridorClient start(CorridorClient.Builder builder) {
    client = builder.build();
    client.addStateListener(states);
    client.connect();
    return client;
  }

  CorridorClient start() {
    return start(builder());
  }

  /** Starts and asserts the usual IDLE -> CONNECTING -> CONNECTED. */
  CorridorClient startConnected() {
    start();
    states.assertState(ConnectionState.IDLE, ConnectionState.CONNECTING);
    states.assertState(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
    return client;
  }

  void advance(long millis) {
    time.advanceBy(millis, TimeUnit.MILLISECONDS);
  }

  /** Advances to just before and then exactly to {@code millis}, asserting nothing changed early. */
  void advanceExactly(long millis, ConnectionState stillIn) {
    advance(millis - 1);
    assertThat(client.state()).as("state 1 ms before the deadline").isEqualTo(stillIn);
    advance(1);
  }

  /** A random source returning fixed values, the last one repeating. */
  static final class FixedRandom implements RandomSource {
    private final List<Double> values = new ArrayList<>();
    private int next;

    FixedRandom(double... values) {
      set(values);
    }

    void set(double... values) {
      this.values.clear();
      for (double v : values) this.values.add(v);
      next = 0;
    }

    @Override
    public double nextDouble() {
      double v = values.get(Math.min(next, values.size() - 1));
      next++;
      return v;
    }
  }

  /** A network monitor the test switches by hand. */
  static final class TestNetwork implements NetworkMonitor {
    boolean available = true;
    Listener listener;
    boolean stopped;

    @Override
    public boolean isAvailable() {
      return available;
    }

    @Override
    public void start(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void stop() {
      stopped = true;
    }

    void lose() {
      available = false;
      listener.onNetworkLost();
    }

    void regain() {
      available = true;
      listener.onNetworkAvailable();
    }
  }
}
