package io.promcc.prometheus;

import static io.promcc.prometheus.AtomicFileStoreTest.A;
import static io.promcc.prometheus.AtomicFileStoreTest.B;
import static io.promcc.prometheus.AtomicFileStoreTest.stateWith;
import static io.promcc.prometheus.AtomicFileStoreTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.UnownedFilesException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store owns is what its manifest names: it never replaces, writes into or deletes a
 * file it does not own, and checks again every desired path it has not written.
 */
class AtomicFileStoreOwnershipTest {
  @TempDir Path tmp;

  @Test
  void ignoresFilesItDoesNotOwn() throws IOException {
    Files.writeString(tmp.resolve("rules.yml"), "groups: []\n");
    AtomicFileStore store = new AtomicFileStore(tmp);
    write(store, stateWith("{}", Map.of()));

    assertEquals(List.of("prometheus.yml"), List.copyOf(store.readOwned().keySet()));
  }

  @Test
  void refusesToReplaceAFileItDoesNotOwnAndWritesNothing() throws IOException {
    Files.writeString(tmp.resolve("prometheus.yml"), "# the user's own\n");
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState state = stateWith("{}", Map.of("a", A));

    UnownedFilesException e = assertThrows(UnownedFilesException.class,
        () -> write(store, state));

    assertEquals(List.of("prometheus.yml"), e.paths());
    assertTrue(e.getMessage().startsWith("refusing to replace \"prometheus.yml\""), e.getMessage());
    assertEquals("# the user's own\n", Files.readString(tmp.resolve("prometheus.yml")));
    assertFalse(Files.exists(tmp.resolve("certs/a-ca.pem")));
    assertFalse(Files.exists(tmp.resolve(AtomicFileStore.MANIFEST)));
  }

  /** After a write, a file someone put at a path new to the next write is refused by it. */
  @Test
  void aFileAtAPathNewToTheNextWriteIsStillRefused() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    write(store, stateWith("{}", Map.of("a", A)));
    Files.writeString(tmp.resolve("certs/b-ca.pem"), "the user's own");

    DesiredState withB = stateWith("{ b: 1 }", Map.of("a", A, "b", B));
    UnownedFilesException e = assertThrows(UnownedFilesException.class, () -> write(store, withB));

    assertEquals(List.of("certs/b-ca.pem"), e.paths());
    assertEquals("the user's own", Files.readString(tmp.resolve("certs/b-ca.pem")));
    assertEquals("{}", Files.readString(tmp.resolve("prometheus.yml")));
  }

  /**
   * A diff applied in parts leaves desired paths unwritten, and so not owned: a file someone
   * puts there before the next part is refused by that part.
   */
  @Test
  void aDesiredPathAnEarlierPartLeftUnwrittenIsCheckedAgain() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState state = stateWith("{}", Map.of("a", A, "b", B));
    FileDiff whole = FileDiff.between(state, store.readOwned());
    List<String> first = whole.writes().stream().filter(path -> !path.startsWith("certs/b-"))
        .toList();
    store.write(state, new FileDiff(first, List.of(), true));
    Files.writeString(tmp.resolve("certs/b-key.pem"), "the user's own");

    FileDiff rest = FileDiff.between(state, store.readOwned());
    UnownedFilesException e = assertThrows(UnownedFilesException.class,
        () -> store.write(state, rest));

    assertEquals(List.of("certs/b-key.pem"), e.paths());
    assertEquals("the user's own", Files.readString(tmp.resolve("certs/b-key.pem")));
  }

  /** A manifest lost behind the store's back owns nothing: every desired path is checked. */
  @Test
  void aLostManifestOwnsNothingAgain() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState state = stateWith("{}", Map.of("a", A));
    write(store, state);
    Files.delete(tmp.resolve(AtomicFileStore.MANIFEST));
    Files.deleteIfExists(tmp.resolve(AtomicFileStore.JOURNAL));

    DesiredState next = stateWith("{ next: 1 }", Map.of("a", A));
    UnownedFilesException e = assertThrows(UnownedFilesException.class, () -> write(store, next));

    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem",
        "prometheus.yml"), e.paths());
    assertEquals("{}", Files.readString(tmp.resolve("prometheus.yml")));
  }

  @Test
  void deletesOwnedFilesNoLongerDesiredButNeverOthers() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    write(store, stateWith("{}", Map.of("a", A, "b", B)));
    Files.writeString(tmp.resolve("certs/user-ca.pem"), "kept");

    DesiredState onlyA = stateWith("{}", Map.of("a", A));
    FileDiff diff = FileDiff.between(onlyA, store.readOwned());
    store.write(onlyA, diff);

    assertEquals(List.of("certs/b-ca.pem", "certs/b-crt.pem", "certs/b-key.pem"), diff.deletes());
    assertFalse(Files.exists(tmp.resolve("certs/b-key.pem")));
    assertEquals("kept", Files.readString(tmp.resolve("certs/user-ca.pem")));
    assertEquals(onlyA.files(), store.readOwned());
  }

  @Test
  void aFolderReplacedByALinkIsNeverWrittenOrDeletedThrough() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("out"));
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    AtomicFileStore store = new AtomicFileStore(root);
    write(store, stateWith("{}", Map.of("a", A, "b", B)));
    // someone moves the certificates folder away and links it to a folder of their own files
    Files.move(root.resolve("certs"), tmp.resolve("certs.moved"));
    Files.writeString(elsewhere.resolve("a-ca.pem"), "user's a-ca\n");
    Files.writeString(elsewhere.resolve("b-ca.pem"), "user's b-ca\n");
    Files.createSymbolicLink(root.resolve("certs"), elsewhere);
    DesiredState onlyA = stateWith("{}", Map.of("a", A));

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> store.write(onlyA, FileDiff.between(onlyA, store.readOwned())));

    assertTrue(e.getMessage().contains("\"certs\" is a symbolic link"), e.getMessage());
    assertEquals("user's a-ca\n", Files.readString(elsewhere.resolve("a-ca.pem")));
    assertEquals("user's b-ca\n", Files.readString(elsewhere.resolve("b-ca.pem")));
    try (Stream<Path> left = Files.list(elsewhere)) {
      assertEquals(2, left.count(), "nothing written into the linked folder");
    }
  }
}
