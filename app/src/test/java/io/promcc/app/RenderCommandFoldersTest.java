package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The output and certificate folders of {@code promcc render}: files it wrote before and files
 * it did not, a certificate folder inside or missing, and certificate files gone missing.
 */
class RenderCommandFoldersTest extends RenderCommandFixture {
  @Test
  void reRenderingDeletesFilesOfRemovedClustersButNoFileItDidNotWrite() throws IOException {
    Path certificates = certificatesFor("abc12", "x7k2p");
    Path outDir = temp.resolve("out");
    Path both = clusters("""
        - id: abc12
          provider: aws
          apiServer: https://master.abc12
        - id: x7k2p
          provider: aws
          apiServer: https://master.x7k2p
        """);
    assertEquals(0, run("render", "--clusters", both.toString(), "--cert-dir",
        certificates.toString(), "--out", outDir.toString()), err.toString());
    Path users = Files.writeString(outDir.resolve("certs/users-own.pem"), "mine");
    Path one = clusters("""
        - id: abc12
          provider: aws
          apiServer: https://master.abc12
        """);

    assertEquals(0, run("render", "--clusters", one.toString(), "--cert-dir",
        certificates.toString(), "--out", outDir.toString()), err.toString());

    assertFalse(Files.exists(outDir.resolve("certs/x7k2p-key.pem")));
    assertTrue(Files.exists(outDir.resolve("certs/abc12-key.pem")));
    assertEquals("mine", Files.readString(users));
    assertFalse(Files.readString(outDir.resolve("prometheus.yml")).contains("x7k2p"));
  }

  @Test
  void refusesToReplaceAConfigItDidNotWrite() throws IOException {
    Path outDir = Files.createDirectories(temp.resolve("out"));
    Files.writeString(outDir.resolve("prometheus.yml"), "# the user's own\n");
    Path file = clusters("""
        - id: abc12
          provider: aws
          apiServer: https://master.abc12
        """);

    int code = run("render", "--clusters", file.toString(), "--cert-dir",
        certificatesFor("abc12").toString(), "--out", outDir.toString());

    assertEquals(Main.EXIT_INVALID, code);
    assertTrue(err.toString().startsWith("error: refusing to replace \"prometheus.yml\""),
        err.toString());
    assertEquals("# the user's own\n", Files.readString(outDir.resolve("prometheus.yml")));
  }

  @Test
  void aCertDirInsideTheOutFolderIsRefusedAndTheOutFolderLeftAlone() throws IOException {
    Path file = clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
    Path outDir = temp.resolve("out");
    assertEquals(0, run("render", "--clusters", file.toString(), "--cert-dir",
        certificatesFor("abc12").toString(), "--out", outDir.toString()), err.toString());
    String before = Files.readString(outDir.resolve("prometheus.yml"));
    err.getBuffer().setLength(0);

    // the files the first render wrote, read back as the user's certificates
    int code = run("render", "--clusters", file.toString(), "--cert-dir",
        outDir.resolve("certs").toString(), "--out", outDir.toString());

    assertEquals(Main.EXIT_INVALID, code, err.toString());
    // named by its option, as promcc run names it
    assertTrue(err.toString().contains("error: --cert-dir must be a folder outside --out \""
        + outDir + "\": promcc would read the certificate files it writes there as its input, "
        + "found \"" + outDir.resolve("certs") + "\"\n"), err.toString());
    assertEquals(before, Files.readString(outDir.resolve("prometheus.yml")));
  }

  @Test
  void aCertDirThatIsTheOutFolderIsTaken() throws IOException {
    Path file = clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
    Path outDir = certificatesFor("abc12");

    assertEquals(0, run("render", "--clusters", file.toString(), "--cert-dir",
        outDir.toString(), "--out", outDir.toString()), err.toString());
    assertTrue(Files.readString(outDir.resolve("prometheus.yml")).contains("abc12"));
  }

  @Test
  void aMissingCertDirIsAnErrorThatWritesNothing() throws IOException {
    Path file = clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
    Path outDir = temp.resolve("out");
    assertEquals(0, run("render", "--clusters", file.toString(), "--cert-dir",
        certificatesFor("abc12").toString(), "--out", outDir.toString()), err.toString());
    String before = Files.readString(outDir.resolve("prometheus.yml"));

    int code = run("render", "--clusters", file.toString(), "--cert-dir",
        temp.resolve("no-such-dir").toString(), "--out", outDir.toString());

    assertEquals(Main.EXIT_INVALID, code);
    // named by its option, as promcc run names it
    assertTrue(err.toString().contains("error: --cert-dir must be a readable folder, found \""
        + temp.resolve("no-such-dir") + "\"\n"), err.toString());
    assertEquals(before, Files.readString(outDir.resolve("prometheus.yml")), "jobs were deleted");
  }

