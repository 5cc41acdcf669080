/**
 * Kotlin-facing adapters over the Java API: the connection state as a {@code StateFlow} and events
 * as a {@code Flow}. They need {@code kotlinx-coroutines-core} on the classpath (an optional
 * dependency of the SDK); nothing else in the SDK does.
 */
@NullMarked
package dev.corridor.kotlin;

import org.jspecify.annotations.NullMarked;
