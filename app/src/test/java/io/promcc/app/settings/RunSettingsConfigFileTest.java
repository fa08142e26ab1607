package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The config file itself: keys without values, and files that cannot be read as settings. */
class RunSettingsConfigFileTest extends RunSettingsFixture {
  @ParameterizedTest
  @ValueSource(strings = {"debounce", "http-address", "private-key-mode", "state-dir"})
  void aConfigFileKeyWithoutAValueIsUnsetAndGetsItsDefault(String key) throws IOException {
    RunSettings defaults = load(Map.of("clusters", clusters.toString(), "out", "out"), Map.of());
    Path file = config("clusters: " + clusters + "\nout: out\n" + key + ":\n");

    RunSettings settings = load(Map.of("config", file.toString()), Map.of());

    assertEquals(List.of(), problems.list());
    assertEquals(defaults.toString(), settings.toString());
    assertEquals(defaults.pacing(), settings.pacing());
    assertEquals(defaults.httpAddress(), settings.httpAddress());
  }

  @Test
  void aMissingOrInvalidConfigFileIsAProblem() throws IOException {
    load(Map.of("config", temp.resolve("none.yml").toString()), Map.of());
    assertTrue(problems.list().get(0).startsWith("config file \"" + temp.resolve("none.yml")
        + "\" cannot be read"), problems.list().toString());
    Problems more = new Problems("settings");
    SettingsLoader.load(RunSettings.TABLE, Map.of("config", config("- a\n- b\n").toString()),
        Map.of(), more);
    assertTrue(more.list().get(0).endsWith("must be a mapping of setting names to values"),
        more.list().toString());
  }

  /**
   * A list that holds itself (an alias inside its own anchor) made the problem's text, and deep
   * nesting made the YAML reader, recurse until a StackOverflowError ended the start with a
   * stack trace instead of the settings' problems.
   */
  @Test
  void aConfigFileValueThatHoldsItselfOrNestsTooDeeplyIsAProblem() throws IOException {
    Path file = config("clusters: " + clusters + "\nout: out\nnamespaces: &n [a, [*n]]\n");
    load(Map.of("config", file.toString()), Map.of());
    String problem = problems.list().get(0);
    assertTrue(problem.startsWith("config file \"" + file + "\" is not valid YAML at line 3, "
        + "column 20: "), problem);
    assertTrue(problem.contains("the alias *n is inside the collection it names"), problem);

    Problems more = new Problems("settings");
    SettingsLoader.load(RunSettings.TABLE, Map.of("config", config("debounce: "
        + "[".repeat(100_000) + "]".repeat(100_000) + "\n").toString()), Map.of(), more);
    assertTrue(more.list().get(0).contains("collections nest more than 100 deep"),
        more.list().toString());
  }

  /**
   * A config file that does not parse was named with the YAML reader's message flattened, the
   * quoted lines and their carets included ("while parsing a flow node  in cfg.yml, line 1,
   * column 5:     x: [         ^ expected the node content, ..."), where the clusters file, the
   * base config and the profile say where and what in one line.
   */
  @Test
  void aConfigFileThatIsNotYamlIsNamedWithItsLineAndColumn() throws IOException {
    Path file = config("out: out\nnamespaces: [a,\n");

    load(Map.of("config", file.toString()), Map.of());

    assertEquals(List.of("config file \"" + file + "\" is not valid YAML at line 3, column 1: "
        + "expected the node content, but found '<stream end>' (while parsing a flow node)"),
        problems.list().subList(0, 1));
  }

  /**
   * A config file that does not parse never has its lines quoted: one holding a token by
   * mistake (a setting the config file refuses, but it is read first) had that line in the
   * problem, the YAML reader's snippet of it, as it was before the problem said where in line
   * and column alone. The token on the line of the problem, or of its context.
   */
  @ParameterizedTest
  @ValueSource(strings = {"vault-token: hvs.s3cr3t-t0ken: x\n",
      "out: out\nvault-token: \"hvs.s3cr3t-t0ken\n"})
  void aConfigFileThatIsNotYamlNeverQuotesItsLines(String text) throws IOException {
    Path file = config(text);

    load(Map.of("config", file.toString()), Map.of());

    String problem = problems.list().get(0);
    assertTrue(problem.startsWith("config file \"" + file + "\" is not valid YAML at line "),
        problem);
    assertFalse(problem.contains("s3cr3t"), problem);
  }

  /**
   * A file of gigabytes given as --config (a wrong path) ended the start with an
   * OutOfMemoryError and a stack trace instead of the settings' problems.
   */
  @Test
  void aConfigFileOfGigabytesIsAProblem() throws Exception {
    Path file = temp.resolve("huge.yml");
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(2L << 30);
    }

    load(Map.of("config", file.toString()), Map.of());

    assertEquals("config file \"" + file + "\" is larger than 1 MiB (1048576 bytes), "
        + "found 2147483648 bytes", problems.list().get(0));
  }

  /**
   * A folder, or a file that is no UTF-8 text, given as --config is named in words, as the
   * clusters file, base config and profile are, where the problem showed the JDK's exception
   * ("cannot be read (IOException: Is a directory)", "(MalformedInputException: Input length =
   * 1)").
   */
  @Test
  void aFolderOrAFileThatIsNoTextIsNamedInWords() throws IOException {
    Path folder = java.nio.file.Files.createDirectory(temp.resolve("settings.d"));
    Path latin1 = temp.resolve("latin1.yml");
    java.nio.file.Files.write(latin1, new byte[] {'o', 'u', 't', ':', ' ', (byte) 0xe9, '\n'});

    load(Map.of("config", folder.toString()), Map.of());
    load(Map.of("config", latin1.toString()), Map.of());

    assertEquals(List.of("config file \"" + folder + "\" cannot be read (is a directory)",
        "config file \"" + latin1 + "\" is not UTF-8 text (from byte 5 on)"),
        problems.list().stream().filter(problem -> problem.startsWith("config file")).toList());
  }
}
