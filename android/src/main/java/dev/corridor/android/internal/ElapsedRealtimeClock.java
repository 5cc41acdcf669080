package dev.corridor.android.internal;

import android.os.SystemClock;
import dev.corridor.Clock;

/**
 * Time that keeps counting while the device is in deep sleep ({@code CLOCK_BOOTTIME}), unlike
 * {@code System.nanoTime()} ({@code CLOCK_MONOTONIC}), which stops. The client's default
 * scheduler runs on it, so TTLs, the heartbeat and backoff waits end on real elapsed time.
 */
public final class ElapsedRealtimeClock implements Clock {
  public static final ElapsedRealtimeClock INSTANCE = new ElapsedRealtimeClock();

  private ElapsedRealtimeClock() {}

  @Override
  public long nanoTime() {
    return SystemClock.elapsedRealtimeNanos();
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public String toString() {
    return "SystemClock.elapsedRealtimeNanos";
  }
}
