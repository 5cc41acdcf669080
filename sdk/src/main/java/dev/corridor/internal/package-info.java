/**
 * Not API. Everything under {@code dev.corridor.internal} may change in any release; depend only
 * on the {@code dev.corridor} package.
 */
package dev.corridor.internal;
