package dev.corridor.android;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.proto.v1.Envelope.KindCase.SUBSCRIBE;
import static org.assertj.core.api.Assertions.assertThat;

import android.os.Looper;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.SendResult;
import dev.corridor.integration.CorridorTestServer;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.proto.v1.Subscribe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;

/**
 * Listeners run on Android's main thread (Robolectric's main looper, the test's own thread), and
 * a listener there that blocks on a Corridor future does not deadlock the client: futures
 * complete on Corridor's threads.
 */
@RunWith(RobolectricTestRunner.class)
public class MainThreadTest extends InstalledClientTest {

  @Before
  public void aValidatedNetwork() {
    device.active(Device.network(1), Device.internet(true));
  }

  private Connection connected(CorridorTestServer.Options options) {
    Connection connection = server.enqueueUpgrade(options);
    installAndConnect();
    log.awaitState(CONNECTED);
    return connection;
  }

  @Test
  public void stateAndMessageCallbacksArriveOnTheMainLooperInOrder() throws Exception {
    Connection connection = connected(new CorridorTestServer.Options());
    List<Long> sequences = new ArrayList<>();
    List<String> offMain = new ArrayList<>();
    client.subscribe("quotes", message -> {
      if (Looper.myLooper() != Looper.getMainLooper()) offMain.add(Thread.currentThread().getName());
      sequences.add(message.sequence());
    });
    Subscribe subscribe = connection.takeEnvelope(SUBSCRIBE).getSubscribe();
    connection.sendSubscribed(subscribe, 1, 1);
    connection.sendDelivers("quotes", 1, 1, 1_000, false);

    Device.runMainUntil("1,000 messages", () -> sequences.size() == 1_000,
        () -> sequences.size() + " so far");
    assertThat(offMain).isEmpty();
    for (int i = 0; i < sequences.size(); i++) {
      assertThat(sequences.get(i)).isEqualTo(i + 1L);
    }
    assertThat(log.offMainThread).isEmpty();
  }

  @Test
  public void aListenerOnTheMainThreadThatBlocksOnAFutureDoesNotDeadlockTheClient()
      throws Exception {
    Connection connection =
        connected(new CorridorTestServer.Options().autoAck(true).autoRespond(true));
    List<Object> results = new ArrayList<>();
    client.subscribe("quotes", new MessageListener() {
      @Override
      public void onMessage(Message message) {
        try {
          // Blocking the UI thread is poor form, but it must not wedge the client.
          SendResult sent = client.send("orders", "buy".getBytes(StandardCharsets.UTF_8))
              .get(5, TimeUnit.SECONDS);
          results.add(sent.outcome());
          results.add(new String(client.request("echo", "ping".getBytes(StandardCharsets.UTF_8))
              .get(5, TimeUnit.SECONDS).payload(), StandardCharsets.UTF_8));
        } catch (Exception e) {
          results.add(e);
        }
      }
    });
    Subscribe subscribe = connection.takeEnvelope(SUBSCRIBE).getSubscribe();
    connection.sendSubscribed(subscribe, 1, 1);
    connection.sendDeliver("quotes", 1, 1, false);

    Device.runMainUntil("the listener's results", () -> results.size() == 2,
        results::toString);
    assertThat(results).containsExactly(SendResult.Outcome.ACKNOWLEDGED, "ping");
  }
}
