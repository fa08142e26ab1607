package io.promcc.core.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The anchors of a profile's regular expression, for a shared job, which puts its condition in
 * front of the expression: there a {@code ^} or {@code \A} could never match. Prometheus anchors
 * every expression ({@code ^(?:regex)$}), so an anchor that starts or ends one of its top-level
 * alternatives matches nothing more and can go ({@link #unanchored}); any other anchor depends on
 * what stands around the expression ({@link #hasInnerAnchor}), and so may a word boundary
 * ({@link #hasWordBoundary}). Meant for expressions {@link Re2Syntax} has taken; any other text
 * is read to its end without failing.
 */
final class RegexAnchors {
  private RegexAnchors() {}

  /** {@code regex} without the anchors that start or end its top-level alternatives. */
  static String unanchored(String regex) {
    List<Token> tokens = tokens(regex);
    StringBuilder out = new StringBuilder(regex.length());
    int at = 0;
    for (Token token : tokens) {
      if (token.edge) {
        out.append(regex, at, token.start);
        at = token.end;
      }
    }
    return out.append(regex, at, regex.length()).toString();
  }

  /**
   * Whether a {@code )} of {@code regex} closes a group it did not open: valid only inside the
   * {@code ^(?:...)$} Prometheus wraps around every regex, as {@code x)|(.*}.
   */
  static boolean closesOuterGroup(String regex) {
    int depth = 0;
    int i = 0;
    while (i < regex.length()) {
      switch (regex.charAt(i)) {
        case '\\' -> i = escapeEnd(regex, i);
        case '[' -> i = classEnd(regex, i);
        case '(' -> {
          depth++;
          i++;
        }
        case ')' -> {
          if (--depth < 0) {
            return true;
          }
          i++;
        }
        default -> i++;
      }
    }
    return false;
  }

  /**
   * Whether {@code regex} has an anchor that {@link #unanchored} keeps, or any anchor at all
   * under the multi-line flag (where {@code ^} and {@code $} also match at line breaks).
   */
  static boolean hasInnerAnchor(String regex) {
    List<Token> tokens = tokens(regex);
    boolean multiLine = tokens.stream().anyMatch(t -> t.kind == Kind.MULTI_LINE);
    return tokens.stream().anyMatch(t -> (t.kind == Kind.BEGIN || t.kind == Kind.END)
        && (multiLine || !t.edge));
  }

  /**
   * Whether {@code regex} has a {@code \b} or {@code \B}: one that starts the text (also inside a
   * group, after flags) asks about the character before the expression, which in a shared job is
   * the separator's last one; any is taken as one that may.
   */
  static boolean hasWordBoundary(String regex) {
    return tokens(regex).stream().anyMatch(t -> t.kind == Kind.WORD_BOUNDARY);
  }

  private enum Kind { BEGIN, END, BAR, FLAGS, MULTI_LINE, WORD_BOUNDARY, OTHER }

  private static final class Token {
    final Kind kind;
    final int start;
    final int end;
    boolean edge;

    Token(Kind kind, int start, int end) {
      this.kind = kind;
      this.start = start;
      this.end = end;
    }
  }

  /** The expression's tokens, with the anchors at the edges of a top-level alternative marked. */
  private static List<Token> tokens(String regex) {
    List<Token> tokens = new ArrayList<>();
    List<Integer> bars = new ArrayList<>(); // indexes of top-level '|' tokens
    int depth = 0;
    int i = 0;
    while (i < regex.length()) {
      char c = regex.charAt(i);
      int start = i;
      Kind kind = Kind.OTHER;
      switch (c) {
        case '\\' -> {
          i = escapeEnd(regex, i);
          char letter = start + 1 < regex.length() ? regex.charAt(start + 1) : '\\';
          kind = switch (letter) {
            case 'A' -> Kind.BEGIN;
            case 'z' -> Kind.END;
            case 'b', 'B' -> Kind.WORD_BOUNDARY;
            default -> Kind.OTHER;
          };
        }
        case '[' -> i = classEnd(regex, i);
        case '(' -> {
          depth++;
          i++;
          if (i < regex.length() && regex.charAt(i) == '?') {
            int flagsEnd = i + 1;
            while (flagsEnd < regex.length() && Character.isLetter(regex.charAt(flagsEnd))
                || flagsEnd < regex.length() && regex.charAt(flagsEnd) == '-') {
              flagsEnd++;
            }
            String flags = regex.substring(i + 1, flagsEnd);
            boolean setting = flagsEnd < regex.length() && regex.charAt(flagsEnd) == ')';
            if (flags.indexOf('m') >= 0 && !flags.startsWith("P")) {
              kind = Kind.MULTI_LINE;
            } else if (setting) {
              kind = Kind.FLAGS;
            }
            if (setting) {
              depth--; // a flag setting, no group
              i = flagsEnd + 1;
            }
          }
        }
        case ')' -> {
          depth--;
          i++;
        }
        case '|' -> {
          i++;
          if (depth == 0) {
            kind = Kind.BAR;
            bars.add(tokens.size());
          }
        }
        case '^' -> {
          i++;
          kind = Kind.BEGIN;
        }
        case '$' -> {
          i++;
          kind = Kind.END;
        }
        default -> i += Character.charCount(regex.codePointAt(i));
      }
      if (kind == Kind.BEGIN || kind == Kind.END) {
        i = repetitionEnd(regex, i); // Go takes ^*, \A+, $?: still no text, as the anchor alone
      }
      tokens.add(new Token(kind, start, i));
    }
    // each top-level alternative: its leading begin anchors and trailing end anchors
    int from = 0;
    bars.add(tokens.size());
    for (int bar : bars) {
      // a flag setting such as (?i) matches no text: an anchor after it still starts the text
      for (int t = from; t < bar && (tokens.get(t).kind == Kind.BEGIN
          || tokens.get(t).kind == Kind.FLAGS); t++) {
        tokens.get(t).edge = tokens.get(t).kind == Kind.BEGIN;
      }
      for (int t = bar - 1; t >= from && tokens.get(t).kind == Kind.END; t--) {
        tokens.get(t).edge = true;
      }
      from = bar + 1;
    }
    // a repetition after an empty item ((?i), \Q\E) still repeats the anchor before it, which
    // then cannot go alone: such an anchor counts as an inner one
    for (int t = 1; t < tokens.size(); t++) {
      if (isRepetition(regex, tokens.get(t))) {
        int operand = t - 1;
        while (operand >= 0 && isEmptyItem(regex, tokens.get(operand))) {
          operand--;
        }
        if (operand >= 0 && operand < t - 1 && (tokens.get(operand).kind == Kind.BEGIN
            || tokens.get(operand).kind == Kind.END)) {
          tokens.get(operand).edge = false;
        }
      }
    }
    return tokens;
  }

  private static boolean isRepetition(String regex, Token token) {
    char c = regex.charAt(token.start);
    return token.kind == Kind.OTHER && (c == '*' || c == '+' || c == '?'
        || c == '{' && REPEAT.matcher(regex).region(token.start, regex.length()).lookingAt());
  }

  private static boolean isEmptyItem(String regex, Token token) {
    return token.kind == Kind.FLAGS
        || token.end - token.start == 4 && regex.startsWith("\\Q\\E", token.start);
  }

  /**
   * The end of the repetitions that follow an anchor ending at {@code i}: {@code *}, {@code +},
   * {@code ?}, {@code {n}}, {@code {n,}}, {@code {n,m}}, each maybe followed by {@code ?} (a
   * {@code {} of another form is a literal to Go).
   */
  private static int repetitionEnd(String regex, int i) {
    while (i < regex.length()) {
      char c = regex.charAt(i);
      int next;
      if (c == '*' || c == '+' || c == '?') {
        next = i + 1;
      } else if (c == '{' && REPEAT.matcher(regex).region(i, regex.length()).lookingAt()) {
        next = regex.indexOf('}', i) + 1;
      } else {
        return i;
      }
      i = next < regex.length() && regex.charAt(next) == '?' ? next + 1 : next;
    }
    return i;
  }

  /** A count as Go reads one; any other brace (a number with a leading 0, say) is text. */
  private static final Pattern REPEAT =
      Pattern.compile("\\{(?:0|[1-9]\\d*)(?:,(?:0|[1-9]\\d*)?)?\\}");

  /** The end of the escape at {@code i}: {@code \Q...\E}, {@code \p{..}}, {@code \x{..}}. */
  private static int escapeEnd(String regex, int i) {
    if (i + 1 >= regex.length()) {
      return regex.length(); // a lone backslash at the end
    }
    char letter = regex.charAt(i + 1);
    if (letter == 'Q') {
      int quoteEnd = regex.indexOf("\\E", i + 2);
      return quoteEnd < 0 ? regex.length() : quoteEnd + 2;
    }
    if ((letter == 'p' || letter == 'P' || letter == 'x') && i + 2 < regex.length()
        && regex.charAt(i + 2) == '{') {
      int close = regex.indexOf('}', i + 3);
      return close < 0 ? regex.length() : close + 1;
    }
    return i + 1 + Character.charCount(regex.codePointAt(i + 1));
  }

  /** The end of the character class at {@code i}. */
  private static int classEnd(String regex, int i) {
    int j = i + 1;
    if (j < regex.length() && regex.charAt(j) == '^') {
      j++;
    }
    if (j < regex.length() && regex.charAt(j) == ']') {
      j++; // a leading ']' is a member
    }
    while (j < regex.length() && regex.charAt(j) != ']') {
      if (regex.charAt(j) == '\\') {
        j = escapeEnd(regex, j);
      } else if (regex.startsWith("[:", j) && regex.indexOf(":]", j + 2) > 0) {
        j = regex.indexOf(":]", j + 2) + 2;
      } else {
        j++;
      }
    }
    return Math.min(j + 1, regex.length()); // unclosed: to the end
  }
}
