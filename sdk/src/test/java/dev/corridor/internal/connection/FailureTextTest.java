package dev.corridor.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The text a status line shows says what happened, not which exception said so. */
class FailureTextTest {
  private static String text(Throwable t) {
    CorridorException e = Failures.transportFailure(t, -1, null, 0);
    assertThat(e.kind()).isEqualTo(CorridorException.Kind.NETWORK);
    assertThat(e.getCause()).as("the exception stays the cause").isSameAs(t);
    return e.getMessage();
  }

  @Test
  void anEndOfStreamIsAServerThatClosedWithoutAFrame() {
    assertThat(text(new EOFException())).isEqualTo("NETWORK: connection closed by the server without a close frame");
  }

  @Test
  void commonSocketFailuresReadAsWhatHappened() {
    assertThat(text(new ConnectException("Connection refused"))).isEqualTo("NETWORK: connection refused (Connection refused)");
    assertThat(text(new UnknownHostException("feed.example.invalid")))
        .isEqualTo("NETWORK: host not found: feed.example.invalid (DNS lookup failed)");
    assertThat(text(new SocketTimeoutException("timeout"))).isEqualTo("NETWORK: the network did not answer in time");
    assertThat(text(new SocketException("Connection reset")))
        .isEqualTo("NETWORK: connection reset by the server or the network");
    assertThat(text(new SSLHandshakeException("PKIX path building failed\nmore")))
        .isEqualTo("NETWORK: TLS handshake failed: PKIX path building failed");
  }

  @Test
  void anythingElseKeepsItsMessageAndNamesItsTypeOnce() {
    assertThat(text(new IOException("stream was reset: CANCEL"))).isEqualTo("NETWORK: stream was reset: CANCEL (IOException)");
    assertThat(text(new IOException())).isEqualTo("NETWORK: connection failed (IOException)");
  }

  @Test
  void aServersCloseCodeStaysAsItIs() {
    assertThat(Failures.serverClose(1012, "").getMessage()).isEqualTo("CLOSED_BY_SERVER: code 1012");
  }
}
