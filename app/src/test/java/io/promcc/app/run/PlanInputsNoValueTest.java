package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.InputFiles;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.port.Sleeper;
import io.promcc.core.yaml.BaseConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether a version of the base config or profile read while waiting for it to hold still is of
 * no YAML value so far (given the longer wait) is told as the base config's parse tells it,
 * without that parse: an edit is parsed once, when it is taken. On a model of time whose sleeps
 * move the ticker and may write the next version of the file; the parses are counted through
 * the parser the inputs are given.
 */
class PlanInputsNoValueTest {
  private static final ControllerSettings SETTINGS = ControllerSettings.builder().build();
  private static final String GOOD = "global: {scrape_interval: 30s}\n";
  private static final String EDIT = "global:\n  scrape_interval: 20s\nrule_files: [rules.yml]\n";
  private static final String PROFILE = "jobs:\n- name: x\n  role: node\n  target: direct\n";

  @TempDir Path temp;
  private final List<String> reports = new ArrayList<>();
  private final List<Duration> sleeps = new ArrayList<>();
  /** Each parse as a base config: "source: text". */
  private final List<String> parsed = new ArrayList<>();
  private final long[] now = {0};
  /** What the next sleep writes to {@link #written}, once; null: nothing. */
  private byte[] next;
  private Path written;
  private final Sleeper sleeper = duration -> {
    sleeps.add(duration);
    now[0] += duration.toNanos();
    if (next != null) {
      write(written, next);
      next = null;
    }
  };

  private PlanInputs inputs(Path base, Optional<Path> profile) {
    PlanInputs inputs = new PlanInputs(Optional.of(base), profile, SETTINGS,
        (source, message) -> reports.add(source + ": " + message), () -> now[0], sleeper,
        (text, source) -> {
          parsed.add(source + ": " + text);
          return BaseConfig.parse(text, source);
        });
    parsed.clear(); // the start's
    return inputs;
  }

  private static Path write(Path file, byte[] bytes) {
    try {
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * An edit written in place ({@code cat new.yml > base.yml}), empty for a moment: each version
   * the wait read (the empty one, the whole one), and the profile, held still, were parsed whole
   * as a base config to tell whether they were of no value, then the whole one again to be
   * taken: a 1 MB base config about 150 ms more per edit on the watcher's thread.
   */
  @Test
  void anEditOfTheBaseConfigIsParsedOnceWhenTaken() {
    Path base = write(temp.resolve("base.yml"), utf8(GOOD));
    Path profile = write(temp.resolve("profile.yml"), utf8(PROFILE));
    PlanInputs inputs = inputs(base, Optional.of(profile));
    written = base;
    write(base, new byte[0]);
    next = utf8(EDIT);

    assertTrue(inputs.reload());

    assertEquals(List.of(base + ": " + EDIT), parsed);
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMillis(100)),
        sleeps, "the empty version given the longer wait, the whole one and the profile not");
    assertEquals(List.of(), reports);
  }

  /**
   * Bytes that are no UTF-8 text are of a value to the wait, as the parse refuses them, also
   * where the text before them holds none: given the short wait, then refused as before, once.
   */
  @Test
  void aBaseConfigThatIsNoUtf8TextIsGivenTheShortWaitAndRefused() {
    Path base = write(temp.resolve("base.yml"), utf8(GOOD));
    byte[] latin1Comment = "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream noValueThenNoText = new ByteArrayOutputStream();
    noValueThenNoText.writeBytes(utf8("# nothing yet\n"));
    noValueThenNoText.writeBytes(new byte[] {(byte) 0xff, '\n'});
    for (byte[] bytes : List.of(latin1Comment, noValueThenNoText.toByteArray())) {
      PlanInputs inputs = inputs(base, Optional.empty());
      write(base, bytes);
      sleeps.clear();
      reports.clear();

      assertFalse(inputs.reload());

      assertEquals(List.of(Duration.ofMillis(100)), sleeps);
      assertEquals(List.of(), parsed);
      assertEquals(1, reports.size(), reports.toString());
      assertTrue(reports.get(0).endsWith("is not UTF-8 text (from byte "
          + (bytes == latin1Comment ? 5 : 14) + " on)"), reports.get(0));
      write(base, utf8(GOOD));
    }
  }

