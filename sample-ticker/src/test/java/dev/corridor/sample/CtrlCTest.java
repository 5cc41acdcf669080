package dev.corridor.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C in plain mode, for real: the ticker runs in its own JVM and gets a SIGINT, as from a
 * terminal. {@code TickerMainTest} checks the same path in-process through the hook it registers;
 * this checks that the JVM really runs it.
 */
class CtrlCTest {
  private static final String END = "\u0000end";

  @Test
  void sigintInPlainModePrintsTheSummary() throws Exception {
    assumeTrue(!System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win"), "needs POSIX kill");
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(java, "-cp", classpath, TickerMain.class.getName(),
        "--plain", "--symbols", "AAPL", "--rate", "10").redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) lines.add(line);
      } catch (java.io.IOException e) {
        lines.add("read failed: " + e);
      }
      lines.add(END);
    }, "ctrl-c-test-reader");
    reader.setDaemon(true);
    reader.start();
    List<String> output = new ArrayList<>();
    try {
      while (true) {
        String line = lines.poll(30, TimeUnit.SECONDS);
        assertThat(line).as("a status line within 30 s; so far %s", output).isNotNull().isNotEqualTo(END);
        output.add(line);
        if (line.startsWith("CONNECTED")) break;
      }
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      while (true) {
        String line = lines.poll(30, TimeUnit.SECONDS);
        assertThat(line).as("the output ends within 30 s of the SIGINT; so far %s", output).isNotNull();
        if (line.equals(END)) break;
        output.add(line);
      }
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(output).filteredOn(l -> l.startsWith("application saw")).as("the summary, once: %s", output)
        .containsExactly("application saw        0 duplicates, 0 gaps (ok)");
    assertThat(output).anySatisfy(l -> assertThat(l).startsWith("received "));
  }
}
