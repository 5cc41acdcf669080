package dev.corridor.server.internal;

import java.util.List;

/**
 * Settings of a {@link dev.corridor.server.CorridorServer}, as its builder made them. Immutable.
 *
 * @param host interface to bind (loopback by default)
 * @param port port to bind; 0 picks a free one
 * @param token bearer token required on the upgrade, or null for none
 * @param allowedOrigins Origin header values accepted; empty accepts any (and requests without one)
 * @param historySize messages of replay history kept per topic
 * @param historyAgeMillis oldest history kept, in ms
 * @param maxMessageBytes largest inbound message; larger closes with 1009
 * @param maxInboundPerSecond inbound messages per second per connection (burst twice that); above
 *     it the connection is closed with 4029 and a retry-after hint
 * @param maxOutgoingMessages messages queued to a connection before it counts as a slow consumer
 *     and is closed with 4008
 * @param maxConnections connections accepted; further ones get an OVERLOADED error and close 1013
 * @param heartbeatHintMillis ping interval suggested to clients in the Welcome
 * @param dedupeWindow client sequences remembered per client beyond the cumulative mark
 */
public record ServerSettings(
    String host,
    int port,
    String token,
    List<String> allowedOrigins,
    int historySize,
    long historyAgeMillis,
    int maxMessageBytes,
    int maxInboundPerSecond,
    int maxOutgoingMessages,
    int maxConnections,
    int heartbeatHintMillis,
    int dedupeWindow) {

  public ServerSettings {
    allowedOrigins = List.copyOf(allowedOrigins);
    if (historySize < 1) throw new IllegalArgumentException("historySize must be >= 1");
    if (maxMessageBytes < 1024) throw new IllegalArgumentException("maxMessageBytes must be >= 1024");
  }

  public static ServerSettings defaults() {
    return new ServerSettings("127.0.0.1", 0, null, List.of(), 5_000, 10 * 60_000L, 256 * 1024,
        500, 20_000, 2_000, 15_000, 100_000);
  }

  public ServerSettings withPort(int port) {
    return new ServerSettings(host, port, token, allowedOrigins, historySize, historyAgeMillis,
        maxMessageBytes, maxInboundPerSecond, maxOutgoingMessages, maxConnections,
        heartbeatHintMillis, dedupeWindow);
  }

  public ServerSettings withHost(String host) {
    return new ServerSettings(host, port, token, allowedOrigins, historySize, historyAgeMillis,
        maxMessageBytes, maxInboundPerSecond, maxOutgoingMessages, maxConnections,
        heartbeatHintMillis, dedupeWindow);
  }

  public ServerSettings withToken(String token) {
    return new ServerSettings(host, port, token, allowedOrigins, historySize, historyAgeMillis,
        maxMessageBytes, maxInboundPerSecond, maxOutgoingMessages, maxConnections,
        heartbeatHintMillis, dedupeWindow);
  }

  public ServerSettings withAllowedOrigins(List<String> origins) {
    return new ServerSettings(host, port, token, origins, historySize, historyAgeMillis,
        maxMessageBytes, maxInboundPerSecond, maxOutgoingMessages, maxConnections,
        heartbeatHintMillis, dedupeWindow);
  }

  public ServerSettings withHistory(int size, long ageMillis) {
    return new ServerSettings(host, port, token, allowedOrigins, size, ageMillis,
        maxMessageBytes, maxInboundPerSecond, maxOutgoingMessages, maxConnections,
        heartbeatHintMillis, dedupeWindow);
  }

  public ServerSettings withLimits(int maxMessageBytes, int maxInboundPerSecond, int maxOutgoingMessages,
      int maxConnections) {
    return new ServerSettings(host, port, token, allowedOrigins, historySize, historyAgeMillis,
        maxMessageBytes, maxInboundPerSecond, maxOutgoingMessages, maxConnections,
        heartbeatHintMillis, dedupeWindow);
  }
}
