package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Java block of the README's embedding section, split into its imports and its statements,
 * for tests that compile it inside a method of their own (core's {@code EmbeddingReadmeTest}, and
 * it-tests' {@code ReadmeExampleTest} against the real adapters). Read from {@code ../README.md},
 * a module's folder being the working directory.
 *
 * @param imports its import lines, each ending with a line break
 * @param statements the rest of its lines, each ending with a line break
 */
public record ReadmeExample(String imports, String statements) {
  /** The heading of the README's embedding section. */
  public static final String SECTION = "## Embed the controller (Java)";

  /** The README's embedding section as it is now, from its heading to the next one. */
  public static String section() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf(SECTION);
    assertTrue(section >= 0, "README has no section " + SECTION);
    return readme.substring(section, readme.indexOf("\n## ", section + 1));
  }

  /** The example as the README shows it now. */
  public static ReadmeExample read() throws IOException {
    String section = section();
    int start = section.indexOf("```java\n") + "```java\n".length();
    String block = section.substring(start, section.indexOf("```", start));
    StringBuilder imports = new StringBuilder();
    StringBuilder statements = new StringBuilder();
    for (String line : block.split("\n")) {
      (line.startsWith("import ") ? imports : statements).append(line).append('\n');
    }
    return new ReadmeExample(imports.toString(), statements.toString());
  }
}
