package dev.corridor.integration;

import static dev.corridor.ConnectionState.CLOSED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.StateChange.Cause.ATTEMPT_FAILED;
import static dev.corridor.StateChange.Cause.CLOSE_REQUESTED;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.RETRY_TIMER;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorClient;
import dev.corridor.CorridorException;
import dev.corridor.ExponentialBackoff;
import dev.corridor.StateChange;
import dev.corridor.TokenProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** Upgrades answered with an HTTP error instead of 101, on a real socket. */
class UpgradeRefusedIntegrationTest extends IntegrationTestSupport {
  private static final ExponentialBackoff TINY_BACKOFF = ExponentialBackoff.builder()
      .initialDelay(1, MILLISECONDS)
      .maxDelay(2, MILLISECONDS)
      .build();

  @Test
  void unauthorizedTwiceRefreshesTokenOnceThenFailsWithoutLeakingIt() throws Exception {
    String firstToken = "tok-first-5ecret";
    String refreshedToken = "tok-refreshed-5ecret";
    BlockingQueue<Boolean> forceRefreshFlags = new LinkedBlockingQueue<>();
    AtomicInteger calls = new AtomicInteger();
    TokenProvider tokens = forceRefresh -> {
      forceRefreshFlags.add(forceRefresh);
      return calls.getAndIncrement() == 0 ? firstToken : refreshedToken;
    };
    server.enqueue(new MockResponse.Builder().code(401).body("unauthorized").build());
    server.enqueue(new MockResponse.Builder().code(401).body("unauthorized").build());
    CorridorClient client = connect(clientBuilder().tokenProvider(tokens).backoff(TINY_BACKOFF));

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    StateChange retry = recorder.awaitFailure(CONNECTING, WAITING_TO_RETRY, ATTEMPT_FAILED,
        CorridorException.Kind.HTTP_STATUS);
    assertThat(retry.error().httpStatus()).isEqualTo(401);
    recorder.awaitChange(WAITING_TO_RETRY, CONNECTING, RETRY_TIMER);
    StateChange failed = recorder.awaitFailure(CONNECTING, FAILED, ATTEMPT_FAILED,
        CorridorException.Kind.HTTP_STATUS);
    assertThat(failed.error().httpStatus()).isEqualTo(401);

    assertThat(forceRefreshFlags.poll(0, SECONDS)).as("first token request forces refresh").isFalse();
    assertThat(forceRefreshFlags.poll(0, SECONDS)).as("second token request forces refresh").isTrue();
    assertThat(forceRefreshFlags).as("further token requests").isEmpty();
    assertThat(client.stats().attempts()).isEqualTo(2);

    RecordedRequest first = server.takeRequest();
    RecordedRequest second = server.takeRequest();
    assertThat(first.getHeaders().values("Authorization")).containsExactly("Bearer " + firstToken);
    assertThat(second.getHeaders().values("Authorization")).containsExactly("Bearer " + refreshedToken);

    List<String> leakable = new ArrayList<>();
    for (RecordedRequest request : List.of(first, second)) {
      leakable.add(request.getUrl().toString());
      leakable.add(request.getTarget());
      leakable.add(request.getRequestLine());
    }
    for (StateChange change : recorder.stateChangesSoFar()) leakable.add(change.toString());
    for (CorridorException error : recorder.errorsSoFar()) {
      for (Throwable t = error; t != null; t = t.getCause()) leakable.add(String.valueOf(t));
    }
    assertThat(leakable).isNotEmpty().allSatisfy(text -> assertThat(text)
        .doesNotContain(firstToken)
        .doesNotContain(refreshedToken));
  }

  @Test
  void serviceUnavailableRetryAfterFloorsTheBackoffDelay() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "1").build());
    // Hints are capped at 10 x the backoff's max delay: TINY_BACKOFF's would cap this one at 20 ms.
    CorridorClient client = connect(clientBuilder().backoff(ExponentialBackoff.DEFAULT));

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    StateChange waiting = recorder.awaitFailure(CONNECTING, WAITING_TO_RETRY, ATTEMPT_FAILED,
        CorridorException.Kind.HTTP_STATUS);
    assertThat(waiting.error().httpStatus()).isEqualTo(503);
    assertThat(waiting.error().retryAfterMillis()).isEqualTo(1000);
    assertThat(waiting.retryDelayMillis()).isGreaterThanOrEqualTo(1000);

    client.close();
    recorder.awaitChange(WAITING_TO_RETRY, CLOSED, CLOSE_REQUESTED);
    assertThat(server.requestCount()).as("upgrade requests").isEqualTo(1);
  }
}
