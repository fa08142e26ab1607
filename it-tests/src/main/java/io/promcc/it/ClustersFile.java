package io.promcc.it;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Local mode's clusters file ({@code promcc run --clusters FILE}), written as a user's editor
 * would save it, but atomically (a temporary file in the same folder, then a rename): the
 * controller's file watcher never sees half a list. Entries are kept in the order given.
 * Not thread-safe.
 */
public final class ClustersFile {
  /**
   * One guest cluster of the file.
   *
   * @param labels extra target labels (written sorted)
   * @param etcd {@code host:port} of an etcd to scrape, if any
   */
  public record Entry(String id, String provider, String apiServer, Map<String, String> labels,
      Optional<String> etcd) {
    public Entry {
      requireNonNull(id, "id == null");
      requireNonNull(provider, "provider == null");
      requireNonNull(apiServer, "apiServer == null");
      labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
      requireNonNull(etcd, "etcd == null");
    }

    /** The entry on one line, in YAML flow style: what a user appends to add the cluster. */
    public String line() {
      StringBuilder line = new StringBuilder("- {id: ").append(quote(id))
          .append(", provider: ").append(quote(provider))
          .append(", apiServer: ").append(quote(apiServer));
      etcd.ifPresent(e -> line.append(", etcd: ").append(quote(e)));
      if (!labels.isEmpty()) {
        List<String> pairs = new ArrayList<>();
        labels.forEach((name, value) -> pairs.add(name + ": " + quote(value)));
        line.append(", labels: {").append(String.join(", ", pairs)).append('}');
      }
      return line.append('}').toString();
    }

    /** The entry in YAML block style, each line ending in a line feed. */
    public String block() {
      StringBuilder block = new StringBuilder("- id: ").append(quote(id)).append('\n')
          .append("  provider: ").append(quote(provider)).append('\n')
          .append("  apiServer: ").append(quote(apiServer)).append('\n');
      etcd.ifPresent(e -> block.append("  etcd: ").append(quote(e)).append('\n'));
      if (!labels.isEmpty()) {
        block.append("  labels:\n");
        labels.forEach((name, value) ->
            block.append("    ").append(name).append(": ").append(quote(value)).append('\n'));
      }
      return block.toString();
    }
  }

  private static final Pattern PLAIN =
      Pattern.compile("[A-Za-z][A-Za-z0-9._/-]*(:[A-Za-z0-9._/-]+)*");
  private static final Set<String> KEYWORDS = Set.of("true", "false", "yes",
      "no", "on", "off", "null", "y", "n", "nan", "inf");

  private final Path path;

  /** The file at {@code path} (not touched until written). */
  public ClustersFile(Path path) {
    this.path = requireNonNull(path, "path == null").toAbsolutePath();
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** Writes {@code entries} (none: an empty list) in block style. */
  public void write(List<Entry> entries) {
    write(entries, "");
  }

  /**
   * Writes {@code entries} in block style, then {@code trailer} (e.g. comment lines; each must
   * end in a line feed).
   */
  public void write(List<Entry> entries, String trailer) {
    StringBuilder text = new StringBuilder("# Guest clusters of local mode (promcc run --clusters)."
        + " Changes are picked up live.\n");
    if (entries.isEmpty()) {
      text.append("[]\n");
    }
    entries.forEach(e -> text.append(e.block()));
    text.append(requireNonNull(trailer, "trailer == null"));
    writeText(text.toString());
  }

  /** Replaces the file's content with {@code text}, atomically. */
  public void writeText(String text) {
    try {
      Files.createDirectories(path.getParent());
      Path temporary = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".tmp");
      try {
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write clusters file " + path, e);
    }
  }

  /** The file's content. */
  public String read() {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read clusters file " + path, e);
    }
  }

  /**
   * {@code value} as a YAML scalar: plain if it is a simple word, URL or host name that YAML
   * reads as that same string (starting with a letter, so never a number; no YAML keyword),
   * else double-quoted (JSON's escapes are valid YAML).
   */
  static String quote(String value) {
    if (PLAIN.matcher(value).matches()
        && !KEYWORDS.contains(value.toLowerCase(Locale.ROOT))) {
      return value;
    }
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
