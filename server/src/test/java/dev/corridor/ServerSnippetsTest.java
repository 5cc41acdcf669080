package dev.corridor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The docs' server snippets ({@code <!-- snippet-server -->}, see {@link JavaSnippetsTest})
 * compile against corridor-server, as Java 17 source with every warning an error.
 */
class ServerSnippetsTest {
  @TempDir
  Path classes;

  static List<JavaSnippetsTest.Snippet> serverSnippets() throws IOException {
    return JavaSnippetsTest.snippetsFor("server").collect(Collectors.toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serverSnippets")
  void compiles(JavaSnippetsTest.Snippet snippet) throws IOException {
    JavaSnippetsTest.compile(snippet, classes, "-Xlint:all,-options,-processing", "17");
  }

  @Test
  void theServerGuideHasSnippets() throws IOException {
    assertThat(serverSnippets()).extracting(JavaSnippetsTest.Snippet::document).contains("docs/server.md");
  }
}
