package dev.corridor.integration;

import static dev.corridor.ConnectionState.CONNECTED;
import static dev.corridor.ConnectionState.CONNECTING;
import static dev.corridor.ConnectionState.IDLE;
import static dev.corridor.StateChange.Cause.CONNECT_REQUESTED;
import static dev.corridor.StateChange.Cause.WELCOME_RECEIVED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.corridor.CorridorClient;
import dev.corridor.integration.CorridorTestServer.Connection;
import dev.corridor.proto.v1.DeliveryMode;
import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Publish;
import org.junit.jupiter.api.Test;

/** {@link CorridorClient#send} over a real socket. */
class PublishIntegrationTest extends IntegrationTestSupport {

  @Test
  void sendReachesServerAsOneBestEffortPublishEnvelope() throws Exception {
    Connection connection = server.enqueueUpgrade();
    CorridorClient client = connect(clientBuilder());
    recorder.awaitChange(IDLE, CONNECTING, CONNECT_REQUESTED);
    recorder.awaitChange(CONNECTING, CONNECTED, WELCOME_RECEIVED);
    byte[] payload = {0, 1, 2, (byte) 0xFF};

    client.send("prices/EURUSD", payload, dev.corridor.SendOptions.builder()
        .delivery(dev.corridor.SendOptions.Delivery.BEST_EFFORT).build());

    Envelope envelope = connection.takeEnvelope();
    assertThat(envelope.getProtocolVersion()).isEqualTo(1);
    assertThat(envelope.getKindCase()).isEqualTo(Envelope.KindCase.PUBLISH);
    Publish publish = envelope.getPublish();
    assertThat(publish.getTopic()).isEqualTo("prices/EURUSD");
    assertThat(publish.getPayload()).isEqualTo(ByteString.copyFrom(payload));
    assertThat(publish.getDelivery()).isEqualTo(DeliveryMode.DELIVERY_MODE_BEST_EFFORT);
  }
}
