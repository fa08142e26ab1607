package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ControllerSettingsTest {
  private static final String BAD_PREFIX =
      "job prefix must be lower-case letters, digits, '-' or '_', at most 100 characters";

  @Test
  void defaultsMatchTheOriginalController() {
    ControllerSettings settings = ControllerSettings.builder().build();
    assertEquals(ControllerSettings.DEFAULTS, settings);
    assertEquals("guest-cluster", settings.jobPrefix());
    assertEquals("certs", settings.certificateDirectory());
    assertEquals("prometheus.yml", settings.configFileName());
    assertEquals(OutputMode.MERGED, settings.outputMode());
    assertEquals(0600, settings.privateKeyMode());
  }

  @Test
  void rejectsABadJobPrefix() {
    assertMessage(BAD_PREFIX + ", found \"Guest\"",
        () -> ControllerSettings.builder().jobPrefix("Guest").build());
    assertMessage(BAD_PREFIX, () -> ControllerSettings.builder().jobPrefix(null).build());
  }

  @Test
  void rejectsPathsThatLeaveTheOutputFolder() {
    assertMessage("certificate directory must be a relative path inside the output folder, "
            + "found \"../certs\"",
        () -> ControllerSettings.builder().certificateDirectory("../certs").build());
    assertMessage("config file name must be a relative path inside the output folder, "
            + "found \"/etc/prometheus.yml\"",
        () -> ControllerSettings.builder().configFileName("/etc/prometheus.yml").build());
  }

  @Test
  void rejectsControlCharactersAndLoneSurrogatesInPaths() {
    assertMessage("scrape config directory must not contain control characters, found \"a\\nb\"",
        () -> ControllerSettings.builder().scrapeConfigDirectory("a\nb").build());
    assertMessage("certificate directory must be valid unicode text, found \"a\\ud800\"",
        () -> ControllerSettings.builder().certificateDirectory("a\ud800").build());
  }

  @Test
  void rejectsALabelNameTwiceOrOneEveryTargetHas() {
    // the planner sets each on every target: one name for two would lose one of the values
    assertMessage("cluster type label must not be the cluster id label, found \"cluster\"",
        () -> ControllerSettings.builder().clusterIdLabel("cluster").clusterTypeLabel("cluster")
            .build());
    assertMessage("provider label must not be the cluster type label, found \"cluster_type\"",
        () -> ControllerSettings.builder().providerLabel("cluster_type").build());
    assertMessage("provider label must not be job or instance, which every target has, "
        + "found \"job\"", () -> ControllerSettings.builder().providerLabel("job").build());
    assertMessage("cluster id label must not be job or instance, which every target has, "
        + "found \"instance\"",
        () -> ControllerSettings.builder().clusterIdLabel("instance").build());
  }

  @Test
  void rejectsALabelNameEveryHistogramOrSummaryHas() {
    // set on every target, it would rename every scraped bucket's le to exported_le
    assertMessage("cluster type label collides with the label of every scraped histogram "
        + "bucket, which Prometheus would rename \"exported_le\" (histogram_quantile would find "
        + "no buckets), found \"le\"",
        () -> ControllerSettings.builder().clusterTypeLabel("le").build());
    assertMessage("provider label collides with the label of every scraped summary quantile, "
        + "which Prometheus would rename \"exported_quantile\" (queries by quantile would find "
        + "no series), found \"quantile\"",
        () -> ControllerSettings.builder().providerLabel("quantile").build());
  }

  @Test
  void rejectsAConfigFileAmongTheCertificates() {
    assertMessage("certificate directory must not be the folder of the config file "
            + "\"certs/a-ca.pem\", found \"certs\"",
        () -> ControllerSettings.builder().configFileName("certs/a-ca.pem").build());
  }

  @Test
  void rejectsAConfigFileAmongThePerClusterFiles() {
    assertMessage("scrape config directory must not be the folder of the config file "
            + "\"scrape_configs/prometheus.yml\", found \"scrape_configs\"",
        () -> ControllerSettings.builder().outputMode(OutputMode.PER_CLUSTER_FILES)
            .configFileName("scrape_configs/prometheus.yml").build());
  }

  @Test
  void rejectsAReservedLabelName() {
    assertMessage("cluster id label must match [a-zA-Z_][a-zA-Z0-9_]* and not start with "
            + "\"__\", found \"__id\"",
        () -> ControllerSettings.builder().clusterIdLabel("__id").build());
  }

  @Test
  void rejectsAKeyModeThatGrantsOthersAccess() {
    assertMessage("private key mode must not grant access to others, found \"0604\"",
        () -> ControllerSettings.builder().privateKeyMode(0604).build());
  }

  @Test
  void rejectsAKeyModeTheControllerCannotReadBack() {
    assertMessage("private key mode must let the owner (the controller) read the file, "
        + "found \"0200\"", () -> ControllerSettings.builder().privateKeyMode(0200).build());
    assertMessage("private key mode must let the owner (the controller) read the file, "
        + "found \"040\"", () -> ControllerSettings.builder().privateKeyMode(0040).build());
    assertEquals(0400, ControllerSettings.builder().privateKeyMode(0400).build().privateKeyMode());
  }

  @Test
  void listsEveryBadSettingAtOnce() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ControllerSettings.builder().jobPrefix("Guest").certificateDirectory("../certs")
            .clusterIdLabel("__id").privateKeyMode(0604).build());

    assertEquals(List.of(BAD_PREFIX + ", found \"Guest\"",
        "certificate directory must be a relative path inside the output folder, "
            + "found \"../certs\"",
        "cluster id label must match [a-zA-Z_][a-zA-Z0-9_]* and not start with \"__\", "
            + "found \"__id\"",
        "private key mode must not grant access to others, found \"0604\""), e.problems());
    assertTrue(e.getMessage().startsWith("controller settings is invalid (4 problems)"),
        e.getMessage());
  }

  private static void assertMessage(String expected, Executable executable) {
    assertEquals(List.of(expected),
        assertThrows(ValidationException.class, executable).problems());
  }

  /**
   * A settings value in a test report or a jqwik sample shows its key mode as it is written
   * everywhere else, in octal: the record's own text gave 0640 as 416.
   */
  @Test
  void toStringShowsThePrivateKeyModeInOctal() {
    assertEquals("ControllerSettings[jobPrefix=gc, certificateDirectory=certs, "
        + "configFileName=prometheus.yml, scrapeConfigDirectory=scrape_configs, "
        + "outputMode=MERGED, clusterIdLabel=cluster_id, clusterTypeLabel=cluster_type, "
        + "clusterType=guest, providerLabel=provider, privateKeyMode=0640]",
        ControllerSettings.builder().jobPrefix("gc").privateKeyMode(0640).build().toString());
  }
}
