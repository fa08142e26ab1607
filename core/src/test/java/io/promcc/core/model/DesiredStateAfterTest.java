package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.collect.Lists;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link DesiredState#after} copies the hash records of the files it shares with the previous
 * state by instance: whatever the edit, it must make the state (and both hashes) the
 * constructor makes, and check every path it did not take from the previous state.
 */
class DesiredStateAfterTest {
  private static final String CONFIG_PATH = "prometheus.yml";

  /** One change to a state's files. */
  private record Edit(int kind, int index, String name, String content) {}

  @Property(tries = 300)
  void afterMakesWhatTheConstructorMakesWhateverTheEdits(
      @ForAll("files") Map<String, DesiredFile> first, @ForAll("edits") List<Edit> edits) {
    DesiredState previous = new DesiredState(first, CONFIG_PATH, List.of(), List.of());
    Map<String, DesiredFile> next = edited(previous.files(), edits);

    DesiredState fresh = new DesiredState(next, CONFIG_PATH, List.of(), List.of());
    DesiredState after = DesiredState.after(previous, next, CONFIG_PATH, List.of(), List.of());

    assertEquals(fresh.hash(), after.hash());
    assertEquals(fresh.configHash(), after.configHash());
    assertEquals(fresh, after);
    assertEquals(DesiredState.hashOf(fresh.files()), after.hash());
    assertEquals(DesiredState.configHashOf(fresh.files()), after.configHash());
    // and a third state after the second, whose records were themselves partly copied
    Map<String, DesiredFile> third = edited(after.files(), Lists.reverse(edits));
    assertEquals(new DesiredState(third, CONFIG_PATH, List.of(), List.of()).hash(),
        DesiredState.after(after, third, CONFIG_PATH, List.of(), List.of()).hash());
  }

  @Test
  void checksEveryPathNotTakenFromThePreviousState() {
    DesiredFile key = DesiredFile.of(FileKind.PRIVATE_KEY, "k");
    DesiredFile config = DesiredFile.of(FileKind.MAIN_CONFIG, "global: {}\n");
    DesiredState previous = new DesiredState(Map.of(CONFIG_PATH, config, "certs/a-key.pem", key),
        CONFIG_PATH, List.of(), List.of());
    Map<String, DesiredFile> next = new TreeMap<>(previous.files());
    next.put("certs/../b-key.pem", key);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DesiredState.after(previous, next, CONFIG_PATH, List.of(), List.of()));
    assertEquals("unsafe path \"certs/../b-key.pem\"", e.getMessage());
    // an equal path in a new String instance is the same path: not a new one
    Map<String, DesiredFile> copied = new TreeMap<>();
    previous.files().forEach((path, file) -> copied.put(new String(path), file));
    assertEquals(previous.hash(),
        DesiredState.after(previous, copied, CONFIG_PATH, List.of(), List.of()).hash());
  }

  /**
   * {@code files} with each edit applied: a file replaced by an equal one (a new instance), by
   * other content, by another mode; a file removed; a file added; a path given as a new
   * String instance.
   */
  private static Map<String, DesiredFile> edited(Map<String, DesiredFile> files,
      List<Edit> edits) {
    TreeMap<String, DesiredFile> out = new TreeMap<>(files);
    for (Edit edit : edits) {
      List<String> paths = new ArrayList<>(out.keySet());
      String path = paths.get(edit.index() % paths.size());
      DesiredFile file = out.get(path);
      boolean config = path.equals(CONFIG_PATH);
      switch (edit.kind()) {
        case 0 -> out.put(path, DesiredFile.of(file.kind(), file.content()));
        case 1 -> out.put(path, DesiredFile.of(file.kind(), edit.content()));
        case 2 -> out.put(path, file.withMode(file.mode() ^ 0040));
        case 3 -> {
          if (!config) {
            out.remove(path);
          }
        }
        case 4 -> out.put(edit.name(), fileFor(edit.name(), edit.content()));
        default -> {
          out.remove(path);
          out.put(new String(path), file);
        }
      }
    }
    return out;
  }

  private static DesiredFile fileFor(String path, String content) {
    FileKind kind = path.endsWith(".yml") ? FileKind.SCRAPE_CONFIG
        : path.endsWith("-key.pem") ? FileKind.PRIVATE_KEY : FileKind.CERTIFICATE;
    return DesiredFile.of(kind, content);
  }

  @Provide
  Arbitrary<Map<String, DesiredFile>> files() {
    return names().list().ofMaxSize(40).flatMap(names -> contents().list()
        .ofSize(names.size()).map(contents -> {
          Map<String, DesiredFile> files = new TreeMap<>();
          for (int i = 0; i < names.size(); i++) {
            files.put(names.get(i), fileFor(names.get(i), contents.get(i)));
          }
          files.put(CONFIG_PATH, DesiredFile.of(FileKind.MAIN_CONFIG, "scrape_config_files: []\n"));
          return files;
        }));
  }

  @Provide
  Arbitrary<List<Edit>> edits() {
    return Combinators.combine(Arbitraries.integers().between(0, 5),
        Arbitraries.integers().between(0, 1000), names(), contents())
        .as(Edit::new).list().ofMaxSize(8);
  }

  /** Paths in a few folders, so edits land next to, between and among each other's files. */
  private static Arbitrary<String> names() {
    Arbitrary<String> folder = Arbitraries.of("certs/", "scrape/", "", "certs/sub/", "z\u00f6/");
    Arbitrary<String> stem = Arbitraries.strings().withChars("abc-\u00fc").ofMinLength(1)
        .ofMaxLength(6);
    Arbitrary<String> suffix = Arbitraries.of(".yml", "-ca.pem", "-crt.pem", "-key.pem");
    return Combinators.combine(folder, stem, suffix).as((f, s, x) -> f + s + x)
        .filter(path -> !path.equals(CONFIG_PATH));
  }

  private static Arbitrary<String> contents() {
    return Arbitraries.strings().alpha().ofMaxLength(20);
  }
}
