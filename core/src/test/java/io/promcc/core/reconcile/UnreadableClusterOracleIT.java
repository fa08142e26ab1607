package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Fixture.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Rejection;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.core.testing.PrometheusTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle for an unreadable cluster kept with no job: with per-cluster files, the file
 * written for it holds only {@code scrape_configs:}, which promtool 2.53.3 takes with the rest
 * of the written folder. Without promtool this fails when {@code CI=true} and is skipped
 * otherwise.
 */
class UnreadableClusterOracleIT {
  private static final long TIMEOUT_SECONDS = 120;

  private final Fixture f = new Fixture().with("a", "b");
  private Path promtool;

  @TempDir Path temp;

  @BeforeEach
  void findPromtool() {
    promtool = PrometheusTools.promtool();
  }

  private Reconciler reconciler(OutputMode mode) {
    return f.builder().settings(ControllerSettings.DEFAULTS.toBuilder().outputMode(mode).build())
        .build();
  }

  @Test
  void promtoolTakesTheFolderWithAnUnreadableClusterKeptWithNoJob() throws Exception {
    reconciler(OutputMode.MERGED).reconcile(); // its jobs written in the other mode
    f.clusters.unreadable(id("a"), new Rejection("service \"a/master\"", "invalid-port",
        "port of service \"a/master\" must be between 1 and 65535, found \"0\""));

    ReconcileResult result = reconciler(OutputMode.PER_CLUSTER_FILES).reconcile();

    assertEquals(List.of(id("a"), id("b")), result.active(), result.message());
    SortedMap<String, DesiredFile> files = f.store.readOwned();
    String kept = files.entrySet().stream().filter(e -> e.getKey().endsWith("/a.yml"))
        .map(e -> e.getValue().text()).findFirst().orElseThrow();
    assertEquals("scrape_configs:\n", kept);
    Path root = Files.createDirectory(temp.resolve("out"));
    for (Map.Entry<String, DesiredFile> file : files.entrySet()) {
      Path path = root.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      DesiredStateFiles.writeFile(path, file.getValue().content(), file.getValue().mode());
    }
    String verdict = check(root.resolve(Fixture.CONFIG));
    assertTrue(verdict.startsWith("0\n"), verdict);
  }

  /** Exit code, a line break and the output of {@code promtool check config}. */
  private String check(Path config) throws IOException, InterruptedException {
    Path log = Files.createTempFile(temp, "promtool", ".log");
    Process process = new ProcessBuilder(promtool.toString(), "check", "config",
        config.toAbsolutePath().toString()).directory(temp.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    process.getOutputStream().close();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("promtool did not finish within " + TIMEOUT_SECONDS + " s");
    }
    return process.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
  }
}
