package dev.corridor.sample.server;

import dev.corridor.server.CorridorServer;
import dev.corridor.server.internal.ProtocolEngine;
import dev.corridor.server.internal.ServerSettings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.proto.v1.Envelope;
import dev.corridor.proto.v1.Hello;
import dev.corridor.sample.ChaosControl;
import dev.corridor.sample.ChaosControl.Mode;
import dev.corridor.sample.market.MarketFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chaos controller on a protocol engine with in-memory connections, its timetable driven in
 * virtual time by calling {@link Chaos#tick()}. The server is never started (no restart modes).
 */
class ChaosTest {
  private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
  private final AtomicLong now = new AtomicLong();

  private final List<CorridorServer> servers = new java.util.ArrayList<>();

  @AfterEach
  void stop() {
    timers.shutdownNow();
    servers.forEach(CorridorServer::close);
  }

  /** A chaos controller over {@code connections} in-memory connections; log lines go to {@code log}. */
  private Chaos chaos(long seed, int connections, List<String> log) {
    MarketFeed market = new MarketFeed(Map.of("AAPL", 100.0), 1, 7, now::get);
    ProtocolEngine engine = new ProtocolEngine(ServerSettings.defaults(), market, market, market, timers, now::get);
    for (int i = 0; i < connections; i++) {
      int id = i;
      ProtocolEngine.Connection[] self = new ProtocolEngine.Connection[1];
      self[0] = engine.open(new ProtocolEngine.Peer() {
        @Override
        public boolean send(byte[] frame) {
          return true;
        }

        @Override
        public void close(int code, String reason) {
          self[0].onClose();
        }

        @Override
        public void disconnect() {
          log.add(now.get() + " connection " + id + " dropped");
          self[0].onClose();
        }
      });
      self[0].onMessage(Envelope.newBuilder().setProtocolVersion(1)
          .setHello(Hello.newBuilder().setClientId("c" + i)).build().toByteArray());
    }
    CorridorServer restartable = CorridorServer.builder().build(); // never started here
    servers.add(restartable);
    return new Chaos(restartable, engine, timers, seed, line -> log.add(now.get() + " " + line), now::get);
  }

  private void runFor(Chaos chaos, long millis) {
    long end = now.get() + millis;
    while (now.get() < end) {
      now.addAndGet(Chaos.TICK_MILLIS);
      chaos.tick();
    }
  }

  @Test
  void killFiresTwoSecondsAfterTheKeyAndSaysWhatItDid() {
    List<String> log = new ArrayList<>();
    Chaos chaos = chaos(1, 1, log);
    chaos.set(Mode.KILL, true);
    assertThat(chaos.nextEventInMillis(Mode.KILL)).isEqualTo(ChaosControl.FIRST_EVENT_MILLIS);

    runFor(chaos, 1_750);
    assertThat(log).isEmpty();
    assertThat(chaos.nextEventInMillis(Mode.KILL)).isEqualTo(250);
    runFor(chaos, 250);
    assertThat(log).containsExactly("2000 connection 0 dropped", "2000 chaos: killed a connection (no close frame)");
    assertThat(chaos.nextEventInMillis(Mode.KILL))
        .isBetween(Mode.KILL.minIntervalMillis(), Mode.KILL.maxIntervalMillis());
  }

  @Test
  void aStallHalfOpensAConnectionOnceAndTheAckFaultsApplyWhileOn() {
    List<String> log = new ArrayList<>();
    Chaos chaos = chaos(1, 1, log);
    chaos.set(Mode.STALL, true);
    chaos.set(Mode.DELAY_ACKS, true);
    assertThat(chaos.nextEventInMillis(Mode.DELAY_ACKS)).isEqualTo(-1);
    assertThat(chaos.describe()).isEqualTo("stall delay-acks");

    runFor(chaos, 2_000);
    assertThat(log).containsExactly("2000 chaos: stalled a connection (half-open: no data, no close)");
    runFor(chaos, 40_000); // later stalls find the one connection already stalled
    assertThat(log).hasSize(1);

    chaos.set(Mode.STALL, false);
    chaos.set(Mode.DELAY_ACKS, false);
    assertThat(chaos.describe()).isEqualTo("off");
    assertThat(chaos.nextEventInMillis(Mode.STALL)).isEqualTo(-1);
  }

  @Test
  void theSameSeedGivesTheSameEventsInVirtualTime() {
    assertThat(twoMinutesOfChaos(42)).isEqualTo(twoMinutesOfChaos(42)).hasSizeGreaterThan(20);
    assertThat(twoMinutesOfChaos(42)).isNotEqualTo(twoMinutesOfChaos(43));
  }

  private List<String> twoMinutesOfChaos(long seed) {
    now.set(0);
    List<String> log = new ArrayList<>();
    Chaos chaos = chaos(seed, 50, log);
    chaos.set(Mode.KILL, true);
    chaos.set(Mode.TRIM_HISTORY, true);
    runFor(chaos, 30_000);
    chaos.set(Mode.STALL, true);
    runFor(chaos, 90_000);
    return log;
  }
}
