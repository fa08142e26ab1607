package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ControllerSettingsTest {
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
    assertMessage("job prefix must be lower-case letters, digits, '-' or '_', at most 100 "
        + "characters: job prefix \"Guest\"", () -> ControllerSettings.builder().jobPrefix("Guest").build());
    assertMessage("job prefix must be lower-case letters, digits, '-' or '_', at most 100 "
        + "characters: job prefix <null>", () -> ControllerSettings.builder().jobPrefix(null).build());
  }

  @Test
  void rejectsPathsThatLeaveTheOutputFolder() {
    assertMessage("certificate directory must be a relative path inside the output folder: "
            + "certificate directory \"../certs\"",
        () -> ControllerSettings.builder().certificateDirectory("../certs").build());
    assertMessage("config file name must be a relative path inside the output folder: "
            + "config file name \"/etc/prometheus.yml\"",
        () -> ControllerSettings.builder().configFileName("/etc/prometheus.yml").build());
  }

  @Test
  void rejectsControlCharactersInPaths() {
    assertMessage("must not contain control characters: scrape config directory \"a\\nb\"",
        () -> ControllerSettings.builder().scrapeConfigDirectory("a\nb").build());
    assertMessage("must be valid unicode text: certificate directory \"a\\ud800\"",
        () -> ControllerSettings.builder().certificateDirectory("a\ud800").build());
  }

  @Test
  void rejectsAConfigFileAmongTheCertificates() {
    assertMessage("config file name must not be in the certificate directory: config file name "
        + "\"certs/a-ca.pem\"", () -> ControllerSettings.builder().configFileName("certs/a-ca.pem")
        .build());
  }

  @Test
  void rejectsAConfigFileAmongThePerClusterFiles() {
    assertMessage("config file name must not be in the scrape config directory: config file name "
            + "\"scrape_configs/prometheus.yml\"",
        () -> ControllerSettings.builder().outputMode(OutputMode.PER_CLUSTER_FILES)
            .configFileName("scrape_configs/prometheus.yml").build());
    // merged output writes no per-cluster files, so nothing can collide there
    assertEquals("scrape_configs/prometheus.yml", ControllerSettings.builder()
        .configFileName("scrape_configs/prometheus.yml").build().configFileName());
  }

  @Test
  void rejectsAReservedLabelName() {
    assertMessage("invalid label name (must match [a-zA-Z_][a-zA-Z0-9_]* and not start with "
        + "\"__\"): cluster id label \"__id\"",
        () -> ControllerSettings.builder().clusterIdLabel("__id").build());
  }

  @Test
  void rejectsAKeyModeThatGrantsOthersAccess() {
    assertMessage("private key mode must not grant access to others: private key mode \"0604\"",
        () -> ControllerSettings.builder().privateKeyMode(0604).build());
  }

  private static void assertMessage(String expected, Executable executable) {
    assertEquals(expected, assertThrows(InvalidValueException.class, executable).getMessage());
  }
}
