package io.promcc.core.yaml;

import org.snakeyaml.engine.v2.exceptions.Mark;

/**
 * Turns snakeyaml's marks, which count code points, into offsets of the text, and an offset
 * into a line and column, walking forward only (events come in the order of the text).
 */
final class SourcePosition {
  private final String text;
  private int codePoints;
  private int chars;

  SourcePosition(String text) {
    this.text = text;
  }

  int charOffset(Mark mark) {
    chars = text.offsetByCodePoints(chars, mark.getIndex() - codePoints);
    codePoints = mark.getIndex();
    return chars;
  }

  String describe(int offset) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset; i = text.offsetByCodePoints(i, 1)) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
        line++;
        column = 1;
      } else if (c != '\r') {
        column++;
      }
    }
    return "line " + line + ", column " + column;
  }
}
