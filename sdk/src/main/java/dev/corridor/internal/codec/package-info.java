/** Not API. Encoding and decoding of protocol v1 envelopes. */
package dev.corridor.internal.codec;
