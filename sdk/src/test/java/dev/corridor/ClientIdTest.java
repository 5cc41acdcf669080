package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.proto.v1.Envelope;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One client id per client object unless the application sets one (docs/protocol.md, Hello). */
class ClientIdTest {
  private final Harness h = new Harness();

  @Test
  void twoClientsBuiltFromOneBuilderGetDifferentIds() {
    CorridorClient.Builder builder = h.builderWithoutClientId();
    CorridorClient first = builder.build();
    CorridorClient second = builder.build();
    assertThat(first.clientId()).isNotEqualTo(second.clientId());
    assertThat(UUID.fromString(first.clientId()).toString()).isEqualTo(first.clientId());
  }

  @Test
  void aNewBuilderSiblingDrawsItsOwnId() {
    CorridorClient original = h.builderWithoutClientId().build();
    CorridorClient sibling = original.newBuilder().build();
    assertThat(sibling.clientId()).isNotEqualTo(original.clientId());
  }

  @Test
  void anExplicitIdIsKeptByEveryBuildAndByNewBuilder() {
    CorridorClient.Builder builder = h.builderWithoutClientId().clientId("install-7");
    CorridorClient first = builder.build();
    CorridorClient second = builder.build();
    CorridorClient sibling = first.newBuilder().build();
    assertThat(first.clientId()).isEqualTo("install-7");
    assertThat(second.clientId()).isEqualTo("install-7");
    assertThat(sibling.clientId()).isEqualTo("install-7");
  }

  @Test
  void eachClientsHelloCarriesItsOwnId() {
    CorridorClient.Builder builder = h.builderWithoutClientId();
    CorridorClient first = builder.build();
    CorridorClient second = builder.build();
    CorridorClient sibling = first.newBuilder().build();
    first.connect();
    second.connect();
    sibling.connect();
    List<String> helloIds = h.server.receivedOfKind(Envelope.KindCase.HELLO).stream()
        .map(e -> e.getHello().getClientId()).collect(Collectors.toList());
    assertThat(helloIds)
        .containsExactly(first.clientId(), second.clientId(), sibling.clientId())
        .doesNotHaveDuplicates();
    first.close();
    second.close();
    sibling.close();
  }
}
