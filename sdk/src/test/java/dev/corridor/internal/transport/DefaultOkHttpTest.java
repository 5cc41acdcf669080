package dev.corridor.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class DefaultOkHttpTest {
  private final OkHttpClient client = DefaultOkHttp.client();

  @Test
  void isOneClientSharedByEveryCaller() {
    assertThat(DefaultOkHttp.client()).isSameAs(client);
  }

  @Test
  void hasNoReadOrWriteTimeoutBecauseTheHeartbeatWatchesTheLink() {
    assertThat(client.readTimeoutMillis()).isZero();
    assertThat(client.writeTimeoutMillis()).isZero();
  }

  @Test
  void dispatcherDoesNotLimitHowManyWebSocketsAreOpen() {
    assertThat(client.dispatcher().getMaxRequests()).isEqualTo(Integer.MAX_VALUE);
    assertThat(client.dispatcher().getMaxRequestsPerHost()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void dispatcherThreadsAreDaemonsSoAnIdleClientDoesNotKeepTheJvmAlive() throws Exception {
    Future<Boolean> daemon = client.dispatcher().executorService().submit(() -> Thread.currentThread().isDaemon());

    assertThat(daemon.get(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void socketsDisableNaglesAlgorithm() throws Exception {
    try (Socket socket = client.socketFactory().createSocket()) {
      assertThat(socket.getTcpNoDelay()).isTrue();
    }
  }
}
