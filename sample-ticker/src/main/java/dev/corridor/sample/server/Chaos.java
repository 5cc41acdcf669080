package dev.corridor.sample.server;

import dev.corridor.sample.ChaosControl;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Seeded fault injection on a running {@link FeedServer}. Once a second each enabled mode fires
 * with its own probability (kill ~1 in 4, stall ~1 in 10, restart ~1 in 20, trim ~1 in 5);
 * ack faults apply while on. The same seed and the same switches give the same decisions.
 */
public final class Chaos implements ChaosControl, AutoCloseable {
  /** How long a server restart keeps the port closed. */
  public static final long RESTART_DOWNTIME_MILLIS = 2_000;
  /** How long a stalled connection is kept half-open before it is dropped for good. */
  public static final long STALL_MILLIS = 60_000;

  private final FeedServer server;
  private final ProtocolEngine engine;
  private final ScheduledExecutorService timers;
  private final Random random;
  private final Set<Mode> enabled = EnumSet.noneOf(Mode.class);
  private final Consumer<String> log;
  private ScheduledFuture<?> ticking;
  private boolean restarting;

  public Chaos(FeedServer server, ScheduledExecutorService timers, long seed, Consumer<String> log) {
    this.server = server;
    this.engine = server.engine();
    this.timers = timers;
    this.random = new Random(seed);
    this.log = log;
  }

  public synchronized void start() {
    ticking = timers.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  public synchronized void set(Mode mode, boolean on) {
    if (on) enabled.add(mode); else enabled.remove(mode);
    engine.faults().dropAcks = enabled.contains(Mode.DROP_ACKS);
    engine.faults().ackDelayMillis = enabled.contains(Mode.DELAY_ACKS) ? 3_000 : 0;
  }

  @Override
  public synchronized boolean isEnabled(Mode mode) {
    return enabled.contains(mode);
  }

  @Override
  public void killNow() {
    for (ProtocolEngine.Connection c : engine.connections()) c.disconnect();
    log.accept("chaos: killed every connection");
  }

  @Override
  public synchronized String describe() {
    if (enabled.isEmpty()) return "off";
    StringBuilder s = new StringBuilder();
    for (Mode m : enabled) s.append(s.length() == 0 ? "" : " ").append(m.name().toLowerCase().replace('_', '-'));
    return s.toString();
  }

  /** One round of decisions. Public so that tests can drive it without waiting. */
  public synchronized void tick() {
    if (restarting) return;
    List<ProtocolEngine.Connection> live = engine.connections();
    if (enabled.contains(Mode.KILL) && chance(0.25) && !live.isEmpty()) {
      live.get(random.nextInt(live.size())).disconnect();
      log.accept("chaos: killed a connection");
    }
    if (enabled.contains(Mode.STALL) && chance(0.10) && !live.isEmpty()) {
      ProtocolEngine.Connection c = live.get(random.nextInt(live.size()));
      if (!c.isStalled()) {
        c.stall();
        timers.schedule(c::disconnect, STALL_MILLIS, TimeUnit.MILLISECONDS);
        log.accept("chaos: stalled a connection (half-open)");
      }
    }
    if (enabled.contains(Mode.TRIM_HISTORY) && chance(0.20)) {
      engine.trimHistories(5);
      log.accept("chaos: trimmed history to 5 messages per topic");
    }
    boolean lose = enabled.contains(Mode.RESTART_LOSE_SESSIONS) && chance(0.05);
    if (lose || (enabled.contains(Mode.RESTART) && chance(0.05))) restart(!lose);
  }

  /** Stops the server, optionally forgetting all state, and starts it again after the downtime. */
  public synchronized void restart(boolean keepSessions) {
    if (restarting) return;
    restarting = true;
    log.accept("chaos: restarting the server" + (keepSessions ? "" : ", losing sessions and history"));
    try {
      server.stop();
      if (!keepSessions) engine.loseState();
    } catch (Exception e) {
      log.accept("chaos: stop failed: " + e);
    }
    timers.schedule(() -> {
      try {
        server.start();
        log.accept("chaos: server is back on port " + server.port());
      } catch (Exception e) {
        log.accept("chaos: restart failed: " + e);
      } finally {
        synchronized (Chaos.this) {
          restarting = false;
        }
      }
    }, RESTART_DOWNTIME_MILLIS, TimeUnit.MILLISECONDS);
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  @Override
  public synchronized void close() {
    if (ticking != null) ticking.cancel(false);
  }
}
