package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.Verification;
import io.promcc.core.testing.FileModes;
import io.promcc.core.testing.ThrowawayCa;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileStoreTest {
  static final ThrowawayCa.Issued A = ThrowawayCa.create("a-ca").issueClient("a");
  static final ThrowawayCa.Issued B = ThrowawayCa.create("b-ca").issueClient("b");

  @TempDir Path tmp;

  static DesiredState stateWith(String config, Map<String, ThrowawayCa.Issued> clusters) {
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    clusters.forEach((id, bundle) -> files.putAll(TestStates.certificateFiles(id, bundle)));
    return TestStates.of(config, files);
  }

  static void write(AtomicFileStore store, DesiredState state) {
    store.write(state, FileDiff.between(state, store.readOwned()));
  }

  @Test
  void writesEachFileWithItsModeAndKeepsTheFolderFromOthers() throws IOException {
    Path root = tmp.resolve("out");
    Files.createDirectory(root);
    // open to all (an emptyDir is 0777): the group keeps reading, not writing
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
    AtomicFileStore store = new AtomicFileStore(root);

    write(store, stateWith(TestStates.staticJobs("x"), Map.of("a", A)));

    assertEquals("rw-------", FileModes.of(root.resolve("certs/a-key.pem")));
    assertEquals("rw-r--r--", FileModes.of(root.resolve("certs/a-crt.pem")));
    assertEquals("rw-r--r--", FileModes.of(root.resolve("prometheus.yml")));
    assertEquals("rwxr-x---", FileModes.of(root));
    assertEquals("rwxr-x---", FileModes.of(root.resolve("certs")));
    assertEquals(A.privateKeyPem(), Files.readString(root.resolve("certs/a-key.pem")));
  }

  /**
   * On a volume with an fsGroup, Kubernetes makes folders group-writable and setgid (rwxrws---),
   * so that files made in them belong to the volume's group. Narrowing the output folder takes
   * the group's write away, and only that: the setgid bit, which the controller never set, stays.
   */
  @Test
  void narrowingAnFsGroupFolderKeepsItsSetgidBit() throws IOException {
    Path root = tmp.resolve("out");
    Files.createDirectory(root);
    Files.setAttribute(root, "unix:mode", 02770); // rwxrws---, as kubelet leaves it
    assertEquals(02000, (int) Files.getAttribute(root, "unix:mode") & 02000, "setgid set up");
    AtomicFileStore store = new AtomicFileStore(root);

    write(store, stateWith(TestStates.staticJobs("x"), Map.of("a", A)));

    assertEquals("rwxr-x---", FileModes.of(root), "the group's write is taken away");
    assertEquals(02000, (int) Files.getAttribute(root, "unix:mode") & 02000,
        "the setgid bit is kept: mode now " + Integer.toOctalString(
            (int) Files.getAttribute(root, "unix:mode") & 07777));
  }

  @Test
  void appliesAModeOtherThanTheKindsDefault() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    SortedMap<String, DesiredFile> files = new TreeMap<>(TestStates.certificateFiles("a", A));
    files.put(TestStates.keyPath("a"), files.get(TestStates.keyPath("a")).withMode(0640));
    write(store, TestStates.of("{}", files));

    assertEquals("rw-r-----", FileModes.of(tmp.resolve("certs/a-key.pem")));
    assertEquals(0640, store.readOwned().get("certs/a-key.pem").mode());
  }

  @Test
  void readsBackExactlyWhatItWrote() {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState state = stateWith(TestStates.staticJobs("x"), Map.of("a", A, "b", B));
    write(store, state);

    assertEquals(state.files(), store.readOwned());
    assertTrue(FileDiff.between(state, new AtomicFileStore(tmp).readOwned()).isEmpty());
  }

  /**
   * A store started anew reads its paths from the manifest; they must be the instances the
   * planner makes ({@link DesiredState#sharedPath}), so a diff over 40,000 paths compares
   * references instead of reading both strings.
   */
  @Test
  void pathsReadFromTheManifestAreThePlannersInstances() {
    write(new AtomicFileStore(tmp), stateWith("{}", Map.of("a", A)));

    Set<String> paths = new AtomicFileStore(tmp).readOwned().keySet();

    assertEquals(Set.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem", "prometheus.yml"),
        paths);
    for (String path : paths) {
      assertSame(DesiredState.sharedPath(new String(path)), path, path);
    }
  }

  @Test
  void listsEveryWrittenFileWithItsHashInTheManifest() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState state = stateWith("{}", Map.of("a", A));
    write(store, state);

    String manifest = String.join("\n", AtomicFileStore.manifestLines(tmp)) + "\n";
    for (Map.Entry<String, DesiredFile> e : state.files().entrySet()) {
      String line = "owned " + AtomicFileStore.sha256(e.getValue().content()) + " "
          + e.getValue().kind() + " 0" + Integer.toOctalString(e.getValue().mode()) + " "
          + e.getKey();
      assertTrue(manifest.contains(line + "\n"), () -> "missing " + line + " in\n" + manifest);
    }
    assertEquals(state.files().size(),
        manifest.lines().filter(l -> l.startsWith("owned ")).count());
  }

  /**
   * A completed write's temporary files are renamed into place, so the manifest no longer names
   * them: the next write need not look for 40,000 of them after a first write at 10,000
   * clusters.
   */
  @Test
  void aCompletedWriteOrRollbackLeavesNoTemporaryFileNamedInTheManifest() {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState good = stateWith("{}", Map.of("a", A));
    write(store, good);
    assertEquals(List.of(), AtomicFileStore.manifestLines(tmp).stream()
        .filter(l -> l.startsWith("temp ")).toList(), "after a write");

    store.mark(new DeliveryMark.Verified(new Verification(good.hash(), "c", Instant.EPOCH)));
    write(store, stateWith("{changed: 1}", Map.of("a", B)));
    assertTrue(store.restoreLastVerified());
    assertEquals(List.of(), AtomicFileStore.manifestLines(tmp).stream()
        .filter(l -> l.startsWith("temp ")).toList(), "after a rollback");
  }

  @Test
  void writesCertificatesAndKeysBeforeTheConfig() {
    List<String> renamed = new ArrayList<>();
    AtomicFileStore store = new AtomicFileStore(tmp, (step, path) -> {
      if (step == AtomicFileStore.Step.RENAMED && !path.getFileName().toString().startsWith(".")) {
        renamed.add(tmp.relativize(path).toString());
      }
    });
    write(store, stateWith("{}", Map.of("a", A)));

    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem", "prometheus.yml"),
        renamed);
  }

  @Test
  void seesFilesChangedBehindItsBack() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState state = stateWith("{}", Map.of("a", A));
    write(store, state);
    Files.writeString(tmp.resolve("prometheus.yml"), "edited: by hand\n");
    Files.setPosixFilePermissions(tmp.resolve("certs/a-key.pem"),
        PosixFilePermissions.fromString("rw-r--r--"));
    Files.delete(tmp.resolve("certs/a-ca.pem"));

    FileDiff diff = FileDiff.between(state, store.readOwned());

    assertEquals(List.of("certs/a-ca.pem", "certs/a-key.pem", "prometheus.yml"), diff.writes());
    store.write(state, diff);
    assertEquals("rw-------", FileModes.of(tmp.resolve("certs/a-key.pem")));
    assertEquals(state.files(), store.readOwned());
  }

  @Test
  void namesTheLineOfABrokenManifest() throws IOException {
    Files.writeString(tmp.resolve(AtomicFileStore.MANIFEST),
        Manifest.HEADER + "\nowned nonsense\n");

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> new AtomicFileStore(tmp).readOwned());
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void refusesReservedNames() {
    AtomicFileStore store = new AtomicFileStore(tmp);
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    files.put(".promcc-manifest", DesiredFile.of(FileKind.CERTIFICATE, "x"));
    DesiredState state = TestStates.of("{}", files);

    assertThrows(ConfigStoreException.class, () -> write(store, state));
  }

  /**
   * A file renamed into a new folder survives a crash only once the folder's own entry in its
   * parent is on disk: the parent of every folder the store creates, the output folder itself
   * included, is fsynced before anything is renamed into the new folder.
   */
  @Test
  void syncsTheParentOfEveryFolderItCreatesBeforeRenamingIntoIt() {
    Path root = tmp.resolve("volume/out");
    List<String> events = new ArrayList<>();
    AtomicFileStore store = new AtomicFileStore(root, (step, path) -> events.add(step + " "
        + tmp.relativize(path)));
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    files.put("certs/deep/nested/x-ca.pem", DesiredFile.of(FileKind.CERTIFICATE, "x"));
    write(store, TestStates.of("{}", files));

    List<String> created = List.of("volume", "volume/out", "volume/out/certs",
        "volume/out/certs/deep", "volume/out/certs/deep/nested");
    for (String folder : created) {
      Path parent = Path.of(folder).getParent();
      int synced = events.indexOf("FOLDER_SYNCED " + (parent == null ? "" : parent));
      int firstRenameInside = indexOfFirst(events, "RENAMED " + folder + "/");
      assertTrue(synced >= 0 && synced < firstRenameInside,
          "the parent of " + folder + " is synced before a file is renamed into it: " + events);
    }
  }

  private static int indexOfFirst(List<String> events, String prefix) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no event starting with " + prefix + " in " + events);
  }

  /**
   * In per-cluster-files mode a removed cluster's scrape file goes before the certificate files
   * it names, so Prometheus never reads a job whose TLS files are gone.
   */
  @Test
  void deletesARemovedClustersScrapeFileBeforeItsCertificatesInPerClusterFilesMode() {
    ControllerSettings perCluster = ControllerSettings.builder()
        .outputMode(OutputMode.PER_CLUSTER_FILES).build();
    Planner planner = new Planner(ScrapeProfile.defaultProfile(),
        BaseConfig.parse("global:\n  scrape_interval: 1m\n", TestStates.CONFIG));
    Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
    for (String id : List.of("a", "b")) {
      certificates.put(ClusterId.of(id), (id.equals("a") ? A : B).bundle());
    }
    DesiredState both = planner.plan(List.of(GuestCluster.of("a", "aws", "https://a.example"),
        GuestCluster.of("b", "aws", "https://b.example")), certificates, perCluster);
    DesiredState onlyA = planner.plan(List.of(GuestCluster.of("a", "aws", "https://a.example")),
        certificates, perCluster);
    List<String> deleted = new ArrayList<>();
    AtomicFileStore store = new AtomicFileStore(tmp, (step, path) -> {
      if (step == AtomicFileStore.Step.DELETED) {
        deleted.add(tmp.relativize(path).toString());
      }
    });
    write(store, both);
    List<String> scrapeFilesOfB = both.files().entrySet().stream()
        .filter(e -> e.getValue().kind() == FileKind.SCRAPE_CONFIG && !onlyA.files()
            .containsKey(e.getKey())).map(Map.Entry::getKey).toList();
    assertEquals(1, scrapeFilesOfB.size(), both.files().keySet().toString());

    write(store, onlyA);

    assertEquals(List.of(scrapeFilesOfB.get(0), "certs/b-ca.pem", "certs/b-crt.pem",
        "certs/b-key.pem"), deleted);
    assertEquals(onlyA.files(), store.readOwned());
  }
}
