package dev.corridor.sample.server;

import dev.corridor.sample.ChaosControl;
import dev.corridor.server.CorridorServer;
import dev.corridor.server.ServerFaults;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Seeded fault injection on a running {@link CorridorServer}. Event modes fire on the timetable of a
 * {@link ChaosSchedule} (the first event {@value ChaosControl#FIRST_EVENT_MILLIS} ms after a mode is
 * switched on, then at the mode's intervals), checked every {@value #TICK_MILLIS} ms; the ack
 * faults apply while on. The timetable depends only on the seed and on when modes are switched;
 * which connection an event hits is drawn from a second seeded stream. Every event is reported to
 * the log consumer in one line.
 */
public final class Chaos implements ChaosControl, AutoCloseable {
  /** How long a stalled connection is kept half-open before the server drops it for good. */
  public static final long STALL_MILLIS = 60_000;
  /** How often the timetable is checked. */
  static final long TICK_MILLIS = 250;

  private final CorridorServer server;
  private final ServerFaults faults;
  private final ScheduledExecutorService timers;
  private final LongSupplier clockMillis;
  private final Consumer<String> log;

  // Guarded by this.
  private final ChaosSchedule schedule;
  private final Random victims;
  private final Set<Mode> enabled = EnumSet.noneOf(Mode.class);
  private ScheduledFuture<?> ticking;
  private boolean restarting;

  /** Chaos on {@code server} with the system's monotonic clock. */
  public Chaos(CorridorServer server, ScheduledExecutorService timers, long seed, Consumer<String> log) {
    this(server, server.faults(), timers, seed, log, () -> System.nanoTime() / 1_000_000L);
  }

  /**
   * Chaos that breaks {@code faults}' connections and restarts {@code server}, its timetable on
   * {@code clockMillis} (a fake one in tests, over an engine with in-memory connections).
   */
  Chaos(CorridorServer server, ServerFaults faults, ScheduledExecutorService timers, long seed,
      Consumer<String> log, LongSupplier clockMillis) {
    this.server = server;
    this.faults = faults;
    this.timers = timers;
    this.clockMillis = clockMillis;
    this.log = log;
    Random seeds = new Random(seed);
    this.schedule = new ChaosSchedule(seeds.nextLong());
    this.victims = new Random(seeds.nextLong());
  }

  /** Starts checking the timetable. */
  public synchronized void start() {
    ticking = timers.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void set(Mode mode, boolean on) {
    if (on) enabled.add(mode); else enabled.remove(mode);
    schedule.set(mode, on, clockMillis.getAsLong());
    faults.dropAcks(enabled.contains(Mode.DROP_ACKS));
    faults.delayAcks(enabled.contains(Mode.DELAY_ACKS) ? ACK_DELAY_MILLIS : 0);
  }

  @Override
  public synchronized boolean isEnabled(Mode mode) {
    return enabled.contains(mode);
  }

  @Override
  public synchronized long nextEventInMillis(Mode mode) {
    return schedule.nextInMillis(mode, clockMillis.getAsLong());
  }

  @Override
  public void killNow() {
    for (ServerFaults.Connection c : faults.connections()) c.disconnect();
    log.accept("chaos: killed every connection");
  }

  @Override
  public synchronized String describe() {
    if (enabled.isEmpty()) return "off";
    StringJoiner s = new StringJoiner(" ");
    for (Mode m : enabled) s.add(m.label());
    return s.toString();
  }

  /** Fires what the timetable says is due now. Public so that tests can drive it without waiting. */
  public synchronized void tick() {
    for (Mode m : schedule.takeDue(clockMillis.getAsLong())) fire(m);
  }

  private void fire(Mode mode) {
    if (restarting) return; // the server is down: nothing to hit
    List<ServerFaults.Connection> live = faults.connections();
    switch (mode) {
      case KILL -> {
        if (live.isEmpty()) return;
        live.get(victims.nextInt(live.size())).disconnect();
        log.accept("chaos: killed a connection (no close frame)");
      }
      case STALL -> {
        if (live.isEmpty()) return;
        ServerFaults.Connection c = live.get(victims.nextInt(live.size()));
        if (c.isStalled()) return;
        c.stall();
        timers.schedule(c::disconnect, STALL_MILLIS, TimeUnit.MILLISECONDS);
        log.accept("chaos: stalled a connection (half-open: no data, no close)");
      }
      case TRIM_HISTORY -> {
        faults.trimHistories(TRIM_TO);
        log.accept("chaos: trimmed replay history to " + TRIM_TO + " messages per topic");
      }
      case RESTART -> restart(true);
      case RESTART_LOSE_SESSIONS -> restart(false);
      default -> { } // the ack faults are standing
    }
  }

  /** Stops the server, optionally forgetting all state, and starts it again after the downtime. */
  public synchronized void restart(boolean keepSessions) {
    if (restarting) return;
    restarting = true;
    log.accept("chaos: restarting the server (" + RESTART_DOWNTIME_MILLIS / 1000 + " s down"
        + (keepSessions ? ", sessions kept)" : ", losing sessions and history)"));
    try {
      server.stop();
      if (!keepSessions) faults.loseState();
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

  @Override
  public synchronized void close() {
    if (ticking != null) ticking.cancel(false);
  }
}
