package dev.corridor.bench.wire;

import dev.corridor.internal.transport.DefaultOkHttp;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The OkHttp client configuration both sides use, named so the report can say which one it
 * measured. {@link #OKHTTP_DEFAULTS} is {@code new OkHttpClient()}'s settings; {@link #REAL_TIME} turns off
 * the read and write timeouts (whose watchdog every socket read and write would otherwise enter
 * and leave) and sets {@code TCP_NODELAY}.
 */
public enum HttpSettings {
  OKHTTP_DEFAULTS("OkHttp defaults (10 s connect/read/write timeouts, Nagle on)") {
    @Override
    OkHttpClient build() {
      return new OkHttpClient.Builder().dispatcher(unlimited()).build();
    }
  },
  /** The settings of Corridor's own default client ({@code DefaultOkHttp}). */
  REAL_TIME("read/write timeouts off, TCP_NODELAY on (Corridor's default client)") {
    @Override
    OkHttpClient build() {
      return new OkHttpClient.Builder()
          .dispatcher(unlimited())
          .readTimeout(0, TimeUnit.MILLISECONDS)
          .writeTimeout(0, TimeUnit.MILLISECONDS)
          .socketFactory(new DefaultOkHttp.NoDelaySocketFactory())
          .build();
    }
  };

  final String description;
  private OkHttpClient client;

  HttpSettings(String description) {
    this.description = description;
  }

  abstract OkHttpClient build();

  /**
   * OkHttp counts an open WebSocket as a running call for its whole life, so its default limit of
   * 64 calls would hold back the 65th socket; both sides get a dispatcher without that limit.
   */
  private static Dispatcher unlimited() {
    Dispatcher d = new Dispatcher();
    d.setMaxRequests(Integer.MAX_VALUE);
    d.setMaxRequestsPerHost(Integer.MAX_VALUE);
    return d;
  }

  synchronized OkHttpClient client() {
    if (client == null) client = build();
    return client;
  }

  public String description() {
    return description;
  }
}
