package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Java snippet of README.md and docs/*.md compiles against this build's API, as Java 8 (the
 * language an Android app on API 24 writes), with every lint warning an error: a snippet that a
 * change of the API breaks, or one that uses a deprecated method, fails the build here, naming the
 * document and line. BuildSnippetsTest checks the dependency coordinates; this test checks code.
 *
 * <p>The convention, for whoever writes a {@code ```java} block:
 *
 * <ul>
 *   <li>A block that starts with {@code package}, {@code import} or a type declaration is a source
 *       file and is compiled as it stands.
 *   <li>Any other block is a sequence of statements. It becomes the body of a method, in a class
 *       whose file imports {@code dev.corridor.*} and {@code java.util.concurrent.*}.
 *   <li>What the statements use without declaring it (the reader's own {@code client},
 *       {@code render(...)}, ...) goes in a hidden prelude, an HTML comment right before the block
 *       (blank lines between are allowed), which Markdown does not show:
 *       <pre>
 * &lt;!-- snippet-context
 * import java.util.concurrent.atomic.AtomicReference;
 * CorridorClient client;
 * void render(byte[] payload) {}
 * --&gt;</pre>
 *       Its {@code import} lines join the file's imports; every other line is a member of the
 *       class, so fields and helper methods are in scope for the statements.
 *   <li>{@code <!-- snippet-android -->} (optionally followed by context lines, as above) marks
 *       code for an Android app: corridor-android's {@code AndroidSnippetsTest} compiles it, against
 *       the Android framework, with {@code dev.corridor.android.*} imported too. {@code <!--
 *       snippet-server -->} likewise marks server code, which corridor-server's {@code
 *       ServerSnippetsTest} compiles with {@code dev.corridor.server.*}.
 *   <li>{@code <!-- snippet-skip: REASON -->} right before a block leaves it out (it needs
 *       AndroidX, say, or lists signatures rather than code). The reason is required, and the
 *       README's blocks may not be skipped.
 * </ul>
 */
class JavaSnippetsTest {
  private static final Path ROOT = findRoot();
  private static final String DEFAULT_IMPORTS = "import dev.corridor.*;\nimport java.util.concurrent.*;\n";
  private static final Pattern BLOCK =
      Pattern.compile("(?m)^```java[ \\t]*\\n([\\s\\S]*?)^```[ \\t]*$");
  private static final Pattern SOURCE_FILE = Pattern.compile(
      "^(package|import)\\s|^(@\\w+\\s+)*((public|protected|private|abstract|final|static)\\s+)*"
          + "(class|interface|enum|@interface)\\s");
  private static final Pattern PUBLIC_TYPE = Pattern.compile(
      "(?m)^public\\s+((abstract|final)\\s+)*(class|interface|enum|@interface)\\s+(\\w+)");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");

  @TempDir
  Path classes;

  /** One {@code ```java} block: where it is, what it says, and the comment before it. */
  record Snippet(String document, int line, String code, String directive) {
    @Override
    public String toString() {
      return document + ":" + line;
    }

    boolean skipped() {
      return directive.startsWith("snippet-skip");
    }

    /**
     * The module whose test compiles it instead ({@code snippet-android}: corridor-android's
     * AndroidSnippetsTest; {@code snippet-server}: corridor-server's ServerSnippetsTest), or "".
     */
    String module() {
      for (String m : MODULES) {
        if (directive.startsWith("snippet-" + m)) return m;
      }
      return "";
    }

    String context() {
      if (directive.startsWith("snippet-context")) return directive.substring("snippet-context".length());
      if (!module().isEmpty()) return directive.substring(("snippet-" + module()).length());
      return "";
    }
  }

  /** The snippets to compile: every block not marked snippet-skip. */
  static Stream<Snippet> snippets() throws IOException {
    List<Snippet> all = new ArrayList<>();
    for (String document : documents()) all.addAll(snippetsOf(document));
    return all.stream().filter(s -> !s.skipped() && s.module().isEmpty());
  }

  /** Modules that compile their own snippets ({@code <!-- snippet-MODULE -->}). */
  static final List<String> MODULES = Arrays.asList("android", "server");

