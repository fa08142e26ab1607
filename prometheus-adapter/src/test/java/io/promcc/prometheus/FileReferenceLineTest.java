package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The hand-written reader of file reference lines agrees with the pattern it replaces. */
class FileReferenceLineTest {
  /**
   * Pieces of lines, the pattern's every edge among them: keys and near-keys, dashes, blanks of
   * each kind, quotes, comments, characters a pattern's dot does not match.
   */
  private static final List<String> PIECES = List.of("ca_file", "cert_file", "key_file",
      "x_file", "ca_file:", "key_file: ", ":", " ", "  ", "\t", "\r", "\u000B", "\f", "-", "- ",
      "\"", "'", "#", "# note", "certs/a-ca.pem", "a", "b c", "\u0085", "\u2028", "\u00e9");

  @Provide
  Arbitrary<String> lines() {
    return Arbitraries.of(PIECES).list().ofMaxSize(9).map(pieces -> String.join("", pieces));
  }

  @Property(tries = 5_000)
  void readsWhatThePatternMatchesWithTheSameKeyAndValue(@ForAll("lines") String line,
      @ForAll("lines") String before, @ForAll("lines") String after,
      @ForAll @IntRange(max = 2) int framing) {
    // the line as a region of a larger text, as a config's lines are read
    String prefix = framing == 0 ? "" : before.replace('\n', ' ') + "\n";
    String suffix = framing == 2 ? "\n" + after : "";
    String text = prefix + line + suffix;
    int start = prefix.length();
    int end = start + line.length();

    Matcher m = FileReferenceLine.PATTERN.matcher(text).region(start, end);
    FileReferenceLine.Reference read = FileReferenceLine.parse(text, start, end);

    if (!m.matches()) {
      assertNull(read, () -> "read a line the pattern does not match: " + escape(line));
      return;
    }
    int group = m.group(2) != null ? 2 : m.group(3) != null ? 3 : 4;
    assertEquals(List.of(m.group(1), m.start(group), m.end(group)),
        read == null ? null : List.of(FileReferenceLine.KEYS.get(read.key()), read.valueStart(),
            read.valueEnd()), () -> "line " + escape(line));
  }

  @Test
  void readsTheLinesAConfigHas() {
    String text = "tls_config:\n  ca_file: certs/c-ca.pem\n  - cert_file: 'certs/c crt.pem' # x\n"
        + "  key_file: \"certs/c-key.pem\"\n  key_file: a#b c\n  ca_file: \"a\"b\n  ca_file:\n";
    List<String> lines = text.lines().toList();
    int at = 0;
    StringBuilder read = new StringBuilder();
    for (String line : lines) {
      FileReferenceLine.Reference r = FileReferenceLine.parse(text, at, at + line.length());
      read.append(r == null ? "-" : FileReferenceLine.KEYS.get(r.key()) + "="
          + text.substring(r.valueStart(), r.valueEnd())).append('|');
      at += line.length() + 1;
    }
    assertEquals("-|ca_file=certs/c-ca.pem|cert_file=certs/c crt.pem|key_file=certs/c-key.pem|"
        + "key_file=a|ca_file=\"a\"b|-|", read.toString());
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    s.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
        : String.format("\\u%04x", c)));
    return out.toString();
  }
}
