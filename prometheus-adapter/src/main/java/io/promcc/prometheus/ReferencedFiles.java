package io.promcc.prometheus;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.Quoting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The files a config names, as {@link LocalValidation} checks them: every {@code ca_file},
 * {@code cert_file} and {@code key_file} of a changed config file is part of the desired state or
 * already exists, since Prometheus 2.53 loads a {@code kubernetes_sd_configs} job whose TLS files
 * are missing without complaint. Stateless; thread-safe.
 */
final class ReferencedFiles {
  private ReferencedFiles() {}

  /**
   * Adds to {@code problems} each file the config at {@code configPath} names that is neither in
   * {@code files} nor on disk; {@code outputDirectory} (absolute, normalized) holds the config.
   */
  static void check(Path outputDirectory, String configPath, DesiredFile config,
      Map<String, DesiredFile> files, List<String> problems) {
    Path configDir = outputDirectory.resolve(configPath).getParent();
    // a plain relative value (no ".", "..", empty segment or leading "/") names the path this
    // prefix and the value make, without the four path objects resolving it would cost per value
    String plainPrefix = null;
    if (configDir.equals(configDir.normalize()) && configDir.startsWith(outputDirectory)) {
      String relative = outputDirectory.relativize(configDir).toString().replace('\\', '/');
      plainPrefix = relative.isEmpty() ? "" : relative + "/";
    }
    String prefix = plainPrefix;
    Set<String> missing = new TreeSet<>();
    // per key, the values checked so far: a cluster's files are named by many jobs, one after
    // the other, so a value equal to the key's last one is skipped without being copied
    List<Set<String>> seen = Stream.<Set<String>>generate(HashSet::new)
        .limit(FileReferenceLine.KEYS.size()).toList();
    String[] last = new String[FileReferenceLine.KEYS.size()];
    // a piece of whole lines at a time, not a copy of the whole config (87 MB at 10,000 clusters)
    TextPieces.forEach(config.asReadOnlyBuffers(), TextPieces.PIECE, text -> {
      // String.indexOf is fast; only the lines that can name a file are read, each once, in place
      for (int hit = text.indexOf("_file:"); hit >= 0; ) {
        int lineStart = text.lastIndexOf('\n', hit) + 1;
        int lineEnd = text.indexOf('\n', hit);
        int end = lineEnd < 0 ? text.length() : lineEnd;
        hit = lineEnd < 0 ? -1 : text.indexOf("_file:", lineEnd);
        FileReferenceLine.Reference r = FileReferenceLine.parse(text, lineStart, end);
        if (r == null || r.valueStart() == r.valueEnd()) {
          continue;
        }
        int length = r.valueEnd() - r.valueStart();
        String previous = last[r.key()];
        if (previous != null && previous.length() == length
            && text.regionMatches(r.valueStart(), previous, 0, length)) {
          continue;
        }
        String value = text.substring(r.valueStart(), r.valueEnd());
        last[r.key()] = value;
        if (!seen.get(r.key()).add(value)) {
          continue;
        }
        if (prefix != null && isPlainRelative(value) && files.containsKey(prefix + value)) {
          continue;
        }
        Path resolved = configDir.resolve(value).normalize();
        boolean provided = resolved.startsWith(outputDirectory) && files.containsKey(
            outputDirectory.relativize(resolved).toString().replace('\\', '/'));
        if (!provided && !Files.exists(resolved)) {
          missing.add(FileReferenceLine.KEYS.get(r.key()) + " " + Quoting.quote(value));
        }
      }
    });
    for (String reference : missing) {
      problems.add("config " + Quoting.quote(configPath) + " names " + reference
          + ", which is neither in the desired state nor on disk");
    }
  }

  /**
   * True if {@code value} is a relative path of plain segments: resolving it against a normalized
   * folder needs no normalizing.
   */
  static boolean isPlainRelative(String value) {
    if (value.isEmpty() || value.indexOf('\\') >= 0) {
      return false;
    }
    int start = 0;
    while (true) {
      int slash = value.indexOf('/', start);
      int end = slash < 0 ? value.length() : slash;
      int length = end - start;
      if (length == 0 || (value.charAt(start) == '.'
          && (length == 1 || (length == 2 && value.charAt(start + 1) == '.')))) {
        return false;
      }
      if (slash < 0) {
        return true;
      }
      start = slash + 1;
    }
  }
}
