package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.yaml.ClusterList;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the harness writes is what the controller reads (core's {@link ClusterList}). */
class ClustersFileTest {
  @TempDir
  Path dir;

  private static final List<ClustersFile.Entry> ENTRIES = List.of(
      new ClustersFile.Entry("demo-a", "aws", "https://127.0.0.1:40425",
          Map.of("customer", "acme", "port", "8080", "flag", "true", "exp", "e1", "hex", "0x1f",
              "odd", "a: b # c \"d\""),
          Optional.of("127.0.0.1:40425")),
      new ClustersFile.Entry("b2", "kvm", "https://master.b2:443", Map.of(), Optional.empty()));

  @Test
  void blockEntriesReadBackAsWritten() {
    ClustersFile file = new ClustersFile(dir.resolve("clusters.yml"));
    file.write(ENTRIES, "# a comment\n");
    assertEquals(expected(), ClusterList.parse(file.read(), "clusters.yml"));
  }

  @Test
  void oneLineEntriesReadBackAsWritten() {
    ClustersFile file = new ClustersFile(dir.resolve("clusters.yml"));
    file.writeText(ENTRIES.get(0).line() + "\n" + ENTRIES.get(1).line() + "\n");
    assertEquals(expected(), ClusterList.parse(file.read(), "clusters.yml"));
  }

  @Test
  void uncommentingTheSpareLineAddsItsCluster() {
    ClustersFile file = new ClustersFile(dir.resolve("clusters.yml"));
    file.write(ENTRIES.subList(0, 1), "# add it:\n# " + ENTRIES.get(1).line() + "\n");
    assertEquals(expected().subList(0, 1), ClusterList.parse(file.read(), "clusters.yml"));
    file.writeText(file.read().replace("# - {", "- {"));
    assertEquals(expected(), ClusterList.parse(file.read(), "clusters.yml"));
  }

  @Test
  void anEmptyListIsNoCluster() {
    ClustersFile file = new ClustersFile(dir.resolve("clusters.yml"));
    file.write(List.of());
    assertEquals(List.of(), ClusterList.parse(file.read(), "clusters.yml"));
  }

  private static List<GuestCluster> expected() {
    return List.of(
        GuestCluster.of("demo-a", "aws", "https://127.0.0.1:40425")
            .withLabels(ENTRIES.get(0).labels()).withEtcd("127.0.0.1:40425"),
        GuestCluster.of("b2", "kvm", "https://master.b2:443"));
  }
}
