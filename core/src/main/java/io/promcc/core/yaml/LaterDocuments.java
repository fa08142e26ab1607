package io.promcc.core.yaml;

import java.util.List;
import java.util.Optional;

/**
 * The warning that a base config holds text past its first YAML document, which Prometheus'
 * YAML (go-yaml v2) does not read and neither does promcc ({@link YamlReader#readFirstDocument}):
 * a second document is most likely a mistake (a {@code ---} line meant as a separator), yet
 * Prometheus takes the file without a word. Lines of only a document marker ({@code ---},
 * {@code ...}), a directive ({@code %YAML 1.1}), a byte order mark or a comment warn of
 * nothing. The line is named by its number, never quoted: it may hold a secret (a
 * {@code password:}, a {@code bearer_token:}), and warnings are logged. Stateless.
 */
final class LaterDocuments {
  private LaterDocuments() {}

  /**
   * The warning for {@code written}, whose first document is the {@code first} characters
   * ({@code first} is its length for one document); empty if nothing follows but markers,
   * comments and blank lines.
   *
   * @param subject names the file, e.g. {@code base config "b.yml"}
   */
  static Optional<String> warning(String written, int first, String subject) {
    int endLine = 1 + lineBreaks(written, 0, first);
    List<String> lines = written.substring(first).lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      // a byte order mark may start each document of a stream
      String line = lines.get(i).replace("\ufeff", "").strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("%")
          || isMarker(line, "---") || isMarker(line, "...")) {
        continue;
      }
      return Optional.of(subject + ": the text from line " + (endLine + i) + " is left out: it"
          + " follows the first YAML document (ended at line " + endLine + "), and Prometheus"
          + " reads only that one");
    }
    return Optional.empty();
  }

  /** Whether {@code line} is the document marker {@code marker} alone, or with a comment. */
  private static boolean isMarker(String line, String marker) {
    return line.equals(marker) || line.startsWith(marker)
        && line.substring(marker.length()).stripLeading().startsWith("#")
        && Character.isWhitespace(line.charAt(marker.length()));
  }

  /** The line breaks of {@code text} in [from, to): LF, CRLF and a lone CR, as lines() counts. */
  private static int lineBreaks(String text, int from, int to) {
    int breaks = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
        breaks++;
      }
    }
    return breaks;
  }
}
