package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.RuntimeVersion;
import dev.corridor.internal.SdkVersion;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import okhttp3.OkHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The dependency lines people copy from the README ("Add Corridor to your build") and the docs
 * name artifacts this build publishes, at the version it builds. A version bump (the root pom's
 * {@code revision}) that forgets a document fails here, and so does a renamed artifact.
 */
class BuildSnippetsTest {
  /** The version this build makes: the pom's, filled into SdkVersion at build time. */
  private static final String VERSION = SdkVersion.VERSION;
  private static final String SECTION = "## Add Corridor to your build";
  private static final Path ROOT = findRoot();

  /** One {@code <dependency>} of a Maven snippet, and whether it sits in dependencyManagement. */
  record Dependency(boolean managed, String groupId, String artifactId, String version, String type,
      String scope) {
    String coordinates() {
      return groupId + ":" + artifactId + (version.isEmpty() ? "" : ":" + version);
    }
  }

  @Test
  void theVersionIsFilledInAndTheUserAgentCarriesIt() {
    assertThat(VERSION).as("SdkVersion.VERSION, from the pom").matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
    assertThat(CorridorClient.USER_AGENT).isEqualTo("corridor-java/" + VERSION);
  }

  @Test
  void readmeMavenSnippetImportsTheBomAndDependsOnTheSdkWithoutAVersion() throws Exception {
    List<Dependency> deps = mavenDependencies(readmeSection());
    assertThat(deps).as("Maven snippet of README.md's '%s'", SECTION)
        .contains(new Dependency(true, "dev.corridor", "corridor-bom", VERSION, "pom", "import"))
        .contains(new Dependency(false, "dev.corridor", "corridor-sdk", "", "", ""));
  }

  @Test
  void readmeGradleSnippetsUseTheBomAndOnAndroidCorridorAndroidWithoutExclusions() throws Exception {
    String kotlin = String.join("\n", blocks(readmeSection(), "kotlin"));
    assertThat(kotlin).as("Gradle snippets of README.md's '%s'", SECTION)
        .contains("implementation(platform(\"dev.corridor:corridor-bom:" + VERSION + "\"))")
        .contains("implementation(\"dev.corridor:corridor-sdk\")")
        .contains("implementation(\"dev.corridor:corridor-android\")")
        .contains("mavenLocal")
        // The published Gradle module metadata picks OkHttp's variant (android-check's
        // GradleMetadataTest): excluding okhttp-jvm by hand is no longer part of the set-up.
        .doesNotContain("exclude(");
  }

  @Test
  void readmeShowsTheLocalInstall() throws Exception {
    assertThat(blocks(readmeSection(), "sh")).map(String::strip).contains("./mvnw -B install -DskipTests");
  }

  /** The BOM manages exactly the published libraries; the snippets may name those and the BOM. */
  @Test
  void theBomManagesCorridorsLibrariesOnly() throws Exception {
    Document bom = parse(read(ROOT.resolve("bom/pom.xml")));
    assertThat(text(bom.getDocumentElement(), "artifactId")).isEqualTo("corridor-bom");
    for (Element d : elements(bom, "dependency")) {
      assertThat(text(d, "groupId")).as("groupId managed by the BOM").isEqualTo("dev.corridor");
    }
    assertThat(published()).contains("corridor-proto", "corridor-sdk", "corridor-android");
  }

