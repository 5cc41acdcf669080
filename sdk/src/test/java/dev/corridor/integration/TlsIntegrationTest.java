package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.ConnectionState.WAITING_TO_RETRY;
import static dev.corridor.StateChange.Cause.ATTEMPT_FAILED;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.CorridorException;
import dev.corridor.StateChange;
import dev.corridor.integration.CorridorTestServer.Connection;
import javax.net.ssl.SSLHandshakeException;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

/** {@code wss://} with a certificate the application trusts through its own OkHttpClient. */
class TlsIntegrationTest extends IntegrationTestSupport {
  private static final HeldCertificate LOCALHOST = new HeldCertificate.Builder()
      .commonName("localhost")
      .addSubjectAlternativeName("localhost")
      .build();

  @Override
  protected CorridorTestServer createServer() throws Exception {
    HandshakeCertificates serverCertificates = new HandshakeCertificates.Builder()
        .heldCertificate(LOCALHOST)
        .build();
    return CorridorTestServer.startHttps(serverCertificates.sslSocketFactory());
  }

  @Test
  void connectsOverTlsWithClientTrustingTheServerCertificate() throws Exception {
    HandshakeCertificates clientCertificates = new HandshakeCertificates.Builder()
        .addTrustedCertificate(LOCALHOST.certificate())
        .build();
    OkHttpClient okHttp = new OkHttpClient.Builder()
        .sslSocketFactory(clientCertificates.sslSocketFactory(), clientCertificates.trustManager())
        .build();
    Connection connection = server.enqueueUpgrade();
    assertThat(server.wsUrl()).startsWith("wss://localhost:");

    connect(clientBuilder().okHttpClient(okHttp));

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    RecordedRequest request = server.takeRequest();
    assertThat(request.getHandshake()).as("TLS handshake of the upgrade request").isNotNull();
    assertThat(request.getUrl().isHttps()).isTrue();
    connection.takeHello();
  }

  @Test
  void untrustedServerCertificateFailsTheAttemptAsNetworkErrorAndRetries() throws Exception {
    // The default OkHttpClient trusts only the platform's CAs, not the test certificate.
    connect(clientBuilder());

    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    StateChange failed = recorder.awaitFailure(CONNECTING, WAITING_TO_RETRY, ATTEMPT_FAILED,
        CorridorException.Kind.NETWORK);
    assertThat(failed.error()).hasCauseInstanceOf(SSLHandshakeException.class);
  }
}
