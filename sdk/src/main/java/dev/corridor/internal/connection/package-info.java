/**
 * Not API. The connection: state machine, attempts and their generations, backoff, heartbeat,
 * error policy. Knows nothing of protobuf or topics: protocol work is behind {@link
 * dev.corridor.internal.connection.SessionHandler}.
 */
package dev.corridor.internal.connection;
