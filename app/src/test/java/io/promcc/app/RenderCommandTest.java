package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.FileModes;
import io.promcc.core.testing.TestCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RenderCommandTest {
  @TempDir Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(args);
  }

  private Path clusters(String yaml) throws IOException {
    return Files.writeString(temp.resolve("clusters.yml"), yaml);
  }

  private Path certificatesFor(String... ids) throws IOException {
    Path dir = Files.createDirectories(temp.resolve("certs"));
    for (String id : ids) {
      Files.writeString(dir.resolve(id + "-ca.pem"), TestCertificates.read("ca.pem"));
      Files.writeString(dir.resolve(id + "-crt.pem"), TestCertificates.read("client.pem"));
      Files.writeString(dir.resolve(id + "-key.pem"), TestCertificates.read("client-key.pem"));
    }
    return dir;
  }

  @Test
  void writesConfigAndCertificatesOfClustersWithCertificates() throws IOException {
    Path file = clusters("""
        - id: abc12
          provider: aws
          apiServer: https://master.abc12
        - id: nocert
          provider: kvm
          apiServer: https://master.nocert
        """);
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", file.toString(), "--cert-dir",
        certificatesFor("abc12").toString(), "--out", outDir.toString());

    assertEquals(0, code, err.toString());
    String config = Files.readString(outDir.resolve("prometheus.yml"));
    assertTrue(config.contains("job_name: guest-cluster-abc12-system"), config);
    assertFalse(config.contains("nocert"), config);
    assertEquals("rw-------", FileModes.of(outDir.resolve("certs/abc12-key.pem")));
    assertEquals("rwxr-x---", FileModes.of(outDir.resolve("certs")));
    assertTrue(err.toString().contains(
        "warning: cluster left out: nocert: no certificate files for cluster \"nocert\""),
        err.toString());
    assertTrue(out.toString().startsWith("wrote 4 files for 1 of 2 clusters"), out.toString());
  }

  @Test
  void aSummaryOfOneFileAndOneClusterSaysFileAndClusterInTheSingular() throws IOException {
    Path file = clusters("""
        - id: nocert
          provider: kvm
          apiServer: https://master.nocert
        """);
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", file.toString(), "--cert-dir",
        certificatesFor().toString(), "--out", outDir.toString());

    assertEquals(0, code, err.toString());
    assertTrue(out.toString().startsWith("wrote 1 file for 0 of 1 cluster to "), out.toString());
  }

  /**
   * The files of examples/ as the README renders them: every cluster gets its jobs (the etcd
   * job only where an etcd endpoint is given), and the base config keeps what it says it keeps.
   */
  @Test
  void theExamplesRenderEveryClusterAndKeepTheBaseConfig() throws IOException {
    Path examples = Path.of("..", "examples");
    Path outDir = temp.resolve("out");

    int code = run("render", "--clusters", examples.resolve("clusters.yml").toString(),
        "--base-config", examples.resolve("base-config.yml").toString(),
        "--cert-dir", certificatesFor("abc12", "x7k2p", "kvm01").toString(),
        "--out", outDir.toString());

    assertEquals(0, code, err.toString());
    assertEquals("", err.toString());
    assertTrue(out.toString().startsWith("wrote 10 files for 3 of 3 clusters"), out.toString());
    String config = Files.readString(outDir.resolve("prometheus.yml"));
    for (String job : List.of("abc12-system", "abc12-etcd", "x7k2p-kubelet", "kvm01-managed-app")) {
      assertTrue(config.contains("job_name: guest-cluster-" + job + "\n"), job + ":\n" + config);
    }
    assertFalse(config.contains("x7k2p-etcd"), config);
    assertTrue(config.contains("password: change-me"), config);
    assertTrue(config.contains("job_name: prometheus"), config);
  }

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
  void perClusterFilesModeWritesOneFilePerCluster() throws IOException {
    Path file = clusters("""
        - id: abc12
          provider: aws
          apiServer: https://master.abc12
        """);
    Path outDir = temp.resolve("out");

    int code = run("render", "--output-mode", "per-cluster-files", "--clusters", file.toString(),
        "--cert-dir", certificatesFor("abc12").toString(), "--out", outDir.toString());

    assertEquals(0, code, err.toString());
    assertTrue(Files.readString(outDir.resolve("prometheus.yml"))
        .contains("scrape_config_files:\n- scrape_configs/*.yml\n"));
    assertTrue(Files.readString(outDir.resolve("scrape_configs/abc12.yml"))
        .contains("ca_file: \"../certs/abc12-ca.pem\""));
  }

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
  void shardsSplitTheClustersWithoutOverlapOrGap() throws IOException {
    StringBuilder yaml = new StringBuilder();
    String[] ids = new String[12];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "c" + i;
      yaml.append("- id: c").append(i).append("\n  provider: aws\n  apiServer: https://m")
          .append(i).append('\n');
    }
    Path file = clusters(yaml.toString());
    String certs = certificatesFor(ids).toString();
    Set<String> seen = new TreeSet<>();
    int total = 0;
    for (int k = 0; k < 3; k++) {
      Path outDir = temp.resolve("shard-" + k);
      assertEquals(0, run("render", "--clusters", file.toString(), "--cert-dir", certs,
          "--out", outDir.toString(), "--shard", k + "/3"), err.toString());
      String config = Files.readString(outDir.resolve("prometheus.yml"));
      for (String id : ids) {
        if (config.contains("job_name: guest-cluster-" + id + "-system")) {
          assertTrue(seen.add(id), id + " is in two shards");
          total++;
        }
      }
    }
    assertEquals(Set.of(ids), seen);
    assertEquals(ids.length, total);
    assertTrue(out.toString().contains("(shard 2/3 of 12 listed)"), out.toString());
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
    assertTrue(err.toString().contains("error: cert dir \"" + outDir.resolve("certs")
        + "\" is inside --out \"" + outDir + "\""), err.toString());
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
  void profileCommandPrintsTheDefaultProfile() {
    assertEquals(0, run("profile"));
    assertTrue(out.toString().contains("- name: apiserver"), out.toString());
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
    assertTrue(err.toString().contains("error: cert dir \"" + temp.resolve("no-such-dir")
        + "\" is not a readable folder"), err.toString());
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
}
