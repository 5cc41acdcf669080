/**
 * Not API. The outbound buffer: bounded by count and bytes, dropping what is no longer relevant
 * (expired, superseded by key, low priority under pressure), and tracking what is in flight.
 */
package dev.corridor.internal.outbox;
