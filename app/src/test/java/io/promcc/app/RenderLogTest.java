package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The log lines {@code promcc render} writes, as every other command writes them. */
class RenderLogTest extends RenderCommandFixture {
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private PrintStream savedErr;
  private Locale savedLocale;

  @BeforeEach
  void captureStandardErrorInAnotherLanguage() throws IOException {
    savedErr = System.err;
    savedLocale = Locale.getDefault();
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    Locale.setDefault(Locale.GERMANY); // the JDK's own format says WARNUNG
    LogManager.getLogManager().readConfiguration(); // the JDK's default, as a fresh java has
  }

  @AfterEach
  void restore() throws IOException {
    Locale.setDefault(savedLocale);
    System.setErr(savedErr);
    LogManager.getLogManager().readConfiguration();
  }

  /**
   * A lock file that cannot be made was logged in the JDK's default format, over two lines in
   * the machine's time zone and language ("Dez. 06, 2026 7:32:49 PM io.promcc.app.run.FolderLock
   * acquire", "WARNUNG: cannot lock --out ..."), unlike run's and check's lines.
   */
  @Test
  void aWarningIsOneLineInTheControllersFormat() throws IOException {
    Path file = clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
    Path outDir = temp.resolve("out");
    Files.createDirectories(outDir.resolve(".promcc-run.lock")); // no lock file can be made

    assertEquals(0, run("render", "--clusters", file.toString(), "--cert-dir",
        certificatesFor("abc12").toString(), "--out", outDir.toString()), err.toString());

    List<String> lines = stderr.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARNING "
        + "io\\.promcc\\.app\\.run\\.FolderLock: cannot lock --out \".*"), lines.get(0));
  }
}
