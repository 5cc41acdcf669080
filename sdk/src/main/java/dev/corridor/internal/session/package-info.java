/**
 * Not API. The protocol session: Hello/Welcome, Ping/Pong, errors, publishes. Knows envelopes,
 * not sockets or timers.
 */
package dev.corridor.internal.session;