  /** The snippets {@code module} compiles (snippet-android, snippet-server). */
  static Stream<Snippet> snippetsFor(String module) throws IOException {
    List<Snippet> all = new ArrayList<>();
    for (String document : documents()) all.addAll(snippetsOf(document));
    return all.stream().filter(s -> s.module().equals(module));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snippets")
  void compiles(Snippet snippet) throws IOException {
    compile(snippet, classes, "-Xlint:all,-options,-processing");
  }

  /** Compiles {@code snippet} as Java 8 on the test class path into {@code classes}; every warning fails. */
  static void compile(Snippet snippet, Path classes, String lint) throws IOException {
    compile(snippet, classes, lint, "8");
  }

  /** As above, for Java {@code release} (the server's snippets are Java 17). */
  static void compile(Snippet snippet, Path classes, String lint, String release) throws IOException {
    Source source = source(snippet);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options = Arrays.asList("--release", release, lint, "-Werror",
          "-proc:none", "-classpath", testClassPath(), "-d", classes.toString());
      boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(source)).call();
      assertThat(ok).as("%s does not compile (%s):%n%s", snippet,
          snippet.context().isEmpty() ? "no snippet-context" : "with its snippet-context",
          report(snippet, source, diagnostics.getDiagnostics())).isTrue();
    }
  }

  /**
   * The convention holds: the README's snippets are found and compiled, every {@code ```java}
   * block is closed, each directive is one this test knows, and each skip says why.
   */
  @Test
  void theReadmeHasSnippetsAndEveryDirectiveIsKnown() throws IOException {
    assertThat(snippetsOf("README.md")).as("```java blocks in README.md").isNotEmpty()
        .noneMatch(Snippet::skipped);
    for (String document : documents()) {
      String text = read(document);
      List<Snippet> snippets = snippetsOf(document);
      assertThat(count(text, "(?m)^```java")).as("%s: every ```java block is closed", document)
          .isEqualTo(snippets.size());
      for (Snippet s : snippets) {
        if (s.skipped()) {
          assertThat(s.directive()).as("%s: snippet-skip needs a reason: <!-- snippet-skip: why -->", s)
              .matches("snippet-skip:\\s*\\S[\\s\\S]*");
        }
      }
      Matcher m = Pattern.compile("<!--\\s*(snippet[\\w-]*)").matcher(text);
      while (m.find()) {
        int line = lineOf(text, m.start());
        assertThat(m.group(1)).as("%s:%d: a snippet directive", document, line)
            .isIn("snippet-context", "snippet-skip", "snippet-android", "snippet-server");
        int end = text.indexOf("-->", m.end());
        assertThat(end).as("%s:%d: the directive's comment ends", document, line).isNotNegative();
        assertThat(text.substring(end + 3).stripLeading()).as("%s:%d: a ```java block follows the directive",
            document, line).startsWith("```java");
      }
    }
  }

  // ---- making a compilation unit ----

  /** A compilation unit in memory, with the line of the document its snippet starts at. */
  static final class Source extends SimpleJavaFileObject {
    final String text;
    /** Line of the source file on which the snippet's first line is. */
    final int firstSnippetLine;

    Source(String binaryName, String text, int firstSnippetLine) {
      super(URI.create("string:///" + binaryName.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
      this.text = text;
      this.firstSnippetLine = firstSnippetLine;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  static Source source(Snippet snippet) {
    String code = snippet.code();
    if (SOURCE_FILE.matcher(firstCodeLine(code)).find()) {
      Matcher type = PUBLIC_TYPE.matcher(code);
      Matcher pkg = PACKAGE.matcher(code);
      String name = type.find() ? type.group(4) : "Snippet";
      return new Source(pkg.find() ? pkg.group(1) + "." + name : name, code, 1);
    }
    StringBuilder imports = new StringBuilder(DEFAULT_IMPORTS);
    if (!snippet.module().isEmpty()) imports.append("import dev.corridor." + snippet.module() + ".*;\n");
    StringBuilder members = new StringBuilder();
    for (String line : snippet.context().split("\n", -1)) {
      if (line.strip().startsWith("import ")) {
        imports.append(line.strip()).append('\n');
      } else if (!line.isBlank()) {
        members.append("  ").append(line.strip()).append('\n');
      }
    }
    String name = "Snippet_" + snippet.document().replaceAll("\\W", "_") + "_" + snippet.line();
    String head = imports + "\nclass " + name + " {\n" + members
        + "\n  void snippet() throws Exception {\n";
    return new Source(name, head + code + "  }\n}\n", count(head, "\n") + 1);
  }

  private static String firstCodeLine(String code) {
    boolean inComment = false;
    for (String line : code.split("\n")) {
      String s = line.strip();
      if (inComment) {
        if (s.contains("*/")) inComment = false;
        continue;
      }
      if (s.isEmpty() || s.startsWith("//")) continue;
      if (s.startsWith("/*")) {
        inComment = !s.contains("*/");
        continue;
      }
      return s;
    }
    return "";
  }

  /** Each diagnostic at its line in the document, with that line. */
  private static String report(Snippet snippet, Source source, List<Diagnostic<? extends JavaFileObject>> diagnostics) {
    String[] lines = source.text.split("\n", -1);
    StringBuilder out = new StringBuilder();
    List<Diagnostic<? extends JavaFileObject>> sorted = new ArrayList<>(diagnostics);
    sorted.sort(java.util.Comparator.comparingLong(Diagnostic::getLineNumber));
    for (Diagnostic<? extends JavaFileObject> d : sorted) {
      long line = d.getLineNumber();
      long inSnippet = line - source.firstSnippetLine;
      String where = line <= 0 ? snippet.toString()
          : inSnippet >= 0 && inSnippet < count(snippet.code(), "\n")
              ? snippet.document() + ":" + (snippet.line() + 1 + inSnippet)
              : snippet + " (its snippet-context or wrapper, line " + line + ")";
      out.append("  ").append(where).append(": ").append(d.getKind().toString().toLowerCase(Locale.ROOT))
          .append(": ").append(d.getMessage(Locale.ROOT).replace("\n", "\n      ")).append('\n');
      if (line > 0 && line <= lines.length) out.append("      ").append(lines[(int) line - 1].strip()).append('\n');
    }
    return out.toString();
  }

  // ---- reading ----

  static List<String> documents() throws IOException {
    List<String> documents = new ArrayList<>();
    documents.add("README.md");
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      documents.addAll(docs.map(p -> "docs/" + p.getFileName()).filter(n -> n.endsWith(".md")).sorted()
          .collect(Collectors.toList()));
    }
    return documents;
  }

  static List<Snippet> snippetsOf(String document) throws IOException {
    String text = read(document);
    List<Snippet> snippets = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      snippets.add(new Snippet(document, lineOf(text, m.start()), m.group(1), directiveBefore(text, m.start())));
    }
    return snippets;
  }

  /** The text of the HTML comment that ends right before {@code at} (blank lines between), or "". */
  private static String directiveBefore(String text, int at) {
    String before = text.substring(0, at).stripTrailing();
    if (!before.endsWith("-->")) return "";
    int open = before.lastIndexOf("<!--");
    if (open < 0) return "";
    return before.substring(open + 4, before.length() - 3).strip();
  }

  private static int lineOf(String text, int offset) {
    return count(text.substring(0, offset), "\n") + 1;
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) n++;
    return n;
  }

  /** The test class path: surefire's (its own class path is a manifest-only jar), else the JVM's. */
  private static String testClassPath() {
    String path = System.getProperty("surefire.test.class.path");
    if (path == null || path.isEmpty()) path = System.getProperty("java.class.path");
    return Arrays.stream(path.split(File.pathSeparator)).filter(p -> !p.isEmpty())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static String read(String document) throws IOException {
    return new String(Files.readAllBytes(ROOT.resolve(document)), StandardCharsets.UTF_8);
  }

  private static Path findRoot() {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null && !(Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs")))) {
      dir = dir.getParent();
    }
    if (dir == null) throw new AssertionError("the repository root not found above " + Paths.get("").toAbsolutePath());
    return dir;
  }
}