  /**
   * A base config past the size bound is not read whole: given the short wait, never parsed,
   * and refused as too large, as before.
   */
  @Test
  void aBaseConfigPastTheSizeBoundIsGivenTheShortWaitAndNotParsed() throws IOException {
    Path base = write(temp.resolve("base.yml"), utf8(GOOD));
    PlanInputs inputs = inputs(base, Optional.empty());
    try (RandomAccessFile file = new RandomAccessFile(base.toFile(), "rw")) {
      file.setLength(InputFiles.MAX_BYTES + 1L); // zeros the file system does not store
    }

    assertFalse(inputs.reload());

    assertEquals(List.of(Duration.ofMillis(100)), sleeps);
    assertEquals(List.of(), parsed);
    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).endsWith("is larger than 64 MiB (67108864 bytes), found 67108865 "
        + "bytes"), reports.get(0));
  }

  /**
   * The shapes of a file of no value so far as the base config's parse reads them (its first
   * document only, comments, markers, a byte order mark, directives) are given the longer wait,
   * and those of a value ({@code ~}, {@code {}}, invalid YAML) the short one; none is parsed
   * until it holds still, and then as it is taken.
   */
  @Test
  void eachShapeIsGivenTheWaitItsParseTells() {
    Path base = write(temp.resolve("base.yml"), utf8(GOOD));
    List<String> noValue = List.of("", "# nothing yet\n", "--- # c\n...\n", "\uFEFF# c\n",
        "%YAML 1.2\n---\n", "---\n---\nglobal: {}\n", "# a\n---\n--- [\n");
    List<String> aValue = List.of("~\n", "null\n", "{}\n", "# a\n---\nglobal: {}\n",
        "global: {}\n: [\n", "# c\n[\n", "%YAML 1.2\n", "\uFEFF~\n");
    for (List<String> shapes : List.of(noValue, aValue)) {
      for (String shape : shapes) {
        PlanInputs inputs = inputs(base, Optional.empty());
        write(base, utf8(shape));
        sleeps.clear();

        inputs.reload();

        Duration wait = shapes == noValue ? Duration.ofSeconds(2) : Duration.ofMillis(100);
        assertEquals(List.of(wait), sleeps, shape);
        assertEquals(List.of(base + ": " + shape), parsed, shape);
        write(base, utf8(GOOD));
      }
    }
  }

  /**
   * A profile of several YAML documents whose first holds no value ({@code ---} twice, then
   * jobs) is refused whatever is written after it, as the profile is read as one document: it
   * is given the short wait and refused, where the longer wait its first document would have
   * (the base config's reading) changed nothing. One of no value in one document, as a profile
   * being written is for a moment, is still given the longer wait; and so is one whose last line
   * is not ended yet.
   */
  @Test
  void aProfileOfSeveralDocumentsIsRefusedWithoutTheLongerWait() {
    Path base = write(temp.resolve("base.yml"), utf8(GOOD));
    Path profile = write(temp.resolve("profile.yml"), utf8(PROFILE));
    List<String> several = List.of("---\n---\n" + PROFILE, "# a\n---\n---\n",
        "---\n...\n", "--- # c\n...\n---\n" + PROFILE);
    List<String> oneOfNoValue = List.of("", "# nothing yet\n", "---\n", "%YAML 1.2\n---\n",
        "--- # c\n", "---\n---", "%YAML 1.2\n", "# c\n%TAG !e! tag:example.com,2000:\n");
    for (List<String> shapes : List.of(several, oneOfNoValue)) {
      for (String shape : shapes) {
        PlanInputs inputs = inputs(base, Optional.of(profile));
        write(profile, utf8(shape));
        sleeps.clear();
        reports.clear();

        assertFalse(inputs.reload(), shape);

        Duration wait = shapes == several ? Duration.ofMillis(100) : Duration.ofSeconds(2);
        assertEquals(List.of(Duration.ofMillis(100), wait), sleeps, shape);
        assertEquals(1, reports.size(), shape + ": " + reports);
        assertTrue(reports.get(0).startsWith("profile: "), reports.get(0));
        write(profile, utf8(PROFILE));
      }
    }
  }
}
