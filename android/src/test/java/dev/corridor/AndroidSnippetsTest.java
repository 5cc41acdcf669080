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
 * The README's and docs' Android snippets ({@code <!-- snippet-android -->}, see {@link
 * JavaSnippetsTest}) compile against the Android framework (API 34) and corridor-android, with
 * every warning an error except the framework jar's own missing-annotation noise.
 */
class AndroidSnippetsTest {
  @TempDir
  Path classes;

  static List<JavaSnippetsTest.Snippet> androidSnippets() throws IOException {
    return JavaSnippetsTest.snippetsFor("android").collect(Collectors.toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("androidSnippets")
  void compiles(JavaSnippetsTest.Snippet snippet) throws IOException {
    JavaSnippetsTest.compile(snippet, classes, "-Xlint:all,-options,-processing,-classfile");
  }

  @Test
  void theReadmeAndTheAndroidGuideHaveAndroidSnippets() throws IOException {
    assertThat(androidSnippets()).extracting(JavaSnippetsTest.Snippet::document)
        .contains("README.md", "docs/android.md");
  }
}
