package dev.corridor.internal.connection;

import java.util.List;
import dev.corridor.BackoffPolicy;
import dev.corridor.Clock;
import dev.corridor.ErrorPolicy;
import dev.corridor.RandomSource;
import dev.corridor.Scheduler;
import dev.corridor.TokenProvider;
import dev.corridor.internal.Guarded;
import java.util.concurrent.Executor;

/** The connection's configuration, already validated by the public builder. Immutable. */
public final class ConnectionSettings {
  /** The endpoints, in order of preference; at least one. */
  public final List<String> urls;
  public final String subprotocol;
  public final TokenProvider tokenProvider;
  public final Executor tokenExecutor;
  public final Guarded.Monitor networkMonitor;
  public final BackoffPolicy backoffPolicy;
  public final ErrorPolicy errorPolicy;
  public final RandomSource random;
  public final Clock clock;
  public final Scheduler scheduler;
  public final long heartbeatIntervalNanos;
  public final long pongTimeoutNanos;
  public final long handshakeTimeoutNanos;
  public final long closeTimeoutNanos;
  public final int maxInboundMessageBytes;
  /** Whether permessage-deflate was offered; if not, a server imposing it is refused. */
  public final boolean compression;
  /** Longest time a full RELIABLE queue may hold the socket's reads. */
  public final long readHoldTimeoutNanos;
  /** Reports failures of application code (posted to the context). */
  public final Guarded.Reporter reporter;

  public ConnectionSettings(List<String> urls, String subprotocol, TokenProvider tokenProvider,
      Executor tokenExecutor, Guarded.Monitor networkMonitor, BackoffPolicy backoffPolicy,
      ErrorPolicy errorPolicy, RandomSource random, Clock clock, Scheduler scheduler,
      long heartbeatIntervalNanos, long pongTimeoutNanos, long handshakeTimeoutNanos,
      long closeTimeoutNanos, int maxInboundMessageBytes,
      boolean compression, long readHoldTimeoutNanos, Guarded.Reporter reporter) {
    this.compression = compression;
    this.readHoldTimeoutNanos = readHoldTimeoutNanos;
    this.reporter = reporter;
    this.urls = urls;
    this.subprotocol = subprotocol;
    this.tokenProvider = tokenProvider;
    this.tokenExecutor = tokenExecutor;
    this.networkMonitor = networkMonitor;
    this.backoffPolicy = backoffPolicy;
    this.errorPolicy = errorPolicy;
    this.random = random;
    this.clock = clock;
    this.scheduler = scheduler;
    this.heartbeatIntervalNanos = heartbeatIntervalNanos;
    this.pongTimeoutNanos = pongTimeoutNanos;
    this.handshakeTimeoutNanos = handshakeTimeoutNanos;
    this.closeTimeoutNanos = closeTimeoutNanos;
    this.maxInboundMessageBytes = maxInboundMessageBytes;
  }
}
