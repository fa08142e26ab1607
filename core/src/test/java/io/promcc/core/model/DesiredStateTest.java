package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DesiredStateTest {
  private static final DesiredFile CONFIG = DesiredFile.of(FileKind.MAIN_CONFIG, "global: {}\n");
  private static final DesiredFile KEY =
      DesiredFile.of(FileKind.PRIVATE_KEY, "-----BEGIN EC PRIVATE KEY-----\nSECRETBODY\n");
  /**
   * SHA-256 of {"a.pem": KEY, "p.yml": CONFIG}. Changed once from the first release's
   * {@code cd26bf9b...} when the state hash became a hash over each file's own SHA-256, so that
   * a file reused from the last plan is not hashed again; a controller upgraded across that
   * change reloads its unchanged files once.
   */
  private static final String PINNED_HASH =
      "1d38295c8e43e86b51758cbc6091cb36ef4287e783d6a538d793cff8dd08cd80";
  /** Both hashes of the state of {@link #hashesOfManyFilesAndLongAndNonAsciiPathsArePinned}. */
  private static final String PINNED_MANY_HASH =
      "23532588e13370248d8aaf3308826064e3bd67a022143313ebd08335531969cd";
  private static final String PINNED_MANY_CONFIG_HASH =
      "c4fd81112495c42761905a6b00933459534014e0fcc2660c757a147ff2fb32c0";

  @ParameterizedTest
  @ValueSource(strings = {"", "/etc/passwd", "../x", "a/../b", "a/./b", "./a", "a//b", "a/",
      "a\\b", "a\u0000b", "..", "."})
  void rejectsUnsafePaths(String path) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DesiredState(Map.of("p.yml", CONFIG, path, KEY), "p.yml", List.of(), List.of()));
    assertEquals("unsafe path " + Quoting.quote(path), e.getMessage());
  }

  @Test
  void acceptsNestedRelativePaths() {
    DesiredState state = new DesiredState(Map.of("prom/p.yml", CONFIG, "certs/a b/x..y.pem", KEY),
        "prom/p.yml", List.of(), List.of());
    assertEquals(CONFIG, state.config());
  }

  @Test
  void requiresTheConfigPathToBeAMainConfig() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DesiredState(Map.of("p.yml", CONFIG, "k.pem", KEY), "k.pem", List.of(),
            List.of()));
    assertEquals("config path \"k.pem\" is not a main config file of the desired state",
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new DesiredState(Map.of("p.yml", CONFIG), "q.yml", List.of(), List.of()));
  }

  @Test
  void hashDependsOnContentPathAndModeButNotOnInsertionOrder() {
    Map<String, DesiredFile> forward = new LinkedHashMap<>();
    forward.put("a.pem", KEY);
    forward.put("p.yml", CONFIG);
    Map<String, DesiredFile> backward = new LinkedHashMap<>();
    backward.put("p.yml", CONFIG);
    backward.put("a.pem", KEY);
    DesiredState one = new DesiredState(forward, "p.yml", List.of(), List.of());
    DesiredState two = new DesiredState(backward, "p.yml", List.of(), List.of());
    assertEquals(one.hash(), two.hash());
    assertEquals(one, two);
    assertEquals(64, one.hash().length());
    // pinned: a hash that changes between releases makes every controller reload once
    assertEquals(PINNED_HASH, one.hash());

    assertNotEquals(one.hash(), new DesiredState(Map.of("a.pem", KEY.withMode(0640),
        "p.yml", CONFIG), "p.yml", List.of(), List.of()).hash());
    assertNotEquals(one.hash(), new DesiredState(Map.of("b.pem", KEY, "p.yml", CONFIG), "p.yml",
        List.of(), List.of()).hash());
    assertNotEquals(one.hash(), new DesiredState(Map.of("a.pem",
        DesiredFile.of(FileKind.PRIVATE_KEY, "other"), "p.yml", CONFIG), "p.yml", List.of(),
        List.of()).hash());
  }

  /**
   * Both hashes of a state whose records cross many block boundaries, with a path longer than a
   * block and one that is not ASCII, pinned at the values of the field-by-field hasher they were
   * first computed with: how the bytes are fed must never change the hashes.
   */
  @Test
  void hashesOfManyFilesAndLongAndNonAsciiPathsArePinned() {
    Map<String, DesiredFile> files = new LinkedHashMap<>();
    for (int i = 0; i < 600; i++) {
      files.put("s/c" + i + ".yml", DesiredFile.of(FileKind.SCRAPE_CONFIG, "job " + i + "\n"));
      files.put("certs/c" + i + "-key.pem", KEY);
    }
    files.put("certs/" + "x".repeat(9000) + ".pem", KEY.withMode(0640));
    files.put("s/z\u00f6/\u00fc\u4e2d.yml", DesiredFile.of(FileKind.SCRAPE_CONFIG, "\u00e9"));
    files.put("p.yml", CONFIG);
    DesiredState state = new DesiredState(files, "p.yml", List.of(), List.of());

    assertEquals(PINNED_MANY_HASH, state.hash());
    assertEquals(PINNED_MANY_CONFIG_HASH, state.configHash());
    assertEquals(state.hash(), DesiredState.hashOf(state.files()));
    assertEquals(state.configHash(), DesiredState.configHashOf(state.files()));
  }

  @Test
  void sortsClustersAndRejections() {
    Rejection b = new Rejection("b", "certificate-missing",
        "no client certificate for cluster \"b\"");
    Rejection a = new Rejection("a", "duplicate-id", "cluster id \"a\" is claimed 2 times");
    DesiredState state = new DesiredState(Map.of("p.yml", CONFIG), "p.yml",
        List.of(ClusterId.of("z"), ClusterId.of("c")), List.of(b, a));
    assertEquals(List.of(ClusterId.of("c"), ClusterId.of("z")), state.clusters());
    assertEquals(List.of(a, b), state.rejections());
  }

  @Test
  void writesCertificatesAndKeysFirstThenScrapeFilesThenTheMainConfig() {
    DesiredState state = new DesiredState(Map.of("a.yml", CONFIG,
        "b/s.yml", DesiredFile.of(FileKind.SCRAPE_CONFIG, "scrape_configs: []\n"),
        "c/x-key.pem", KEY, "c/x-ca.pem", DesiredFile.of(FileKind.CERTIFICATE, "ca")),
        "a.yml", List.of(), List.of());
    assertEquals(List.of("c/x-ca.pem", "c/x-key.pem", "b/s.yml", "a.yml"), state.writeOrder());
  }

  @Test
  void toStringShowsCountsAndHashButNoContent() {
    DesiredState state = new DesiredState(Map.of("p.yml", CONFIG, "k.pem", KEY), "p.yml",
        List.of(ClusterId.of("a")), List.of());
    assertEquals("DesiredState{2 files, 1 clusters, 0 rejected, hash="
        + state.hash().substring(0, 12) + "}", state.toString());
    assertEquals("DesiredFile{PRIVATE_KEY, mode=0600, 42 bytes}", KEY.toString());
  }
}
