package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.promcc.core.yaml.ClusterList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderSidesTest {
  @Test
  void theClustersFileForPromccRenderListsTheFleetAsItIs() {
    Fleet fleet = Fleet.of(12);

    String text = RenderSides.clustersFile(fleet.clusters());

    assertEquals(fleet.clusters(), ClusterList.parse(text, "clusters.yml"));
    assertEquals(List.of(), ClusterList.parse(RenderSides.clustersFile(List.of()), "empty.yml"));
  }

  @Test
  void deletesAFolderTreeAndToleratesAMissingOne(@TempDir Path dir) throws IOException {
    Path tree = dir.resolve("a");
    Files.createDirectories(tree.resolve("b/c"));
    Files.writeString(tree.resolve("b/c/file"), "x");

    RenderSides.deleteRecursively(tree);
    RenderSides.deleteRecursively(tree);

    assertFalse(Files.exists(tree));
  }
}
