/**
 * Not API. One WebSocket: open, send bytes, close, callbacks. OkHttp lives only here; nothing in
 * this package knows about reconnection, envelopes or topics.
 */
package dev.corridor.internal.transport;
