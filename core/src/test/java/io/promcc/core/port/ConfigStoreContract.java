package io.promcc.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.Quoting;
import io.promcc.core.plan.FileDiff;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConfigStore} does, run against the real store and the fake alike so the fake
 * cannot drift from the adapter. A subclass says how to make a store and how to put a file there
 * that the store does not own.
 */
public abstract class ConfigStoreContract {
  private static final String CONFIG = "prometheus.yml";
  private ConfigStore store;

  /** A new, empty store. */
  protected abstract ConfigStore newStore();

  /** Puts a file the store does not own at {@code path} (a user's file). */
  protected abstract void placeUnowned(String path, String content);

  /** The content of the file at {@code path}, owned or not, or empty if there is none. */
  protected abstract Optional<String> contentAt(String path);

  @BeforeEach
  void newStoreForEachTest() {
    store = newStore();
  }

  private static DesiredState state(String config, String... certificates) {
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    files.put(CONFIG, DesiredFile.of(FileKind.MAIN_CONFIG, config));
    for (String spec : certificates) {
      String[] parts = spec.split("=", 2);
      files.put(parts[0], DesiredFile.of(parts[0].endsWith("-key.pem") ? FileKind.PRIVATE_KEY
          : FileKind.CERTIFICATE, parts[1]));
    }
    return new DesiredState(files, CONFIG, List.<ClusterId>of(), List.of());
  }

  private void apply(DesiredState state) {
    store.write(state, FileDiff.between(state, store.readOwned()));
  }

  private String text(String path) {
    return store.readOwned().get(path).text();
  }

  @Test
  void writtenFilesAreReadBackWithTheirKindAndMode() {
    DesiredState state = state("a: 1\n", "certs/a-crt.pem=crt", "certs/a-key.pem=key");
    apply(state);
    assertEquals(state.files(), store.readOwned());
    assertEquals(0600, store.readOwned().get("certs/a-key.pem").mode());
  }

  @Test
  void aDiffAppliedInPartsLeavesTheOtherOwnedFilesAsTheyAre() {
    apply(state("old\n", "certs/a-crt.pem=old-crt"));
    DesiredState next = state("new\n", "certs/a-crt.pem=new-crt", "certs/b-crt.pem=b");
    FileDiff diff = FileDiff.between(next, store.readOwned());

    store.write(next, diff.certificatePart(next));
    assertEquals("old\n", text(CONFIG), "the config waits for its part");
    assertEquals("new-crt", text("certs/a-crt.pem"));
    assertEquals("b", text("certs/b-crt.pem"));

    store.write(next, diff.configPart(next));
    assertEquals(next.files(), store.readOwned());
  }

  @Test
  void deletesWhatIsNoLongerDesiredAndApplyingTwiceChangesNothing() {
    apply(state("one\n", "certs/a-crt.pem=a", "certs/b-crt.pem=b"));
    DesiredState next = state("two\n", "certs/a-crt.pem=a");
    apply(next);
    apply(next);
    assertEquals(next.files(), store.readOwned());
    assertTrue(contentAt("certs/b-crt.pem").isEmpty());
  }

  @Test
  void aDesiredPathHeldByAnotherFileFailsTheWholeWriteNamingEveryPath() {
    apply(state("one\n"));
    placeUnowned("certs/b-crt.pem", "user's");
    placeUnowned("certs/c-crt.pem", "user's too");
    DesiredState next = state("two\n", "certs/a-crt.pem=a", "certs/b-crt.pem=b",
        "certs/c-crt.pem=c");

    UnownedFilesException e = assertThrows(UnownedFilesException.class, () -> apply(next));

    assertEquals(List.of("certs/b-crt.pem", "certs/c-crt.pem"), e.paths());
    assertEquals("one\n", text(CONFIG), "nothing was written");
    assertTrue(contentAt("certs/a-crt.pem").isEmpty(), "nothing was written");
    assertEquals(Optional.of("user's"), contentAt("certs/b-crt.pem"));
  }

  /**
   * Names starting with {@code .promcc-} (the store's manifest, its journal and rollback folder)
   * or holding {@code .promcc-tmp-} (its temporary files), and names with a line break (which
   * the manifest cannot hold), are never a desired file's: the write is refused, naming the
   * path, and nothing is written.
   */
  @Test
  void theStoresOwnNamesAreRefusedAndNothingIsWritten() {
    apply(state("one\n"));
    for (String reserved : List.of(".promcc-manifest", ".promcc-verified/a-crt.pem",
        ".promcc-other", "certs/b-crt.pem.promcc-tmp-1", "certs/b\n-crt.pem")) {
      DesiredState next = state("two\n", "certs/a-crt.pem=a", reserved + "=b");

      ConfigStoreException e = assertThrows(ConfigStoreException.class, () -> apply(next),
          reserved);

      assertEquals("cannot store " + Quoting.quote(reserved)
          + ": the name is reserved or contains a line break", e.getMessage());
      assertEquals("one\n", text(CONFIG), "nothing was written");
      assertTrue(contentAt("certs/a-crt.pem").isEmpty(), "nothing was written");
    }
  }

