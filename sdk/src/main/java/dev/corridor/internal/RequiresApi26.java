package dev.corridor.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a convenience overload that uses {@code java.time} and so needs Android API 26 or core
 * library desugaring. Such methods are excluded from the Android API 24 signature check; each has
 * a primary twin taking {@code long} + {@code TimeUnit}.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.TYPE})
public @interface RequiresApi26 {}
