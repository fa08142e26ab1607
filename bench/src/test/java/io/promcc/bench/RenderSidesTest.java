package io.promcc.bench;

import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.OutputMode;
import io.promcc.core.yaml.ClusterList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderSidesTest {
  @Test
  void turnsOctalModesIntoPermissions() {
    assertEquals(EnumSet.of(OWNER_READ, OWNER_WRITE), RenderSides.permissions(0600));
    assertEquals(EnumSet.of(OWNER_READ, OWNER_WRITE, GROUP_READ, OTHERS_READ),
        RenderSides.permissions(0644));
    assertEquals(EnumSet.of(OWNER_EXECUTE), RenderSides.permissions(0100));
  }

  @Test
  void writesEveryFileWithItsContentAndMode(@TempDir Path dir) throws IOException {
    DesiredState state = Fleet.of(3).plan(OutputMode.PER_CLUSTER_FILES);

    RenderSides.write(state, dir);

    for (Map.Entry<String, DesiredFile> entry : state.files().entrySet()) {
      Path file = dir.resolve(entry.getKey());
      assertArrayEquals(entry.getValue().content(), Files.readAllBytes(file), entry.getKey());
      assertEquals(RenderSides.permissions(entry.getValue().mode()),
          Files.getPosixFilePermissions(file), entry.getKey());
    }
    assertEquals(EnumSet.of(OWNER_READ, OWNER_WRITE),
        Files.getPosixFilePermissions(dir.resolve("certs/g0000-key.pem")),
        "private keys stay owner-only");
  }

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
