package dev.corridor.bench.wire;

import java.util.Map;

/**
 * One side of the end-to-end comparison: the raw OkHttp baseline or Corridor, against the same
 * {@link BlastServer}. Each method is one measured run and returns its figures by name; the same
 * names on both sides make a row of the report.
 */
interface Side {
  /**
   * A feed of {@code count} {@code Deliver}s of {@code size}-byte payloads, {@code rate} a second
   * (0: as fast as it goes): messages/s, bytes allocated/msg, server CPU, client CPU µs/msg.
   */
  Map<String, Double> inbound(int size, int count, int rate) throws Exception;

  /** {@code count} round trips of a 32-byte payload, one in flight: p50, p99, p99.9 in µs. */
  Map<String, Double> requestLatency(int count) throws Exception;

  /** {@code count} messages of {@code size}-byte payloads, until the server has them all: messages/s. */
  Map<String, Double> outbound(int size, int count, boolean acknowledged) throws Exception;

  /** {@code count} fresh connections, one after the other: p50 and p99 in µs. */
  Map<String, Double> connect(int count) throws Exception;

  /** {@code count} idle connections open at once: retained heap per connection in bytes. */
  Map<String, Double> idleHeap(int count) throws Exception;
}