  static Stream<String> documents() throws IOException {
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      return Stream.concat(Stream.of("README.md"), docs.map(p -> "docs/" + p.getFileName())
          .filter(n -> n.endsWith(".md")).sorted().collect(Collectors.toList()).stream());
    }
  }

  /** Every Corridor, OkHttp and protobuf coordinate in the docs is one this build uses. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("documents")
  void everyCoordinateInTheDocsIsOneThisBuildUses(String document) throws Exception {
    String text = read(ROOT.resolve(document));
    Set<String> published = published();
    String protobuf = RuntimeVersion.MAJOR + "." + RuntimeVersion.MINOR + "." + RuntimeVersion.PATCH;
    List<String> wrong = new ArrayList<>();

    // Gradle-style strings: "dev.corridor:corridor-sdk" or "dev.corridor:corridor-bom:0.2.0".
    Matcher m = Pattern.compile("\"dev\\.corridor:([^:\"]+)(?::([^\"]*))?\"").matcher(text);
    while (m.find()) {
      String coordinates = m.group().replace("\"", "");
      if (!published.contains(m.group(1))) wrong.add(coordinates + " (no such artifact)");
      if (m.group(2) != null && !m.group(2).equals(VERSION)) wrong.add(coordinates);
    }
    for (Dependency d : mavenDependencies(text)) {
      if (d.groupId().equals("dev.corridor")) {
        if (!published.contains(d.artifactId())) wrong.add(d.coordinates() + " (no such artifact)");
        if (!d.version().isEmpty() && !d.version().equals(VERSION)) wrong.add(d.coordinates());
      } else if (d.groupId().equals("com.google.protobuf") && !d.version().isEmpty()
          && !d.version().equals(protobuf)) {
        wrong.add(d.coordinates());
      }
    }
    m = Pattern.compile("com\\.squareup\\.okhttp3:okhttp(?:-jvm|-android)?:([0-9][^\"\\s)]*)").matcher(text);
    while (m.find()) if (!m.group(1).equals(OkHttp.VERSION)) wrong.add(m.group());
    m = Pattern.compile("com\\.google\\.protobuf:protobuf-java(?:lite)?:([0-9][^\"\\s)]*)").matcher(text);
    while (m.find()) if (!m.group(1).equals(protobuf)) wrong.add(m.group());
    m = Pattern.compile("\\bCorridor (\\d+\\.\\d+\\.\\d+\\S*?)(?=[)\\s,.;:]|$)").matcher(text);
    while (m.find()) if (!m.group(1).equals(VERSION)) wrong.add(m.group());
    m = Pattern.compile("corridor-java/([0-9][^\"`\\s]*)").matcher(text);
    while (m.find()) if (!m.group(1).equals(VERSION)) wrong.add(m.group());

    assertThat(wrong)
        .as("%s names these, but this build is Corridor %s (root pom's revision), OkHttp %s, protobuf %s",
            document, VERSION, OkHttp.VERSION, protobuf)
        .isEmpty();
  }

  /** .ci/run runs exactly the README's test command. */
  @Test
  void ciRunsTheReadmeTestCommand() throws Exception {
    String readme = read(ROOT.resolve("README.md"));
    int at = readme.indexOf("Run the whole test suite:");
    assertThat(at).as("README.md's 'Run the whole test suite:'").isNotNegative();
    String command = blocks(readme.substring(at), "sh").get(0).strip();
    List<String> ci = read(ROOT.resolve(".ci/run")).lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("set ") && !l.startsWith("cd "))
        .collect(Collectors.toList());
    assertThat(ci).as(".ci/run's commands").containsExactly(command);
  }

  // ---- reading ----

  private static String readmeSection() throws IOException {
    String readme = read(ROOT.resolve("README.md"));
    int start = readme.indexOf("\n" + SECTION + "\n");
    assertThat(start).as("README.md has a section '%s'", SECTION).isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  /** The contents of the fenced code blocks of {@code language} in {@code markdown}. */
  private static List<String> blocks(String markdown, String language) {
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^```" + Pattern.quote(language) + "[ \\t]*\\n([\\s\\S]*?)^```").matcher(markdown);
    while (m.find()) blocks.add(m.group(1));
    return blocks;
  }

  /** Every {@code <dependency>} in the markdown's xml blocks (each block may have several roots). */
  private static List<Dependency> mavenDependencies(String markdown) throws Exception {
    List<Dependency> deps = new ArrayList<>();
    for (String block : blocks(markdown, "xml")) {
      if (!block.contains("<dependency>")) continue;
      for (Element d : elements(parse("<snippet>" + block + "</snippet>"), "dependency")) {
        boolean managed = false;
        for (Node n = d.getParentNode(); n != null; n = n.getParentNode()) {
          if ("dependencyManagement".equals(n.getNodeName())) managed = true;
        }
        deps.add(new Dependency(managed, text(d, "groupId"), text(d, "artifactId"), text(d, "version"),
            text(d, "type"), text(d, "scope")));
      }
    }
    return deps;
  }

  /** The artifacts Corridor publishes: the BOM and what it manages. */
  private static Set<String> published() throws Exception {
    Set<String> ids = new TreeSet<>();
    ids.add("corridor-bom");
    for (Element d : elements(parse(read(ROOT.resolve("bom/pom.xml"))), "dependency")) {
      ids.add(text(d, "artifactId"));
    }
    return ids;
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new InputSource(new StringReader(xml)));
  }

  private static List<Element> elements(Document doc, String name) {
    NodeList nodes = doc.getElementsByTagName(name);
    List<Element> list = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) list.add((Element) nodes.item(i));
    return list;
  }

  /** The text of {@code element}'s direct child {@code name}, or "" if it has none. */
  private static String text(Element element, String name) {
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && n.getNodeName().equals(name)) return n.getTextContent().strip();
    }
    return "";
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private static Path findRoot() {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !(Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("bom")))) {
      dir = dir.getParent();
    }
    if (dir == null) throw new AssertionError("the repository root not found above " + Paths.get("").toAbsolutePath());
    return dir;
  }
}
