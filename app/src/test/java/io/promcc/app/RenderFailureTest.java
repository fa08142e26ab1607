package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.testing.RefusedFolder;
import io.promcc.core.testing.TestCertificates;
import io.promcc.prometheus.AtomicFileStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A render whose write fails part way says what it wrote before the failure. */
class RenderFailureTest {
  @TempDir Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** The help says what the README says: invalid input writes nothing, a failed write lists. */
  @Test
  void theHelpDoesNotPromiseNothingIsWrittenWhenAWriteFailsPartWay() {
    String help = new CommandLine(new RenderCommand()).getUsageMessage()
        .replaceAll("\\s+", " ");

    assertFalse(help.contains("On any problem, print every problem and write nothing"), help);
    assertTrue(help.contains("On invalid input, print every problem and write nothing; a write "
        + "that fails part way lists the files it had already replaced or deleted."), help);
  }

  /**
   * The store renamed the certificate files into place, then failed (a folder's fsync, the
   * manifest on a full disk): render said "nothing was written" with three new files in --out.
   */
  @Test
  void aWriteThatFailsPartWayNamesTheFilesItWrote() throws IOException {
    Path certs = Files.createDirectories(temp.resolve("certs"));
    Files.writeString(certs.resolve("abc12-ca.pem"), TestCertificates.read("ca.pem"));
    Files.writeString(certs.resolve("abc12-crt.pem"), TestCertificates.read("client.pem"));
    Files.writeString(certs.resolve("abc12-key.pem"), TestCertificates.read("client-key.pem"));
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
    Path outDir = temp.resolve("out");
    CommandLine render = new CommandLine(new RenderCommand(FailingPartWay::new));
    render.setOut(new PrintWriter(out));
    render.setErr(new PrintWriter(err));

    int code = render.execute("--clusters", clusters.toString(), "--cert-dir",
        certs.toString(), "--out", outDir.toString());

    assertEquals(Main.EXIT_INVALID, code, err.toString());
    assertTrue(Files.exists(outDir.resolve("certs/abc12-key.pem")));
    assertFalse(Files.exists(outDir.resolve("prometheus.yml")));
    assertEquals(List.of(
        "error: fsync of folder \"certs\" failed: Input/output error",
        "written before the failure (each file whole; the next render writes the rest):",
        "  - certs/abc12-ca.pem",
        "  - certs/abc12-crt.pem",
        "  - certs/abc12-key.pem"), err.toString().lines().toList());
  }

  /**
   * A certificate folder in --out that takes no new file (a read-only mount there): render said
   * "error: cannot write \"...\": java.nio.file.FileSystemException: .../certs/.abc12-ca.pem
   * .promcc-tmp-...: Operation not permitted"; it names the step and the reason in words.
   */
  @Test
  void aWriteRefusedByTheOperatingSystemIsNamedWithTheStepAndTheReason() throws Exception {
    Path certs = certificates();
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
    Path outDir = temp.resolve("out");
    Path refusing = Files.createDirectories(outDir.resolve("certs"));
    CommandLine render = new CommandLine(new RenderCommand());
    render.setOut(new PrintWriter(out));
    render.setErr(new PrintWriter(err));
    int code;
    String reason;
    try (RefusedFolder refused = RefusedFolder.of(refusing)) {
      reason = refused.reason();
      code = render.execute("--clusters", clusters.toString(), "--cert-dir",
          certs.toString(), "--out", outDir.toString());
    }

    assertEquals(Main.EXIT_INVALID, code, err.toString());
    Path ca = refusing.resolve("abc12-ca.pem");
    String expected = Pattern.quote("error: cannot write \"" + ca + "\": making its temporary "
        + "file \"" + refusing + "/.abc12-ca.pem" + AtomicFileStore.TEMP_MARKER) + "[0-9a-f]+"
        + Pattern.quote("\" failed (" + reason + ")");
    List<String> lines = err.toString().lines().toList();
    assertTrue(Pattern.matches(expected, lines.get(0)), err.toString());
    assertEquals(List.of("nothing was written"), lines.subList(1, lines.size()));
  }

  private Path certificates() throws IOException {
    Path certs = Files.createDirectories(temp.resolve("certs"));
    Files.writeString(certs.resolve("abc12-ca.pem"), TestCertificates.read("ca.pem"));
    Files.writeString(certs.resolve("abc12-crt.pem"), TestCertificates.read("client.pem"));
    Files.writeString(certs.resolve("abc12-key.pem"), TestCertificates.read("client-key.pem"));
    return certs;
  }

  /** The real store, whose write renames the first three files and then fails. */
  private static final class FailingPartWay extends ForwardingStore {
    FailingPartWay(Path folder) {
      super(new AtomicFileStore(folder));
    }

    @Override
    public void write(DesiredState desired, FileDiff diff) {
      super.write(desired, new FileDiff(diff.writes().subList(0, 3), List.of(), false));
      throw new ConfigStoreException("fsync of folder \"certs\" failed: Input/output error");
    }
  }
}
