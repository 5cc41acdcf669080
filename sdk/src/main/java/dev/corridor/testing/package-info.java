/**
 * Test support for applications: {@link dev.corridor.testing.FakeTime} runs a client's timers
 * (backoff, heartbeat, timeouts) in virtual time, so tests need no sleeps, and
 * {@link dev.corridor.testing.TestValues} builds the values a client delivers (messages,
 * responses, send results, state changes, discontinuities) for tests of the code that handles
 * them.
 */
@NullMarked
package dev.corridor.testing;

import org.jspecify.annotations.NullMarked;
