package dev.corridor.integration;

import static dev.corridor.integration.CorridorTestServer.TIMEOUT_SECONDS;
import static dev.corridor.proto.v1.Envelope.KindCase.SUBSCRIBE;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.ConnectionState;
import dev.corridor.CorridorClient;
import dev.corridor.EventListener;
import dev.corridor.SubscribeOptions;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.proto.v1.Subscribe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closing clients leaves no socket reader behind: once every client is CLOSED, no thread named
 * {@code corridor-reader ...} remains, including the reader of a client whose reads were held by
 * a full RELIABLE queue when it was closed.
 */
class ReaderThreadsEndWithTheirClientsTest extends IntegrationTestSupport {
  private static final String TOPIC = "prices/EURUSD";
  private static final String READER = "corridor-reader";

  private final CountDownLatch release = new CountDownLatch(1);
  private final AppMainThread appMain = new AppMainThread();

  @AfterEach
  void releaseListener() throws InterruptedException {
    release.countDown();
    appMain.close();
  }

  @Test
  void noReaderThreadRemainsOnceEveryClientIsClosed() throws Exception {
    List<CorridorClient> clients = new ArrayList<>();
    List<CountDownLatch> closed = new ArrayList<>();
    List<Connection> connections = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      connections.add(server.enqueueUpgrade());
      CountDownLatch connected = new CountDownLatch(1);
      CountDownLatch isClosed = new CountDownLatch(1);
      closed.add(isClosed);
      clients.add(connect(clientBuilder().closeTimeout(300, MILLISECONDS), new EventListener() {
        @Override
        public void stateChanged(dev.corridor.StateChange change) {
          if (change.current() == ConnectionState.CONNECTED) connected.countDown();
          if (change.current() == ConnectionState.CLOSED) isClosed.countDown();
        }
      }));
      assertThat(connected.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("client %s connected", i).isTrue();
    }
    assertThat(threadsNamed(READER)).as("reader threads while connected").hasSizeGreaterThanOrEqualTo(3);

    // The last client's listener blocks with a full queue: its reader waits for the queue.
    CountDownLatch entered = new CountDownLatch(1);
    clients.get(2).subscribe(TOPIC, message -> {
      entered.countDown();
      await(release);
    }, SubscribeOptions.builder().queueCapacity(2).executor(appMain).build());
    Connection held = connections.get(2);
    Subscribe subscribe = held.takeEnvelope(SUBSCRIBE).getSubscribe();
    held.sendSubscribed(subscribe, 1, 1);
    held.sendDeliver(TOPIC, 1, 1, false);
    assertThat(entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    held.sendDelivers(TOPIC, 1, 2, 100, false); // the listener is inside the first: these fill the queue

    for (CorridorClient client : clients) client.close();
    for (int i = 0; i < clients.size(); i++) {
      assertThat(closed.get(i).await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("client %s closed", i).isTrue();
    }

    awaitNoThreadNamed(READER, TIMEOUT_SECONDS);
  }

  private static List<String> threadsNamed(String prefix) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith(prefix)) names.add(t.getName());
    }
    return names;
  }

  /**
   * Waits, at most {@code seconds}, until no live thread's name starts with {@code prefix}. The one
   * bounded re-check in this tier: a reader runs on a pooled thread that, once its socket is done,
   * gives back its name and returns to the pool, and nothing signals that moment.
   */
  private static void awaitNoThreadNamed(String prefix, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<String> left;
    while (!(left = threadsNamed(prefix)).isEmpty()) {
      assertThat(System.nanoTime() - deadline).as("threads still named %s* after %s s: %s",
          prefix, seconds, left).isNegative();
      LockSupport.parkNanos(MILLISECONDS.toNanos(10));
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
