package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.fakes.FakeServer;
import dev.corridor.proto.v1.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthenticationTest {
  private static final String SECRET = "s3cr3t-token-value";
  private final Harness h = new Harness();

  @AfterEach
  void tokenNeverLeaks() {
    for (StateChange c : h.states.all) {
      assertThat(c.toString()).doesNotContain("s3cr3t");
      if (c.error() != null) assertThat(String.valueOf(c.error().getMessage())).doesNotContain("s3cr3t");
    }
    for (var s : h.server.transport.sockets) {
      assertThat(s.request.url()).doesNotContain("s3cr3t");
      assertThat(s.request.toString()).doesNotContain("s3cr3t");
    }
  }

  @Test
  void tokenGoesInTheAuthorizationHeaderOfEveryAttempt() {
    h.tokens.add(SECRET);
    h.startConnected();
    var request = h.server.transport.last().request;
    assertThat(request.headers()).containsEntry("Authorization", "Bearer " + SECRET)
        .containsEntry("Sec-WebSocket-Protocol", "corridor.v1");
    assertThat(h.tokenRequests).containsExactly(false);
  }

  @Test
  void rejectedTokenIsRefreshedOnceThenFails() {
    h.tokens.add(SECRET + "-old");
    h.tokens.add(SECRET + "-new");
    h.server.autoAccept = false;
    h.start();
    h.states.assertState(IDLE, CONNECTING);
    h.server.transport.last().failWithStatus(401, null);
    StateChange waiting = h.states.assertState(CONNECTING, WAITING_TO_RETRY);
    h.advance(waiting.retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    assertThat(h.server.transport.last().request.headers().get("Authorization")).endsWith("-new");
    h.server.transport.last().failWithStatus(401, null);
    h.states.assertFailure(CONNECTING, FAILED, CorridorException.Kind.HTTP_STATUS);
    assertThat(h.tokenRequests).containsExactly(false, true);
    h.states.assertNoMoreChanges();
  }

  @Test
  void aWorkingRefreshedTokenRestoresTheRightToRefreshAgain() {
    h.tokens.add(SECRET);
    h.startConnected();
    h.server.transport.last().serverClose(4001, "auth expired");
    h.advance(h.states.assertState(CONNECTED, WAITING_TO_RETRY).retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    h.server.transport.last().serverClose(4001, "auth expired again");
    h.advance(h.states.assertState(CONNECTED, WAITING_TO_RETRY).retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    h.states.assertState(CONNECTING, CONNECTED);
    assertThat(h.tokenRequests).containsExactly(false, true, true);
  }

  @Test
  void unauthenticatedErrorBeforeWelcomeAlsoRefreshes() {
    h.tokens.add(SECRET);
    h.server.autoWelcome = false;
    h.start();
    h.states.assertState(IDLE, CONNECTING);
    h.server.transport.last().receive(FakeServer.connectionError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, false, 0));
    h.advance(h.states.assertFailure(CONNECTING, WAITING_TO_RETRY,
        CorridorException.Kind.AUTHENTICATION).retryDelayMillis());
    h.states.assertState(WAITING_TO_RETRY, CONNECTING);
    assertThat(h.tokenRequests).containsExactly(false, true);
  }

  @Test
  void throwingTokenProviderIsRetriedAndItsMessageIsNotRepeated() {
    h.start(h.builder().tokenProvider(refresh -> {
      throw new IllegalStateException("vault said " + SECRET);
    }));
    h.states.assertState(IDLE, CONNECTING);
    StateChange waiting = h.states.assertFailure(CONNECTING, WAITING_TO_RETRY,
        CorridorException.Kind.TOKEN_UNAVAILABLE);
    assertThat(waiting.error().getMessage()).contains("IllegalStateException");
    assertThat(h.server.transport.openCount()).isZero();
  }
}
