package dev.corridor.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corridor.sample.market.MarketFeed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the README and docs/sample.md say about the sample matches the code: the topic list is the
 * one {@code --server} prints, the chaos table is the modes', and every command they show parses.
 */
class DocsTest {
  private static final String JAR = "java -jar sample-ticker/target/corridor-ticker.jar";

  private static String read(String path) throws Exception {
    return Files.readString(Path.of("..").resolve(path), StandardCharsets.UTF_8);
  }

  @Test
  void sampleDocShowsTheTopicListTheServerPrints() throws Exception {
    List<String> catalog = Topics.catalog(List.copyOf(MarketFeed.DEFAULT_WATCHLIST.keySet()));
    assertThat(read("docs/sample.md")).contains("```\n" + String.join("\n", catalog) + "\n```");
  }

  @Test
  void sampleDocsChaosTableIsTheModes() throws Exception {
    String doc = read("docs/sample.md");
    for (ChaosControl.Mode m : ChaosControl.Mode.values()) {
      String when = m.isEvent() ? "every " + m.minIntervalMillis() / 1000 + "-" + m.maxIntervalMillis() / 1000 + " s"
          : "while on";
      assertThat(doc).contains("| " + (m.ordinal() + 1) + " | `" + m.label() + "` | " + m.effect() + " | " + when + " |");
    }
  }

  @Test
  void theDocsGiveTheRotationsTimesAndTheDefaultNumberOfNodes() throws Exception {
    long period = dev.corridor.sample.server.NodeRotation.PERIOD_MILLIS / 1000;
    long down = dev.corridor.sample.server.NodeRotation.DOWN_MILLIS / 1000;
    String doc = read("docs/sample.md").replaceAll("\\s+", " ");
    assertThat(doc).contains("Every " + period + " s one node crashes", down + " s later it starts again",
        "`--nodes N` nodes (1 to " + CommandLine.MAX_NODES + ", default " + CommandLine.DEFAULT_NODES + ")",
        "keyPrefix(\"" + DemoCluster.KEY_PREFIX + "\")");
    String readme = read("README.md").replaceAll("\\s+", " ");
    assertThat(readme).contains("Every " + period + " s the node the ticker is on crashes", "comes back " + down
        + " s later", "default three");
    assertThat(CommandLine.DEFAULT_NODES).isEqualTo(3);
  }

  @Test
  void everySampleCommandInTheReadmeAndTheSampleDocParses() throws Exception {
    List<String[]> commands = new ArrayList<>();
    for (String path : List.of("README.md", "docs/sample.md")) {
      String text = read(path);
      // "java -jar .../corridor-ticker.jar --a b" and the README table's "… --a b".
      Matcher m = Pattern.compile("(?:" + Pattern.quote(JAR) + "|`…) ?([^`#\\n|]*)").matcher(text);
      while (m.find()) commands.add(m.group(1).trim().isEmpty() ? new String[0] : m.group(1).trim().split("\\s+"));
    }
    assertThat(commands).hasSizeGreaterThan(8);
    for (String[] args : commands) {
      CommandLine.Options o = CommandLine.parse(args);
      assertThat(o).as("%s", Arrays.toString(args)).isNotNull();
    }
  }

  @Test
  void theReadmeSaysWhichCommandProducedItsExampleOutput() throws Exception {
    String readme = read("README.md");
    Matcher m = Pattern.compile("produced by\\s+`" + Pattern.quote(JAR) + " ([^`]*)`").matcher(readme);
    assertThat(m.find()).as("the README names the command of its example output").isTrue();
    String[] args = m.group(1).split("\\s+");
    CommandLine.Options o = CommandLine.parse(args);
    assertThat(o.plain).isTrue();
    // The example shows the status line of this version: the fields in StatusLine's order.
    String example = readme.substring(m.end());
    example = example.substring(example.indexOf("```\n") + 4, example.indexOf("\n```", example.indexOf("```\n") + 4));
    assertThat(example.lines().filter(l -> !l.startsWith("#") && l.contains("  rtt ")))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).matches("[A-Z_]+( \\(retry in [0-9.]+s\\))?  rtt \\S+  msgs/s \\S+  "
            + "reconnects \\d+  outbox \\d+  rejected \\d+  \\|  .*"));
    for (String symbol : o.symbols) assertThat(example).contains(symbol + " ");
  }
}
