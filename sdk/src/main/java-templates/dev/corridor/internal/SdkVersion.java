package dev.corridor.internal;

/**
 * Not API. The SDK's version, filled in from the pom when the SDK is built (this file is a
 * template under {@code src/main/java-templates}), so that the user agent follows the version.
 */
public final class SdkVersion {
  private SdkVersion() {}

  /** The Maven project version of corridor-sdk. */
  public static final String VERSION = "${project.version}";
}
