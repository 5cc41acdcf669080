package dev.corridor.internal.heartbeat;

import dev.corridor.Clock;
import dev.corridor.Scheduler;
import dev.corridor.internal.time.SerialContext;
import dev.corridor.internal.time.SerialTimer;

/**
 * Detects a dead or half-open link and measures round-trip time, in the client's serial context.
 *
 * <p>Any inbound message counts as liveness and merely records a timestamp; no timer is touched
 * per message. One timer does all the work: when it fires it either finds recent traffic and
 * re-arms for {@code lastInbound + interval}, or sends a Ping and arms the pong timeout. When the
 * timeout fires with no inbound message since the Ping, the link is declared dead. A link that
 * goes silent at time t is therefore declared dead at exactly {@code t + interval + timeout}.
 *
 * <p>A busy link never falls silent, so it would never be pinged and its round-trip time never
 * measured. Therefore a Ping is also sent when the last round-trip sample (or the link's start) is
 * {@link #RTT_REFRESH_INTERVALS} intervals old, whatever the traffic; it changes nothing about
 * liveness.
 */
public final class Heartbeat {
  /** A busy link gets a round-trip probe after this many intervals without a sample. */
  public static final int RTT_REFRESH_INTERVALS = 4;

  /** What the heartbeat needs from the connection. */
  public interface Host {
    void sendPing(long nonce);

    /** No message arrived for {@code silentNanos}, including the pong timeout. */
    void linkDead(long silentNanos);

    void rttMeasured(long rttNanos, long smoothedRttNanos);

    /**
     * True while the application's backpressure holds inbound reads: the silence is ours, not the
     * link's, so it does not count against the link.
     */
    boolean readsHeld();
  }

  private final Clock clock;
  private final Host host;
  private final SerialTimer timer;

  // All fields below: touched only in the serial context.
  /** Ping interval and pong timeout in force for the current link. */
  private long intervalNanos;
  private long timeoutNanos;
  /** Clock reading at the last inbound message (or at start). */
  private long lastInboundNanos;
  /** True between sending a Ping and its timeout firing. */
  private boolean pingOutstanding;
  private boolean inboundSincePing;
  private long pingSentNanos;
  private long nonce;
  /** Clock reading at the last round-trip sample, or at the link's start. */
  private long lastSampleNanos;
  /** Last and smoothed round-trip times, 0 before the first sample. Survive reconnects. */
  private volatile long lastRttNanos;
  private volatile long smoothedRttNanos;
  private boolean running;

  public Heartbeat(Clock clock, Scheduler scheduler, SerialContext context, Host host) {
    this.clock = clock;
    this.host = host;
    this.timer = new SerialTimer(scheduler, context, this::onTimer);
  }

  /** Starts watching a newly established link. */
  public void start(long intervalNanos, long timeoutNanos) {
    this.intervalNanos = intervalNanos;
    this.timeoutNanos = timeoutNanos;
    this.lastInboundNanos = clock.nanoTime();
    this.lastSampleNanos = lastInboundNanos;
    this.pingOutstanding = false;
    this.running = true;
    timer.start(intervalNanos);
  }

  public void stop() {
    running = false;
    pingOutstanding = false;
    timer.cancel();
  }

  /** Any inbound message. Cheap: no timer work. */
  public void onInbound() {
    onInbound(clock.nanoTime());
  }

  /** As {@link #onInbound()}, with the clock already read. */
  public void onInbound(long nowNanos) {
    if (!running) return;
    lastInboundNanos = nowNanos;
    if (pingOutstanding) inboundSincePing = true;
  }

  public void onPong(long pongNonce) {
    if (!running || !pingOutstanding || pongNonce != nonce) return;
    onInbound(); // a Pong is proof of life whichever way it was delivered
    long rtt = clock.nanoTime() - pingSentNanos;
    long smoothed = smoothedRttNanos;
    // The usual exponentially weighted average with gain 1/8 (as TCP's SRTT, RFC 6298).
    smoothed = smoothed == 0 ? rtt : smoothed + (rtt - smoothed) / 8;
    lastRttNanos = rtt;
    smoothedRttNanos = smoothed;
    lastSampleNanos = clock.nanoTime();
    host.rttMeasured(rtt, smoothed);
  }

  private void onTimer() {
    if (!running) return;
    long now = clock.nanoTime();
    if (pingOutstanding) {
      pingOutstanding = false;
      if (!inboundSincePing && !host.readsHeld()) {
        running = false;
        host.linkDead(now - lastInboundNanos);
        return;
      }
      if (!inboundSincePing) lastInboundNanos = now; // reads were held: start a fresh interval
      timer.start(lastInboundNanos + intervalNanos - now);
      return;
    }
    long silent = now - lastInboundNanos;
    long probeDue = lastSampleNanos + RTT_REFRESH_INTERVALS * intervalNanos;
    if (silent < intervalNanos && now < probeDue) {
      timer.start(Math.min(intervalNanos - silent, probeDue - now));
      return;
    }
    pingOutstanding = true;
    inboundSincePing = false;
    pingSentNanos = now;
    nonce++;
    timer.start(timeoutNanos);
    host.sendPing(nonce);
  }

  public long lastRttNanos() {
    return lastRttNanos;
  }

  public long smoothedRttNanos() {
    return smoothedRttNanos;
  }

  /** Clock reading at the last inbound message of the current (or last) link, or at its start. */
  public long lastInboundNanos() {
    return lastInboundNanos;
  }

  public long intervalNanos() {
    return intervalNanos;
  }
}