  @Test
  void aClusterWhoseCertificateFilesWentMissingKeepsTheOnesInTheOutputFolder() throws IOException {
    Path file = clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
    Path outDir = temp.resolve("out");
    Path certs = certificatesFor("abc12");
    run("render", "--clusters", file.toString(), "--cert-dir", certs.toString(), "--out",
        outDir.toString());
    Files.delete(certs.resolve("abc12-key.pem"));

    int code = run("render", "--clusters", file.toString(), "--cert-dir", certs.toString(),
        "--out", outDir.toString());

    assertEquals(0, code, err.toString());
    assertTrue(Files.readString(outDir.resolve("prometheus.yml"))
        .contains("guest-cluster-abc12-system"));
    assertTrue(err.toString().contains("kept on its certificate files")
        && err.toString().contains("(certificate-incomplete)"), err.toString());
  }

  /**
   * An --out that is a file, or below one, ended in "error: cannot read ownership manifest
   * ...: java.nio.file.FileSystemException: ...: Not a directory", without "nothing was
   * written": it is invalid input, named with the other problems, as promcc run names it.
   */
  @Test
  void anOutThatIsAFileOrBelowOneIsNamedWithTheOtherProblems() throws IOException {
    Path file = clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
    Path aFile = Files.writeString(temp.resolve("a-file"), "x");
    Path below = aFile.resolve("out");

    int code = run("render", "--clusters", file.toString(), "--cert-dir",
        certificatesFor("abc12").toString(), "--out", aFile.toString(), "--base-config",
        temp.resolve("none.yml").toString());
    int belowCode = run("render", "--clusters", file.toString(), "--out", below.toString());

    assertEquals(List.of(Main.EXIT_INVALID, Main.EXIT_INVALID), List.of(code, belowCode));
    assertEquals(String.join("\n",
        "error: base config \"" + temp.resolve("none.yml") + "\" is invalid (1 problem)",
        "  - does not exist",
        "error: --out must be a folder (created if missing), but it is a file, found \""
            + aFile + "\"",
        "nothing was written",
        "error: --out must be a folder (created if missing), but \"" + aFile + "\" on its "
            + "path is a file, found \"" + below + "\"",
        "nothing was written", ""), err.toString());
    assertEquals("x", Files.readString(aFile));
  }

  /**
   * An --out where no folder can be made (below /proc, which takes none) ended in "error: cannot
   * prepare folder \"/proc/x\": java.nio.file.NoSuchFileException: /proc/x": the path and what
   * failed are named in words, as the other refusals of --out are.
   */
  @Test
  void anOutWhereNoFolderCanBeMadeIsNamedWithWhatFailed() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "a Linux /proc");
    Path file = clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");

    int code = run("render", "--clusters", file.toString(), "--out", "/proc/promcc-out/sub");

    assertEquals(Main.EXIT_INVALID, code, err.toString());
    assertEquals("error: --out cannot be made: making the folder \"/proc/promcc-out\" failed "
        + "(no such file or directory), found \"/proc/promcc-out/sub\"\nnothing was written\n",
        err.toString());
  }

  /**
   * An --out that exists but takes no file (/proc, as a read-only volume) ended in "error: cannot
   * write \"/proc/.promcc-manifest\": java.nio.file.NoSuchFileException:
   * /proc/.promcc-manifest.tmp": it is named with the operating system's reason, as an --out
   * where no folder can be made is, before any file is written.
   */
  @Test
  void anOutThatTakesNoFileIsNamedWithTheReason() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "a Linux /proc");
    Path file = clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");

    int code = run("render", "--clusters", file.toString(), "--out", "/proc");

    assertEquals(Main.EXIT_INVALID, code, err.toString());
    assertEquals("error: --out cannot be written: making the file \"/proc/.promcc-run.lock\" "
        + "failed (no such file or directory), found \"/proc\"\nnothing was written\n",
        err.toString());
  }

  /**
   * A --cert-dir that is a folder this process may not read (/proc/1/fdinfo where promcc may not
   * trace pid 1, or a folder of mode 000 for an ordinary user) was said not to exist: its read
   * is refused, and that is what is said, with the operating system's reason.
   */
  @Test
  void aCertificateFolderThatCannotBeReadIsNotSaidToBeMissing() throws IOException {
    Path unreadable = unreadableFolder();
    Path file = clusters("- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");

    run("render", "--clusters", file.toString(), "--cert-dir", unreadable.toString(), "--out",
        temp.resolve("out").toString());

    assertEquals("warning: cluster left out: abc12: certificate folder \"" + unreadable
        + "\" cannot be read (permission denied) (source-not-ready)",
        err.toString().lines().findFirst().orElseThrow(), err.toString());
  }

  /** A folder whose entries this process may not list, if there is one; else the test is off. */
  private Path unreadableFolder() throws IOException {
    Path own = Files.createDirectory(temp.resolve("unreadable"));
    Files.setPosixFilePermissions(own, java.nio.file.attribute.PosixFilePermissions
        .fromString("---------"));
    for (Path folder : List.of(own, Path.of("/proc/1/fdinfo"))) {
      try (var entries = Files.newDirectoryStream(folder)) {
        continue; // readable (root reads a folder of mode 000)
      } catch (java.nio.file.AccessDeniedException refused) {
        return folder;
      } catch (IOException other) {
        continue;
      }
    }
    assumeTrue(false, "no folder here refuses this process its entries");
    return null;
  }
}
