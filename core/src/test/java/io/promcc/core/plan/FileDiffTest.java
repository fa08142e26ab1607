package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FileDiffTest {
  private static final DesiredFile CONFIG =
      DesiredFile.of(FileKind.MAIN_CONFIG, "scrape_config_files: [s/*.yml]\n");
  private static final DesiredFile SCRAPE =
      DesiredFile.of(FileKind.SCRAPE_CONFIG, "scrape_configs: []\n");
  private static final DesiredFile CA = DesiredFile.of(FileKind.CERTIFICATE, "ca");
  private static final DesiredFile CERT = DesiredFile.of(FileKind.CERTIFICATE, "cert");
  private static final DesiredFile KEY = DesiredFile.of(FileKind.PRIVATE_KEY, "key");

  private static DesiredState state(Map<String, DesiredFile> files) {
    return new DesiredState(files, "a-prometheus.yml", List.of(ClusterId.of("a")), List.of());
  }

  private static Map<String, DesiredFile> desiredFiles() {
    // path order differs from write order on purpose: "a-prometheus.yml" sorts first
    Map<String, DesiredFile> files = new TreeMap<>();
    files.put("a-prometheus.yml", CONFIG);
    files.put("s/a.yml", SCRAPE);
    files.put("z/a-ca.pem", CA);
    files.put("z/a-crt.pem", CERT);
    files.put("z/a-key.pem", KEY);
    return files;
  }

  @Test
  void writesCertificatesAndKeysBeforeTheConfigThatNamesThem() {
    FileDiff diff = FileDiff.between(state(desiredFiles()), Map.of());
    assertEquals(List.of("z/a-ca.pem", "z/a-crt.pem", "z/a-key.pem", "s/a.yml",
        "a-prometheus.yml"), diff.writes());
    assertEquals(List.of(), diff.deletes());
    assertTrue(diff.configChanged());
  }

  @Test
  void isEmptyWhenDiskMatches() {
    FileDiff diff = FileDiff.between(state(desiredFiles()), desiredFiles());
    assertTrue(diff.isEmpty());
    assertFalse(diff.configChanged());
  }

  @Test
  void certificateOnlyChangeNeedsNoReload() {
    Map<String, DesiredFile> onDisk = desiredFiles();
    onDisk.put("z/a-crt.pem", DesiredFile.of(FileKind.CERTIFICATE, "old cert"));
    onDisk.put("z/a-key.pem", DesiredFile.of(FileKind.PRIVATE_KEY, "old key"));
    FileDiff diff = FileDiff.between(state(desiredFiles()), onDisk);
    assertEquals(List.of("z/a-crt.pem", "z/a-key.pem"), diff.writes());
    assertFalse(diff.configChanged());
  }

  @Test
  void rewritesAFileWhoseModeDiffers() {
    Map<String, DesiredFile> onDisk = desiredFiles();
    onDisk.put("z/a-key.pem", KEY.withMode(0644));
    FileDiff diff = FileDiff.between(state(desiredFiles()), onDisk);
    assertEquals(List.of("z/a-key.pem"), diff.writes());
  }

  @Test
  void configChangeNeedsAReload() {
    Map<String, DesiredFile> onDisk = desiredFiles();
    onDisk.put("s/a.yml", DesiredFile.of(FileKind.SCRAPE_CONFIG, "scrape_configs: [old]\n"));
    FileDiff diff = FileDiff.between(state(desiredFiles()), onDisk);
    assertEquals(List.of("s/a.yml"), diff.writes());
    assertTrue(diff.configChanged());
  }

  @Test
  void deletesOnlyOwnedPathsThatArePassedInSortedOrder() {
    Map<String, DesiredFile> onDisk = desiredFiles();
    onDisk.put("z/old-key.pem", KEY);
    onDisk.put("z/old-ca.pem", CA);
    FileDiff diff = FileDiff.between(state(desiredFiles()), onDisk);
    assertEquals(List.of(), diff.writes());
    assertEquals(List.of("z/old-ca.pem", "z/old-key.pem"), diff.deletes());
    // certificates of a removed cluster: the config no longer names them, so no reload
    assertFalse(diff.configChanged());
  }

  @Test
  void deletingAScrapeConfigFileNeedsAReload() {
    Map<String, DesiredFile> onDisk = desiredFiles();
    onDisk.put("s/old.yml", SCRAPE);
    FileDiff diff = FileDiff.between(state(desiredFiles()), onDisk);
    assertEquals(List.of("s/old.yml"), diff.deletes());
    assertTrue(diff.configChanged());
  }
}
