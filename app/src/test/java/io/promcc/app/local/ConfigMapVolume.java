package io.promcc.app.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A folder updated the way the kubelet updates a ConfigMap or Secret volume: each version is a
 * new hidden folder {@code ..<version>}, {@code ..data} is a link to the current one, swapped by
 * renaming a new link over it, and each visible name is a link {@code <name> -> ..data/<name>}.
 * The visible files never change in place; they point somewhere else after the swap.
 */
final class ConfigMapVolume {
  private final Path mount;
  private final Map<String, String> files = new TreeMap<>();
  private int version;
  private Path current;

  ConfigMapVolume(Path mount) {
    this.mount = mount;
  }

  /** Publishes a new version in which {@code name} holds {@code content}. */
  void publish(String name, String content) throws IOException {
    files.put(name, content);
    swap();
  }

  /** Publishes a new version without {@code name}. */
  void remove(String name) throws IOException {
    files.remove(name);
    swap();
    Files.deleteIfExists(mount.resolve(name));
  }

  private void swap() throws IOException {
    Path next = Files.createDirectory(mount.resolve("..2024_01_01_00_00_0" + ++version));
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(next.resolve(file.getKey()), file.getValue());
    }
    Path tmp = Files.createSymbolicLink(mount.resolve("..data_tmp"), next.getFileName());
    Files.move(tmp, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    for (String name : files.keySet()) {
      Path visible = mount.resolve(name);
      if (!Files.isSymbolicLink(visible)) {
        Files.createSymbolicLink(visible, Path.of("..data", name));
      }
    }
    if (current != null) {
      try (Stream<Path> old = Files.walk(current)) {
        for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    current = next;
  }
}
