/** Not API. Serial execution and timers: the seams through which all time flows. */
package dev.corridor.internal.time;
