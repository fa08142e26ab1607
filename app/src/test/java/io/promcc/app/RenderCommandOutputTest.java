package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.FileModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What {@code promcc render} writes and says: config and certificate files, the summary, the
 * examples of the README, one file per cluster, shards, and the default profile.
 */
class RenderCommandOutputTest extends RenderCommandFixture {
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
  void profileCommandPrintsTheDefaultProfile() {
    assertEquals(0, run("profile"));
    assertTrue(out.toString().contains("- name: apiserver"), out.toString());
  }
}
