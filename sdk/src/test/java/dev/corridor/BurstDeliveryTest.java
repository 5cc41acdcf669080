package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.corridor.fakes.FakeServer;
import dev.corridor.proto.v1.Deliver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A burst read off the socket in one go costs its listener one hand-off to the listener's
 * executor, not one per message: the drain starts when the socket has nothing more buffered, or
 * after a batch of messages held back, whichever comes first.
 */
class BurstDeliveryTest {
  private final Harness h = new Harness();
  /** The listener's executor, run by hand: each entry is one hand-off of the drain. */
  private final List<Runnable> handOffs = new ArrayList<>();
  private final List<Long> seen = new ArrayList<>();

  private void subscribe() {
    h.startConnected();
    h.client.subscribe("t", m -> seen.add(m.sequence()),
        SubscribeOptions.builder().executor(handOffs::add).build());
    assertThat(handOffs).as("the SUBSCRIBED notice").hasSize(1);
    runHandOffs();
  }

  private void deliver(long sequence, boolean moreBuffered) {
    Deliver d = Deliver.newBuilder().setTopic("t").setEpoch(1).setSequence(sequence)
        .setPayload(ByteString.copyFromUtf8("p" + sequence)).build();
    h.server.transport.last().receive(FakeServer.env().setDeliver(d).build().toByteArray(), moreBuffered);
  }

  private void runHandOffs() {
    while (!handOffs.isEmpty()) handOffs.remove(0).run();
  }

  @Test
  void aBurstIsHandedToTheListenerOnceWhenTheSocketHasNothingMoreBuffered() {
    subscribe();
    for (long s = 1; s <= 9; s++) deliver(s, true);
    assertThat(handOffs).as("held back while more is buffered").isEmpty();
    deliver(10, false);
    assertThat(handOffs).hasSize(1);
    runHandOffs();
    assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void aLongBurstStartsItsDrainAfterOneBatchRatherThanWaitingForTheEnd() {
    subscribe();
    for (long s = 1; s < 64; s++) deliver(s, true);
    assertThat(handOffs).isEmpty();
    deliver(64, true);
    assertThat(handOffs).as("the 64th message held back starts the drain").hasSize(1);
    runHandOffs();
    assertThat(seen).hasSize(64);
  }

  @Test
  void aBurstEndedByAControlFrameIsStillHandedOver() {
    subscribe();
    deliver(1, true);
    deliver(2, true);
    assertThat(handOffs).isEmpty();
    h.server.transport.last().listener.onEndOfBurst(); // a ping was buffered last, then nothing
    assertThat(handOffs).hasSize(1);
    runHandOffs();
    assertThat(seen).containsExactly(1L, 2L);
  }

  @Test
  void aBurstCutShortByTheLinksEndIsStillHandedOver() {
    subscribe();
    deliver(1, true);
    h.server.transport.last().serverClose(1011, "restart");
    assertThat(handOffs).as("one hand-off: the drain, then the RESUBSCRIBING notice").hasSize(1);
    runHandOffs();
    assertThat(seen).containsExactly(1L);
  }
}
