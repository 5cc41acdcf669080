package dev.corridor;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.FAILED;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every row of the default close-code and HTTP-status tables, driven through a real client. */
class ErrorPolicyTableTest {
  private final Harness h = new Harness();

  @ParameterizedTest(name = "close {0} -> {1}")
  @CsvSource({
      "1000, WAITING_TO_RETRY", "1001, WAITING_TO_RETRY", "1005, WAITING_TO_RETRY",
      "1006, WAITING_TO_RETRY", "1011, WAITING_TO_RETRY", "1012, WAITING_TO_RETRY",
      "1013, WAITING_TO_RETRY", "1014, WAITING_TO_RETRY", "4008, WAITING_TO_RETRY",
      "4029, WAITING_TO_RETRY", "4999, WAITING_TO_RETRY",
      "1002, FAILED", "1003, FAILED", "1007, FAILED", "1008, FAILED", "1009, FAILED",
      "1010, FAILED", "1015, FAILED",
      "4001, WAITING_TO_RETRY"})
  void serverCloseCodes(int code, ConnectionState expected) {
    h.startConnected();
    h.server.transport.last().serverClose(code, "");
    StateChange change = h.states.assertFailure(CONNECTED, expected, CorridorException.Kind.CLOSED_BY_SERVER);
    assertThat(change.error().closeCode()).isEqualTo(code);
    if (expected == WAITING_TO_RETRY) {
      h.advance(change.retryDelayMillis());
      h.states.assertState(WAITING_TO_RETRY, CONNECTING);
      // 4001 (auth expired) asks for a fresh token on the next attempt; the others do not.
      assertThat(h.tokenRequests).containsExactly(false, code == 4001);
    } else {
      assertThat(h.network.stopped).isTrue();
    }
    h.states.clear();
  }

  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @CsvSource({
      "500, WAITING_TO_RETRY", "502, WAITING_TO_RETRY", "503, WAITING_TO_RETRY",
      "504, WAITING_TO_RETRY", "408, WAITING_TO_RETRY", "429, WAITING_TO_RETRY",
      "401, WAITING_TO_RETRY", "403, WAITING_TO_RETRY",
      "400, FAILED", "404, FAILED", "426, FAILED", "200, FAILED"})
  void upgradeHttpStatuses(int status, ConnectionState expected) {
    h.server.autoAccept = false;
    h.start();
    h.states.assertState(IDLE, CONNECTING);
    h.server.transport.last().failWithStatus(status, null);
    StateChange change = h.states.assertFailure(CONNECTING, expected, CorridorException.Kind.HTTP_STATUS);
    assertThat(change.error().httpStatus()).isEqualTo(status);
    if (expected == WAITING_TO_RETRY) {
      h.advance(change.retryDelayMillis());
      assertThat(h.tokenRequests).containsExactly(false, status == 401 || status == 403);
    }
  }

  @Test
  void overriddenRowsWin() {
    ErrorPolicy policy = ErrorPolicy.DEFAULT.toBuilder()
        .closeCode(4100, ErrorPolicy.Disposition.FAIL)
        .httpStatus(404, ErrorPolicy.Disposition.RETRY)
        .build();
    h.start(h.builder().errorPolicy(policy));
    h.states.skipTo(CONNECTED);
    h.server.transport.last().serverClose(4100, "account suspended");
    h.states.assertFailure(CONNECTED, FAILED, CorridorException.Kind.CLOSED_BY_SERVER);
    assertThat(policy.forHttpStatus(404)).isEqualTo(ErrorPolicy.Disposition.RETRY);
    assertThat(ErrorPolicy.DEFAULT.forHttpStatus(404)).isEqualTo(ErrorPolicy.Disposition.FAIL);
  }
}