  @Test
  void restoreDeletesConfigFilesTheVerifiedSetLacks() {
    DesiredState good = state("good\n");
    apply(good);
    store.mark(new DeliveryMark.Verified(
        new Verification("s".repeat(64), "c".repeat(64), Instant.EPOCH)));
    SortedMap<String, DesiredFile> files = new TreeMap<>(state("bad\n").files());
    files.put("scrape_configs/b.yml",
        DesiredFile.of(FileKind.SCRAPE_CONFIG, "scrape_configs: []\n"));
    DesiredState bad = new DesiredState(files, CONFIG, List.<ClusterId>of(), List.of());
    apply(bad);

    store.restoreLastVerified();

    assertEquals(good.files(), store.readOwned());
    assertTrue(contentAt("scrape_configs/b.yml").isEmpty());
  }

  @Test
  void restoringWithNothingVerifiedChangesNothing() {
    apply(state("one\n"));
    assertFalse(store.restoreLastVerified());
    assertEquals("one\n", text(CONFIG));
  }

  @Test
  void theVerificationAndTheRejectionAreKeptApartAndAsStored() {
    apply(state("one\n"));
    assertEquals(DeliveryRecord.EMPTY, store.record());
    RejectedConfig rejection = new RejectedConfig("r".repeat(64), RejectedConfig.REJECTED,
        "parsing YAML file prometheus.yml: field bogus not found");
    store.mark(new DeliveryMark.Rejected(Optional.of(rejection)));
    assertEquals(new DeliveryRecord(Optional.empty(), Optional.of(rejection)), store.record());

    Verification verification = new Verification("s".repeat(64), "c".repeat(64),
        Instant.parse("2026-11-25T12:00:00Z"));
    store.mark(new DeliveryMark.Verified(verification));
    assertEquals(new DeliveryRecord(Optional.of(verification), Optional.of(rejection)),
        store.record(), "a verification leaves the rejection as it is");

    store.mark(new DeliveryMark.Rejected(Optional.empty()));
    assertEquals(Optional.of(verification), store.record().verified());
    assertEquals(Optional.empty(), store.record().rejected());
  }

  @Test
  void aRejectionKeepsItsBaseline() {
    apply(state("one\n"));
    RejectedConfig rejection = new RejectedConfig("r".repeat(64), RejectedConfig.NOT_READY,
        "prometheus went away during the reload and was not ready within PT5M",
        Optional.of(Instant.parse("2026-11-25T12:00:00Z")));
    store.mark(new DeliveryMark.Rejected(Optional.of(rejection)));
    assertEquals(Optional.of(rejection), store.record().rejected());

    RejectedConfig without = new RejectedConfig("r".repeat(64), RejectedConfig.NOT_READY,
        "prometheus went away");
    store.mark(new DeliveryMark.Rejected(Optional.of(without)));
    assertEquals(Optional.of(without), store.record().rejected());
  }

  @Test
  void restoreBringsBackTheConfigButNeverAnOlderCertificateOverANewerOne() {
    apply(state("good\n", "certs/a-crt.pem=a1", "certs/a-key.pem=k1", "certs/b-crt.pem=b1"));
    store.mark(new DeliveryMark.Verified(
        new Verification("s".repeat(64), "c".repeat(64), Instant.EPOCH)));
    // a bad config, a renewed certificate of a, b removed, c added
    apply(state("bad\n", "certs/a-crt.pem=a2", "certs/a-key.pem=k2", "certs/c-crt.pem=c1"));

    assertTrue(store.restoreLastVerified());

    assertEquals("good\n", text(CONFIG));
    assertEquals("a2", text("certs/a-crt.pem"), "the renewed certificate stays");
    assertEquals("k2", text("certs/a-key.pem"), "with its key");
    assertEquals("b1", text("certs/b-crt.pem"), "a missing one comes back");
    assertEquals(Map.of(CONFIG, "good\n", "certs/a-crt.pem", "a2", "certs/a-key.pem", "k2",
        "certs/b-crt.pem", "b1", "certs/c-crt.pem", "c1"), texts(),
        "a certificate the verified set lacks stays until a write no longer wants it");
  }

  @Test
  void restoreNeverTouchesAPathTheStoreNoLongerOwns() {
    apply(state("good\n", "certs/b-crt.pem=b1"));
    store.mark(new DeliveryMark.Verified(
        new Verification("s".repeat(64), "c".repeat(64), Instant.EPOCH)));
    apply(state("bad\n"));
    placeUnowned("certs/b-crt.pem", "user's");

    store.restoreLastVerified();

    assertEquals("good\n", text(CONFIG));
    assertEquals(Optional.of("user's"), contentAt("certs/b-crt.pem"));
  }

  private Map<String, String> texts() {
    Map<String, String> out = new TreeMap<>();
    store.readOwned().forEach((path, file) -> out.put(path, file.text()));
    return out;
  }
}
