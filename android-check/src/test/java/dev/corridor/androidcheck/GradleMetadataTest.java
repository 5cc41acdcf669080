package dev.corridor.androidcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What corridor-sdk publishes for Gradle consumers, read from the sdk module's build output (the
 * reactor builds sdk before this module): Gradle module metadata whose only OkHttp dependency is
 * the multiplatform root {@code okhttp}, which Gradle resolves by variant (okhttp-android in an
 * Android app, okhttp-jvm on the JVM), and a pom that still gives Maven okhttp-jvm and tells
 * Gradle to prefer the metadata.
 */
class GradleMetadataTest {
  private static final Path SDK = Paths.get("..", "sdk", "target");
  private static final String VERSION = System.getProperty("corridor.version");
  private static final String OKHTTP = System.getProperty("okhttp.version");

  private static String read(Path path) throws Exception {
    return new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
  }

  private static List<String> matches(String text, String regex) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) found.add(m.group(1));
    return found;
  }

  @Test
  void theModuleNamesOkHttpsRootAndNotItsJvmVariant() throws Exception {
    String module = read(SDK.resolve("publications/maven/module.json"));
    assertThat(module).contains("\"formatVersion\": \"1.1\"");
    List<String> variants = matches(module, "\"name\": \"(\\w+Elements)\"");
    assertThat(variants).containsExactly("apiElements", "runtimeElements");
    List<String> okhttp = matches(module,
        "\"group\": \"com.squareup.okhttp3\",\\s*\"module\": \"([\\w-]+)\"");
    assertThat(okhttp).as("OkHttp modules, one per variant").containsExactly("okhttp", "okhttp");
    assertThat(module).contains("\"requires\": \"" + OKHTTP + "\"");
    assertThat(module).doesNotContain("okhttp-jvm");
  }

  @Test
  void theModuleDescribesTheJarThatIsPublished() throws Exception {
    String module = read(SDK.resolve("publications/maven/module.json"));
    Path jar = SDK.resolve("corridor-sdk-" + VERSION + ".jar");
    byte[] bytes = Files.readAllBytes(jar);
    StringBuilder sha256 = new StringBuilder();
    for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) {
      sha256.append(String.format("%02x", b));
    }
    assertThat(matches(module, "\"url\": \"([^\"]+)\"")).containsOnly(jar.getFileName().toString());
    assertThat(matches(module, "\"size\": (\\d+)")).containsOnly(String.valueOf(bytes.length));
    assertThat(matches(module, "\"sha256\": \"(\\w+)\"")).containsOnly(sha256.toString());
  }

  @Test
  void thePublishedPomKeepsMavenOnOkHttpJvmAndPointsGradleAtTheMetadata() throws Exception {
    String pom = read(SDK.resolve(".flattened-pom.xml"));
    // Gradle looks for the .module only when the pom carries this marker.
    assertThat(pom).contains("<!-- do_not_remove: published-with-gradle-metadata -->");
    assertThat(pom).contains("<artifactId>okhttp-jvm</artifactId>", "<artifactId>okhttp</artifactId>");
  }
}
