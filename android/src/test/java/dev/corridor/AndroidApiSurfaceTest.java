package dev.corridor;

import dev.corridor.android.CorridorAndroid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * corridor-android's public API is what {@code android/api/corridor-android.api} says, and its
 * signatures mention no implementation type: {@link ApiSurfaceTest}'s checks, on this artifact.
 */
class AndroidApiSurfaceTest {
  static final ApiSurfaceTest.Surface ANDROID;

  static {
    List<String> forbidden = new ArrayList<>(ApiSurfaceTest.FORBIDDEN_PREFIXES);
    forbidden.add("dev.corridor.android.internal.");
    Map<String, String> deliberate = new LinkedHashMap<>();
    deliberate.put("android.app.Application", "CorridorAndroid.install follows the app");
    deliberate.put("android.content.Context", "CorridorAndroid.networkMonitor reads the ConnectivityManager");
    deliberate.put("androidx.lifecycle.Lifecycle", "AndroidOptions.Builder.lifecycle, optional");
    deliberate.put("org.jspecify.annotations.Nullable", "nullness of the public packages");
    deliberate.put("org.jspecify.annotations.NullMarked", "nullness of the public packages");
    ANDROID = new ApiSurfaceTest.Surface("corridor-android", "android",
        Arrays.asList("dev.corridor.android"), ApiSurfaceTest.PUBLIC_PACKAGES, CorridorAndroid.class,
        forbidden, deliberate,
        Arrays.asList("dev.corridor.android.AndroidOptions", "dev.corridor.android.CorridorAndroid"));
  }

  @Test
  void publicApiMatchesTheCheckedInSignatureFile() throws IOException {
    ApiSurfaceTest.assertMatchesFile(ANDROID);
  }

  @Test
  void publicSignaturesMentionNoImplementationType() throws IOException {
    ApiSurfaceTest.assertMentionsNoImplementationType(ANDROID);
  }

  @Test
  void everyPublicPackageIsReadAndTheTypesAreSorted() throws IOException {
    ApiSurfaceTest.assertEveryPackageRead(ANDROID);
  }
}
