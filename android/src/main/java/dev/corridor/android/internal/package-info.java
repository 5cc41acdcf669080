/** Not API: the pieces behind {@link dev.corridor.android.CorridorAndroid}. */
@NullMarked
package dev.corridor.android.internal;

import org.jspecify.annotations.NullMarked;
