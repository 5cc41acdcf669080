/** Not API. Client-driven Ping/Pong liveness detection and round-trip measurement. */
package dev.corridor.internal.heartbeat;
