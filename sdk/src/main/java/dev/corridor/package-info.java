/**
 * Corridor's public API: {@link dev.corridor.CorridorClient} and its builder, connection states,
 * listeners, policies and typed errors. Non-null by default; exceptions are annotated.
 */
@NullMarked
package dev.corridor;

import org.jspecify.annotations.NullMarked;
