package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad input to {@code promcc render}: clusters left out with the reason, every problem listed
 * at once, and options refused before anything is read or written.
 */
class RenderCommandProblemsTest extends RenderCommandFixture {
  /**
   * A cluster label le (or quantile) would rename every histogram bucket's own le to exported_le:
   * the entry is left out with the reason, and the others are written.
   */
  @Test
  void aClusterWhoseLabelEveryHistogramHasIsLeftOutWithTheReason() throws IOException {
    Path file = clusters("""
        - id: abc12
          provider: aws
          apiServer: https://master.abc12
          labels: {team: storage}
        - id: hist
          provider: aws
          apiServer: https://master.hist
          labels: {le: "0.5", team: storage}
        """);
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", file.toString(), "--cert-dir",
        certificatesFor("abc12", "hist").toString(), "--out", outDir.toString());

    assertEquals(0, code, err.toString());
    String config = Files.readString(outDir.resolve("prometheus.yml"));
    assertTrue(config.contains("job_name: guest-cluster-abc12-system"), config);
    assertFalse(config.contains("guest-cluster-hist-"), config);
    assertTrue(err.toString().contains("warning: cluster left out: hist: label \"le\" of cluster "
        + "\"hist\" collides with the label of every scraped histogram bucket, which Prometheus "
        + "would rename \"exported_le\" (histogram_quantile would find no buckets) "
        + "(label-collision)"), err.toString());
  }

  @Test
  void listsEveryProblemAndWritesNothing() throws IOException {
    Path file = clusters("""
        - id: Bad_ID
          provider: aws
          apiServer: https://x
        - id: ok
          provider: aws
          apiServer: ftp://x
          colour: blue
        """);
    Path base = Files.writeString(temp.resolve("base.yml"), "scrape_configs: {}\n");
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", file.toString(), "--base-config", base.toString(),
        "--out", outDir.toString());

    assertEquals(Main.EXIT_INVALID, code);
    List<String> lines = err.toString().lines().toList();
    assertEquals(List.of(
        "error: clusters file \"" + file + "\" is invalid (3 problems)",
        "  - clusters[0]: cluster id must be a DNS-1123 label (lower-case letters, digits and '-',"
            + " starting and ending with a letter or digit), found \"Bad_ID\"",
        "  - field \"colour\" not found in clusters[1]",
        "  - clusters[1]: api server of cluster \"ok\" must be an http or https url, found"
            + " \"ftp://x\"",
        "error: base config \"" + base + "\" is invalid (1 problem)",
        "  - \"scrape_configs\" must be a sequence, found a mapping",
        "nothing was written"), lines);
    assertFalse(Files.exists(outDir));
  }

  /**
   * A file of gigabytes given as --clusters, --base-config or --profile (a wrong path) ended the
   * render with an OutOfMemoryError: each is a problem naming the file and the bound, only that
   * much of it is read, and nothing is written (exit 1).
   */
  @Test
  void inputFilesOfGigabytesAreProblemsNamingTheFileAndTheBound() throws IOException {
    Path file = sparse(temp.resolve("clusters.yml"), 2L << 30);
    Path base = sparse(temp.resolve("base.yml"), (64L << 20) + 1);
    Path profile = sparse(temp.resolve("profile.yml"), 3L << 30);
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", file.toString(), "--base-config", base.toString(),
        "--profile", profile.toString(), "--out", outDir.toString());

    assertEquals(Main.EXIT_INVALID, code, err.toString());
    assertEquals(List.of(
        "error: clusters file \"" + file + "\" is invalid (1 problem)",
        "  - is larger than 64 MiB (67108864 bytes), found 2147483648 bytes",
        "error: profile \"" + profile + "\" is invalid (1 problem)",
        "  - is larger than 64 MiB (67108864 bytes), found 3221225472 bytes",
        "error: base config \"" + base + "\" is invalid (1 problem)",
        "  - is larger than 64 MiB (67108864 bytes), found 67108865 bytes",
        "nothing was written"), err.toString().lines().toList());
    assertFalse(Files.exists(outDir));
  }

  /** A file of {@code size} bytes that takes no room (zeros the file system does not store). */
  private static Path sparse(Path file, long size) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    }
    return file;
  }

  /** The problems of every input are listed together, a base config Prometheus would refuse too. */
  @Test
  void aBadClustersFileAndAnInvalidBaseConfigAreBothNamed() throws IOException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "- id: alpha\n");
    Path base = Files.writeString(temp.resolve("base.yml"),
        "global:\n  scrape_interval: 20s\n  scrape_timeout: 30s\n");
    Path certs = Files.createDirectory(temp.resolve("certs"));

    int code = run("render", "--clusters", clusters.toString(), "--base-config",
        base.toString(), "--cert-dir", certs.toString(), "--out",
        temp.resolve("out").toString());

    assertEquals(1, code, err.toString());
    assertFalse(Files.exists(temp.resolve("out")), "nothing was written");
    assertTrue(err.toString().contains("missing field \"apiServer\""), err.toString());
    assertTrue(err.toString().contains("scrape timeout greater than scrape interval"),
        "the base config's problem is printed with the clusters file's:\n" + err);
  }

  @Test
  void strictModeRefusesToLeaveClustersOut() throws IOException {
    Path file = clusters("""
        - id: nocert
          provider: kvm
          apiServer: https://master.nocert
        """);
    Path outDir = temp.resolve("out");

    int code = run("render", "--strict", "--clusters", file.toString(), "--out", outDir.toString());

    assertEquals(Main.EXIT_INVALID, code);
    assertTrue(err.toString().contains("error: nocert: no --cert-dir given, so no certificate "
        + "for cluster \"nocert\" (certificate-missing)"), err.toString());
    assertFalse(Files.exists(outDir));
  }

  @Test
  void aShardOutsideItsCountIsAnError() throws IOException {
    Path file = clusters("- id: a\n  provider: aws\n  apiServer: https://a\n");
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", file.toString(), "--out", outDir.toString(),
        "--shard", "3/3");

    assertEquals(2, code);
    assertTrue(err.toString().contains("shard must be K/N with 0 <= K < N (e.g. 0/3), found "
        + "\"3/3\""), err.toString());
    assertFalse(Files.exists(outDir));
  }

  /**
   * A bad --job-prefix was refused only after the input files had been read, as "controller
   * settings" and exit 1; it is refused with the command line, as a bad --shard is.
   */
  @Test
  void aBadJobPrefixIsRefusedBeforeAnyFileIsRead() throws IOException {
    Path missing = temp.resolve("missing.yml");
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", missing.toString(), "--out", outDir.toString(),
        "--job-prefix", "Guest_Cluster");

    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("--job-prefix must be lower-case letters, digits, '-' or "
        + "'_', at most 100 characters, found \"Guest_Cluster\""), err.toString());
    assertFalse(err.toString().contains(missing.toString()), err.toString());
    assertFalse(Files.exists(outDir));
  }

  /**
   * A base config with a second YAML document (a --- left in from pasting two files): neither
   * promcc nor Prometheus reads its jobs, and render says so where it said nothing.
   */
  @Test
  void aBaseConfigsTextPastItsFirstDocumentIsAWarning() throws IOException {
    Path file = clusters("""
        - id: abc12
          provider: aws
          apiServer: https://master.abc12
        """);
    Path base = Files.writeString(temp.resolve("base.yml"),
        "global: {scrape_interval: 30s}\n---\nscrape_configs: []\n");

    int code = run("render", "--clusters", file.toString(), "--base-config", base.toString(),
        "--cert-dir", certificatesFor("abc12").toString(), "--out",
        temp.resolve("out").toString());

    assertEquals(0, code, err.toString());
    assertTrue(err.toString().contains("warning: base config \"" + base + "\": the text from "
        + "line 3 is left out"), err.toString());
  }

  /**
   * A bad option value was said in picocli's words around promcc's ("error: Invalid value for
   * option '--job-prefix': --job-prefix must be ..."), and --output-mode and --shard in words of
   * their own: each is said once, as promcc run says it.
   */
  @Test
  void aBadOptionValueIsSaidAsRunSaysIt() throws IOException {
    Path file = clusters("- id: a\n  provider: aws\n  apiServer: https://a\n");
    List<List<String>> given = List.of(List.of("--job-prefix", "BAD_"),
        List.of("--shard", "5"), List.of("--output-mode", "x"));
    List<String> said = List.of("--job-prefix must be lower-case letters, digits, '-' or '_', "
        + "at most 100 characters, found \"BAD_\"",
        "--shard must be K/N with 0 <= K < N (e.g. 0/3), found \"5\"",
        "--output-mode must be merged or per-cluster-files, found \"x\"");

    for (int i = 0; i < given.size(); i++) {
      err.getBuffer().setLength(0);
      int code = run("render", "--clusters", file.toString(), "--out",
          temp.resolve("out").toString(), given.get(i).get(0), given.get(i).get(1));

      assertEquals(2, code, err.toString());
      assertEquals("error: " + said.get(i) + "\nsee 'promcc render --help'\n", err.toString());
    }
  }

  /**
   * A folder given as the clusters file said "cannot be read: java.io.IOException: Is a
   * directory", a profile that is no UTF-8 text "cannot be read:
   * java.nio.charset.MalformedInputException: Input length = 1": the operating system's reason,
   * and where the text stops being UTF-8, in promcc's words.
   */
  @Test
  void aFolderOrAFileThatIsNoTextIsNamedInWords() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("a-folder"));
    Path profile = Files.write(temp.resolve("profile.yml"),
        new byte[] {'j', 'o', 'b', 's', ':', ' ', (byte) 0xff, '\n'});

    int code = run("render", "--clusters", folder.toString(), "--profile", profile.toString(),
        "--out", temp.resolve("out").toString());

    assertEquals(Main.EXIT_INVALID, code, err.toString());
    assertEquals(String.join("\n",
        "error: clusters file \"" + folder + "\" is invalid (1 problem)",
        "  - cannot be read (is a directory)",
        "error: profile \"" + profile + "\" is invalid (1 problem)",
        "  - is not UTF-8 text (from byte 6 on)",
        "nothing was written", ""), err.toString());
    assertFalse(Files.exists(temp.resolve("out")));
  }

  /**
   * An empty clusters file (a write that failed, {@code > clusters.yml}) was rendered as a list
   * of no cluster, a config without the clusters' jobs; a list of no cluster is written [].
   */
  @Test
  void anEmptyClustersFileIsRefusedNamingTheEmptyList() throws IOException {
    Path file = clusters("# none yet\n");

    int code = run("render", "--clusters", file.toString(), "--out",
        temp.resolve("out").toString());

    assertEquals(Main.EXIT_INVALID, code, err.toString());
    assertEquals(String.join("\n",
        "error: clusters file \"" + file + "\" is invalid (1 problem)",
        "  - is empty (only blanks or comments, no YAML value); a list of no cluster is "
            + "written []",
        "nothing was written", ""), err.toString());
    assertFalse(Files.exists(temp.resolve("out")));
    assertEquals(0, run("render", "--clusters", clusters("[]\n").toString(), "--out",
        temp.resolve("out").toString()), err.toString());
  }
}
