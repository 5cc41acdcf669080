/**
 * Test support for applications: {@link dev.corridor.testing.FakeTime} runs a client's timers
 * (backoff, heartbeat, timeouts) in virtual time, so tests need no sleeps.
 */
@NullMarked
package dev.corridor.testing;

import org.jspecify.annotations.NullMarked;
