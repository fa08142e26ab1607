package io.promcc.core.yaml;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.DocumentEndEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Whether a text read with {@link YamlReader} holds no YAML value (blanks, comments, document
 * markers, directives): what a file being written holds for a moment, and what a failed write
 * leaves. Told from the parser's events, up to the first value. Stateless and thread-safe.
 */
final class NoValueTexts {
  private NoValueTexts() {}

  /**
   * Whether {@code text}, YAML that {@link YamlReader#read} took as null, holds no value at
   * all: nothing but blanks, comments and document markers, where a null written out
   * ({@code ~}, {@code null}, a tag or an anchor on nothing) is a value. A lone {@code ---} is
   * read as an empty plain scalar, which is no value either.
   */
  static boolean holdsNoValue(String text, String subject) {
    LoadSettings settings = YamlReader.settings(subject, false, GoYamlSchema.SCHEMA);
    for (Event event : new Parse(settings).parseString(text)) {
      if (isValue(event)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@link YamlReader#readFirstDocument} reads {@code written} and
   * {@link #holdsNoValue} finds no value in its first document, as {@code BaseConfig.parse}
   * tells a base config of no value, told from the first document's events up to its first
   * value: a text that has one is read no
   * further, and one that cannot be read up to its first value (or to its first document's end)
   * has a value to this test, being refused. A text of no value so far is read to the end of
   * its first document once: the events of that document are the ones {@link #holdsNoValue}
   * reads from its text, which the parse tells it by.
   */
  static boolean firstDocumentHoldsNoValue(String written, String subject) {
    FirstDocumentParser first = new FirstDocumentParser(
        YamlReader.settings(subject, false, GoYamlSchema.SCHEMA), written);
    try {
      while (first.hasNext()) {
        if (isValue(first.next())) {
          return false;
        }
      }
    } catch (YamlEngineException refused) {
      return false;
    }
    return true;
  }

  /**
   * Whether {@code text} is one YAML document of no value so far, as {@link YamlReader#read}
   * reads it (null) and {@link #holdsNoValue} tells it: what a document written in place holds
   * for a moment, directives with no {@code ---} after them yet among it (refused by YAML for
   * want of that alone). False for a text of a value, one that YAML refuses otherwise before its
   * first value, and one whose first document has ended, by {@code ...} or another {@code ---}:
   * what may follow is another document, which a reader of one refuses. Read up to its first
   * value or the end of its first document.
   */
  static boolean oneDocumentHoldsNoValue(String text, String subject) {
    LoadSettings settings = YamlReader.settings(subject, false, GoYamlSchema.SCHEMA);
    int documents = 0;
    try {
      for (Event event : new Parse(settings).parseString(text)) {
        if (isValue(event) || event instanceof DocumentEndEvent end && end.isExplicit()
            || event.getEventId() == Event.ID.DocumentStart && ++documents > 1) {
          return false;
        }
      }
    } catch (YamlEngineException refused) {
      return awaitsItsDocument(refused, text);
    }
    return true;
  }

  /**
   * Whether {@code refused} refuses {@code text} for want of a {@code ---} at its end alone: it
   * holds directives, and no document yet.
   */
  private static boolean awaitsItsDocument(YamlEngineException refused, String text) {
    return refused instanceof MarkedYamlEngineException marked && marked.getProblem() != null
        && marked.getProblem().startsWith("expected '<document start>', but found '<stream end>'")
        && marked.getProblemMark().filter(
            mark -> mark.getIndex() == text.codePointCount(0, text.length())).isPresent();
  }

  /** Whether {@code event} is (the start of) a value: an empty plain scalar is none. */
  private static boolean isValue(Event event) {
    return switch (event.getEventId()) {
      case StreamStart, StreamEnd, DocumentStart, DocumentEnd, Comment -> false;
      case Scalar -> {
        ScalarEvent scalar = (ScalarEvent) event;
        yield !scalar.getValue().isEmpty() || scalar.getScalarStyle() != ScalarStyle.PLAIN
            || scalar.getTag().isPresent() || scalar.getAnchor().isPresent();
      }
      default -> true;
    };
  }
}
