package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * In per-cluster-files mode the main config names {@code <scrape dir>/*.yml}; that glob must not
 * match the main config itself, or Prometheus reads it as a scrape config file and rejects it.
 */
class ControllerSettingsScrapeDirectoryTest {

  @Test
  void rejectsAScrapeConfigDirectoryThatHoldsTheConfigFile() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ControllerSettings.builder().outputMode(OutputMode.PER_CLUSTER_FILES)
            .configFileName("config/prometheus.yml").scrapeConfigDirectory("config").build());
    assertEquals(java.util.List.of("scrape config directory must not be the folder of the config "
        + "file \"config/prometheus.yml\", found \"config\""), e.problems());
  }

  @Test
  void acceptsNeighbouringAndNestedFolders() {
    ControllerSettings.Builder builder = ControllerSettings.builder()
        .outputMode(OutputMode.PER_CLUSTER_FILES).configFileName("config/prometheus.yml");
    assertEquals("config/jobs", builder.scrapeConfigDirectory("config/jobs").build()
        .scrapeConfigDirectory());
    assertEquals("jobs", builder.scrapeConfigDirectory("jobs").build().scrapeConfigDirectory());
  }

  @Test
  void mergedModeWritesNoGlobSoTheFolderDoesNotMatter() {
    ControllerSettings settings = ControllerSettings.builder().outputMode(OutputMode.MERGED)
        .configFileName("config/prometheus.yml").scrapeConfigDirectory("config").build();
    assertEquals(OutputMode.MERGED, settings.outputMode());
  }
}
