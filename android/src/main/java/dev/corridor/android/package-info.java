/**
 * Corridor on Android: {@link dev.corridor.android.CorridorAndroid#install} fits a client to the
 * app's network, foreground and main thread.
 */
@NullMarked
package dev.corridor.android;

import org.jspecify.annotations.NullMarked;
