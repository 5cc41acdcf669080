package dev.corridor.androidcheck;

import android.app.Application;
import dev.corridor.CorridorClient;
import dev.corridor.android.AndroidOptions;
import dev.corridor.android.CorridorAndroid;
import dev.corridor.Message;
import dev.corridor.MessageListener;
import dev.corridor.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What an Android app's code does with the SDK, in a few lines: the root that R8's shrinking
 * starts from (kept by the app-style rule in app-rules.pro). It is never run.
 */
public final class AppEntry {
  private AppEntry() {}

  /** Builds a client, connects, subscribes and sends, as an activity would. */
  public static CorridorClient start(String url, Executor mainThread, MessageListener listener) {
    CorridorClient client = CorridorClient.builder(url).callbackExecutor(mainThread).build();
    client.connect();
    Subscription quotes = client.subscribe("quotes", listener);
    client.send("alerts", "hello".getBytes(StandardCharsets.UTF_8));
    client.request("history", new byte[0]);
    if (quotes.state() == Subscription.State.REJECTED) {
      client.close();
    }
    return client;
  }

  /**
   * The same through corridor-android, as an app's {@code Application.onCreate} does. Compiled
   * without androidx on the classpath: an app that never passes a Lifecycle needs none.
   */
  public static CorridorClient install(Application application, String url) {
    CorridorClient client = CorridorAndroid.install(application, CorridorClient.builder(url),
        AndroidOptions.builder().backgroundGrace(10, TimeUnit.SECONDS).build());
    client.connect();
    return client;
  }

  /** A listener as an app writes one. */
  public static MessageListener listener(final StringBuilder sink) {
    return new MessageListener() {
      @Override
      public void onMessage(Message message) {
        sink.append(message.topic());
      }
    };
  }
}
