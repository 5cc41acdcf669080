package dev.corridor.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reader cannot run more than the backlog bound ahead of a busy context. */
@Timeout(10)
class ReadGateTest {
  @Test
  void theReaderWaitsWhileItsBacklogIsOverTheBoundAndGoesOnOnceItIsHalved() throws Exception {
    ReadGate gate = new ReadGate(1000);
    gate.establish(7);
    gate.backlogAdded(7, 600);
    gate.backlogAdded(7, 400); // exactly at the bound: no wait
    CountDownLatch returned = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      gate.backlogAdded(7, 100); // 1,100: over the bound
      returned.countDown();
    }, "reader");
    reader.start();
    assertThat(returned.await(200, TimeUnit.MILLISECONDS)).as("waits while over the bound").isFalse();
    gate.backlogRun(400); // 700: not yet below half
    assertThat(returned.await(200, TimeUnit.MILLISECONDS)).isFalse();
    gate.backlogRun(300); // 400: below half
    assertThat(returned.await(5, TimeUnit.SECONDS)).as("released once below half").isTrue();
    reader.join();
  }

  @Test
  void anAbandonedConnectionsReaderStopsWaiting() throws Exception {
    ReadGate gate = new ReadGate(10);
    gate.establish(3);
    CountDownLatch returned = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      gate.backlogAdded(3, 100);
      returned.countDown();
    }, "reader");
    reader.start();
    assertThat(returned.await(200, TimeUnit.MILLISECONDS)).isFalse();
    gate.abandon();
    assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
    reader.join();
  }

  @Test
  void theHandshakeIsNeverHeld() {
    ReadGate gate = new ReadGate(10);
    gate.backlogAdded(5, 1_000); // attempt 5 has no Welcome yet: returns at once
    gate.queueFull();
    gate.awaitReadable(5); // likewise
    assertThat(gate.isHolding()).isTrue();
  }
}
