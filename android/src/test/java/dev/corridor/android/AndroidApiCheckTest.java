package dev.corridor.android;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The API 24 check bites on android.* calls. With the framework jar on the classpath,
 * animal-sniffer skips every class of a dependency unless told otherwise, and then passes any
 * framework call whatever its API level. This builds src/api-probe, a project that inherits the
 * parent's animal-sniffer configuration unchanged (the one corridor-android uses) and compiles a
 * single class against the same framework jar: the check must reject an API 26 call and accept
 * its API 24 form. Runs Maven (offline: the outer build has resolved everything it needs).
 */
class AndroidApiCheckTest {
  private static final File ROOT = new File(System.getProperty("corridor.root"));
  private static final String VERSION = System.getProperty("corridor.version");

  private static final class Build {
    final int exitCode;
    final String output;

    Build(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  private static Build probe(String source) throws Exception {
    List<String> command = Arrays.asList(new File(ROOT, "mvnw").getAbsolutePath(), "-B", "-o", "-q",
        "-f", "android/src/api-probe/pom.xml", "-Drevision=" + VERSION, "-Dprobe.source=" + source,
        "process-classes");
    Process process = new ProcessBuilder(command).directory(ROOT).redirectErrorStream(true).start();
    process.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream()) {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) != -1; ) out.write(buffer, 0, n);
    }
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the probe build finished").isTrue();
    return new Build(process.exitValue(), new String(out.toByteArray(), StandardCharsets.UTF_8));
  }

  @Test
  void aCallAboveApi24FailsTheBuild() throws Exception {
    Build build = probe("api26");
    assertThat(build.exitCode).as(build.output).isNotZero();
    assertThat(build.output).contains("Undefined reference: void android.net.ConnectivityManager"
        + ".registerDefaultNetworkCallback(android.net.ConnectivityManager.NetworkCallback,"
        + " android.os.Handler)");
  }

  @Test
  void theApi24FormOfTheSameCallPasses() throws Exception {
    Build build = probe("api24");
    assertThat(build.exitCode).as(build.output).isZero();
    assertThat(build.output).doesNotContain("Undefined reference");
  }
}
