package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder the controller reads must not be the output folder it writes, nor lie inside it:
 * a certificate folder there is read back from the controller's own files (a first start leaves
 * every cluster out as "file-not-owned", and once the files are the controller's it feeds on
 * them; {@code --cert-dir} equal to {@code --out} takes each write of prometheus.yml for a
 * change of certificates), and the local CA's state folder there puts the CA's key in the folder
 * shared with Prometheus, where a cluster named {@code ca} writes its client key over it. Real
 * paths are compared: links resolved, {@code ..} normalised, the part not made yet as written.
 * An output folder inside one of them is taken: neither reads a sub-folder.
 */
class FolderOverlapsTest {
  @TempDir Path temp;
  private final Problems problems = new Problems("settings");

  @BeforeEach
  void realTemp() throws IOException {
    temp = temp.toRealPath(); // no link on the way but the tests' own
  }

  private RunSettings load(String... given) throws IOException {
    Map<String, String> flags = new TreeMap<>(Map.of("clusters", Files.writeString(
        temp.resolve("clusters.yml"), "- id: alpha\n  provider: aws\n  apiServer: "
            + "https://alpha.example.com\n").toString(), "state-dir",
        temp.resolve("state").toString()));
    for (int i = 0; i < given.length; i += 2) {
      flags.put(given[i], given[i + 1]);
    }
    return SettingsLoader.load(RunSettings.TABLE, flags, Map.of(), problems);
  }

  private static String certDirInOut(Path certDir, Path out) {
    return "--cert-dir must be a folder outside --out \"" + out + "\" (promcc would read the "
        + "files it writes there as certificates), found \"" + certDir + "\"";
  }

  private static String stateDirInOut(Path stateDir, Path out) {
    return "--state-dir must be a folder outside --out \"" + out + "\" (the local CA's key "
        + "would be in the folder shared with Prometheus, beside the files promcc writes there), "
        + "found \"" + stateDir + "\"";
  }

  @Test
  void aCertDirInsideTheOutFolderIsRefusedNamingBoth() throws IOException {
    Path out = temp.resolve("out");
    Path certs = Files.createDirectories(out.resolve("certs"));

    assertNull(load("out", out.toString(), "certificates", "dir", "cert-dir", certs.toString()));

    assertEquals(List.of(certDirInOut(certs, out)), problems.list());
  }

  @Test
  void aCertDirThatIsTheOutFolderIsRefused() throws IOException {
    Path out = Files.createDirectories(temp.resolve("out"));

    assertNull(load("out", out.toString(), "certificates", "dir", "cert-dir", out.toString()));

    assertEquals(List.of(certDirInOut(out, out)), problems.list());
  }

  @Test
  void aCertDirReachingIntoTheOutFolderThroughALinkIsRefusedNamingTheRealFolders()
      throws IOException {
    Path out = temp.resolve("out");
    Path certs = Files.createDirectories(out.resolve("certs"));
    Path link = Files.createSymbolicLink(temp.resolve("certs-link"), certs);
    String given = link + "/sub/..";

    assertNull(load("out", out.toString(), "certificates", "dir", "cert-dir", given));

    assertEquals(List.of("--cert-dir must be a folder outside --out \"" + out + "\" (promcc "
        + "would read the files it writes there as certificates; real paths \"" + certs
        + "\" and \"" + out + "\"), found \"" + given + "\""), problems.list());
  }

  @Test
  void aStateDirInsideAnOutFolderNotMadeYetIsRefusedThroughALink() throws IOException {
    Path real = Files.createDirectories(temp.resolve("real"));
    Path link = Files.createSymbolicLink(temp.resolve("link"), real);
    Path out = real.resolve("out");
    Path state = link.resolve("out").resolve("ca");

    assertNull(load("out", out.toString(), "state-dir", state.toString()));

    assertEquals(List.of("--state-dir must be a folder outside --out \"" + out + "\" (the local "
        + "CA's key would be in the folder shared with Prometheus, beside the files promcc "
        + "writes there; real paths \"" + out.resolve("ca") + "\" and \"" + out + "\"), found \""
        + state + "\""), problems.list());
  }

  @Test
  void aStateDirThatIsOrIsInsideTheOutFolderIsRefusedWithTheLocalCa() throws IOException {
    Path out = temp.resolve("out");

    assertNull(load("out", out.toString(), "state-dir", out.toString()));
    assertNull(load("out", out.toString(), "state-dir", out.resolve("certs").toString()));

    assertEquals(List.of(stateDirInOut(out, out), stateDirInOut(out.resolve("certs"), out)),
        problems.list());
  }

  /** Other certificate sources never read --state-dir (not even its default). */
  @Test
  void aStateDirInsideTheOutFolderIsTakenWhereNothingReadsIt() throws IOException {
    Path out = temp.resolve("out");
    Path certs = Files.createDirectories(temp.resolve("certs"));

    assertNotNull(load("out", out.toString(), "state-dir", out.resolve("ca").toString(),
        "certificates", "dir", "cert-dir", certs.toString()), problems.list().toString());
  }

  /**
   * The certificate folder's watch and reads see only its own files, and the local CA reads only
   * its own names: an output folder below either is never read as input.
   */
  @Test
  void anOutFolderInsideTheCertDirOrTheStateDirIsTaken() throws IOException {
    Path certs = Files.createDirectories(temp.resolve("certs"));
    Path state = temp.resolve("state");

    assertNotNull(load("out", certs.resolve("out").toString(), "certificates", "dir",
        "cert-dir", certs.toString()), problems.list().toString());
    assertNotNull(load("out", state.resolve("out").toString(), "state-dir", state.toString()),
        problems.list().toString());
  }

  /** A shared start of the names is no overlap: paths are compared by their parts. */
  @Test
  void aSiblingFolderWhoseNameStartsLikeTheOutFolderIsTaken() throws IOException {
    Path out = Files.createDirectories(temp.resolve("out"));
    Path certs = Files.createDirectories(temp.resolve("out-certs"));

    assertNotNull(load("out", out.toString(), "certificates", "dir", "cert-dir",
        certs.toString()), problems.list().toString());
    assertNotNull(load("out", out.toString(), "state-dir", temp.resolve("out-ca").toString()),
        problems.list().toString());
  }
}
