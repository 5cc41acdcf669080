package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.StateChange.Cause.ATTEMPT_FAILED;
import static dev.corridor.StateChange.Cause.CONNECTION_LOST;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.RETRY_TIMER;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import dev.corridor.TokenProvider;
import dev.corridor.integration.CorridorTestServer.Connection;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** Tokens on the wire, over a real socket. (HTTP 401 on the upgrade: UpgradeRefusedIntegrationTest.) */
class CredentialsIntegrationTest extends IntegrationTestSupport {

  @Test
  void closeCode4001FetchesFreshTokenForTheNextConnection() throws Exception {
    BlockingQueue<Boolean> forceRefreshFlags = new LinkedBlockingQueue<>();
    TokenProvider tokens = forceRefresh -> {
      forceRefreshFlags.add(forceRefresh);
      return forceRefresh ? "fresh" : "cached";
    };
    Connection first = server.enqueueUpgrade();
    server.enqueueUpgrade();
    connect(clientBuilder().tokenProvider(tokens));
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);

    first.close(4001, "token expired");

    StateChange lost = recorder.awaitFailure(CONNECTED, WAITING_TO_RETRY, CONNECTION_LOST,
        CorridorException.Kind.CLOSED_BY_SERVER);
    assertThat(lost.error().closeCode()).isEqualTo(4001);
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    assertThat(forceRefreshFlags).containsExactly(false, true);
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer cached");
    assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer fresh");
  }

  @Test
  void tokenThatIsNotAValidHeaderValueFailsTheAttemptAtOnce() throws Exception {
    String secret = "tok-5ecret";
    server.enqueueUpgrade();
    connect(clientBuilder()
        .tokenProvider(forceRefresh -> secret + "\n")
        .handshakeTimeout(1, SECONDS));

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    StateChange failed = recorder.awaitNextChange();
    assertThat(failed.previous()).isEqualTo(CONNECTING);
    assertThat(failed.cause()).isEqualTo(ATTEMPT_FAILED);
    assertThat(failed.error()).isNotNull();
    assertThat(failed.error().kind()).as("kind of %s", failed)
        .isNotEqualTo(CorridorException.Kind.HANDSHAKE_TIMEOUT);
    assertThat(failed.toString()).doesNotContain(secret);
    assertThat(recorder.callbackFailuresSoFar()).as("failures blamed on application callbacks")
        .isEmpty();
    assertThat(server.requestCount()).as("upgrade requests").isZero();
  }
}
