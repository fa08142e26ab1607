package io.promcc.core.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether Prometheus accepts a relabelling regular expression: the syntax of Go's
 * {@code regexp/syntax} with Perl flags (RE2's), checked on the expression as Prometheus compiles
 * it, anchored as {@code ^(?:regex)$}. The problem is said in Go's words, as Prometheus would
 * say it ({@code error parsing regexp: invalid nested repetition operator: `++`}).
 *
 * <p>What differs from Java's {@link java.util.regex.Pattern}: no look-arounds, back-references,
 * possessive quantifiers ({@code a++}) or nested repetition ({@code a**}); named groups as
 * {@code (?P<name>...)} or {@code (?<name>...)}; flags only {@code i m s U}; counts at most
 * 1,000, also multiplied through nested counted repetitions; POSIX classes ({@code [[:alpha:]]})
 * only inside brackets; Unicode classes by Go's category and script names ({@code \p{Greek}},
 * not {@code \p{Alpha}}); escapes only of punctuation and {@code \a \f \t \n \r \v \0-7 \x \d
 * \s \w \b \A \z \p \Q}. The limits on a compiled program's size and nesting depth are not
 * checked here (Prometheus' reload reports them).
 */
final class Re2Syntax extends Re2Characters {
  private static final int MAX_REPEAT = 1000;

  /** One frame per open group: the items of its current alternative, only their repeat shape. */
  private final List<List<Node>> frames = new ArrayList<>();
  /** Where the last item's repetition operator began, or -1 if the last item was no repetition. */
  private int lastRepeat = -1;

  /**
   * A parsed piece, as far as repetition counts care: a counted repetition {@code {min,max}}
   * ({@code max} -1 if open), or anything else ({@code min} -1).
   */
  private record Node(int min, int max, List<Node> inside) {
    static final Node ATOM = new Node(-1, -1, List.of());

    static Node of(List<Node> inside) {
      return new Node(-1, -1, inside);
    }

    boolean counted() {
      return min >= 0;
    }
  }

  private Re2Syntax(String text) {
    super(text);
  }

  /** Go's error for {@code regex} as Prometheus compiles it, if it has one. */
  static Optional<String> problem(String regex) {
    try {
      new Re2Syntax("^(?:" + regex + ")$").parse();
      return Optional.empty();
    } catch (Invalid e) {
      return Optional.of(e.getMessage());
    }
  }

  private void parse() {
    frames.add(new ArrayList<>());
    while (at < text.length()) {
      int start = at;
      char c = text.charAt(at);
      boolean repeated = false;
      switch (c) {
        case '(' -> group();
        case '|' -> {
          at++;
          alternatives().add(null); // a separator: no operand before what follows
        }
        case ')' -> closeGroup();
        case '[' -> {
          characterClass();
          push(Node.ATOM);
        }
        case '*', '+', '?' -> {
          at++;
          repeat(start, -1, -1);
          repeated = true;
        }
        case '{' -> repeated = counted(start);
        case '\\' -> escape();
        default -> {
          at += Character.charCount(text.codePointAt(at));
          push(Node.ATOM);
        }
      }
      lastRepeat = repeated ? start : -1;
    }
    if (frames.size() != 1) {
      throw new Invalid("missing closing )", text);
    }
  }

  private List<Node> alternatives() {
    return frames.get(frames.size() - 1);
  }

  private void push(Node node) {
    alternatives().add(node);
  }

  private void group() {
    if (!text.startsWith("(?", at)) {
      at++;
      frames.add(new ArrayList<>());
      return;
    }
    int start = at;
    boolean namedP = text.startsWith("(?P<", at);
    if (namedP || text.startsWith("(?<", at)) {
      int end = text.indexOf('>', at);
      if (end < 0) {
        throw new Invalid("invalid named capture", text.substring(start));
      }
      String name = text.substring(at + (namedP ? 4 : 3), end);
      if (name.isEmpty() || !name.chars().allMatch(ch -> ch == '_' || isAlnum(ch))) {
        throw new Invalid("invalid named capture", text.substring(start, end + 1));
      }
      at = end + 1;
      frames.add(new ArrayList<>());
      return;
    }
    at += 2;
    boolean negated = false;
    boolean sawFlag = false;
    while (at < text.length()) {
      int ch = text.codePointAt(at);
      at += Character.charCount(ch);
      switch (ch) {
        case 'i', 'm', 's', 'U' -> sawFlag = true;
        case '-' -> {
          if (negated) {
            throw new Invalid("invalid or unsupported Perl syntax", text.substring(start, at));
          }
          negated = true;
          sawFlag = false;
        }
        case ':', ')' -> {
          if (negated && !sawFlag) {
            throw new Invalid("invalid or unsupported Perl syntax", text.substring(start, at));
          }
          if (ch == ':') {
            frames.add(new ArrayList<>());
          }
          return; // flags alone change no operand
        }
        default -> throw new Invalid("invalid or unsupported Perl syntax",
            text.substring(start, at));
      }
    }
    throw new Invalid("invalid or unsupported Perl syntax", text.substring(start));
  }

  private void closeGroup() {
    if (frames.size() < 2) {
      throw new Invalid("unexpected )", text);
    }
    at++;
    List<Node> inside = frames.remove(frames.size() - 1);
    inside.removeIf(node -> node == null);
    push(Node.of(List.copyOf(inside)));
  }

  /** A repetition of the last item: {@code min}/{@code max} -1 for {@code * + ?}. */
  private void repeat(int start, int min, int max) {
    if (at < text.length() && text.charAt(at) == '?') {
      at++; // non-greedy
    }
    if (lastRepeat >= 0) {
      throw new Invalid("invalid nested repetition operator", text.substring(lastRepeat, at));
    }
    List<Node> items = alternatives();
    if (items.isEmpty() || items.get(items.size() - 1) == null) {
      throw new Invalid("missing argument to repetition operator", text.substring(start, at));
    }
    Node operand = items.get(items.size() - 1);
    Node repeated = min < 0 ? Node.of(List.of(operand)) : new Node(min, max, List.of(operand));
    items.set(items.size() - 1, repeated);
    if (min >= 2 || max >= 2) {
      if (!withinCount(repeated, MAX_REPEAT)) {
        throw new Invalid("invalid repeat count", text.substring(start, at));
      }
    }
  }

  /** No path of nested counted repetitions asks for more than {@code budget} copies. */
  private static boolean withinCount(Node node, int budget) {
    int left = budget;
    if (node.counted()) {
      if (node.max() == 0) {
        return true; // nothing inside is ever repeated
      }
      int copies = node.max() < 0 ? node.min() : node.max();
      if (copies > left) {
        return false;
      }
      if (copies > 0) {
        left /= copies;
      }
    }
    for (Node inside : node.inside()) {
      if (!withinCount(inside, left)) {
        return false;
      }
    }
    return true;
  }

  /** {@code {n}}, {@code {n,}} or {@code {n,m}}; anything else makes {@code {} a literal. */
  private boolean counted(int start) {
    int p = at + 1;
    int digits = digitsAt(p);
    if (digits == 0) {
      return literalBrace();
    }
    long min = number(p, digits);
    p += digits;
    long max;
    if (p < text.length() && text.charAt(p) == ',') {
      p++;
      if (p < text.length() && text.charAt(p) == '}') {
        max = -1;
      } else {
        int maxDigits = digitsAt(p);
        if (maxDigits == 0) {
          return literalBrace();
        }
        max = number(p, maxDigits);
        p += maxDigits;
        if (max < 0) {
          min = -1;
        }
      }
    } else {
      max = min;
    }
    if (p >= text.length() || text.charAt(p) != '}') {
      return literalBrace();
    }
    at = p + 1;
    if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || max >= 0 && min > max) {
      throw new Invalid("invalid repeat count", text.substring(start, at));
    }
    repeat(start, (int) min, (int) max);
    return true;
  }

  private boolean literalBrace() {
    at++;
    push(Node.ATOM);
    return false;
  }

  /** How many digits start at {@code p}: 0 if none, or a number with a leading zero. */
  private int digitsAt(int p) {
    int end = p;
    while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
      end++;
    }
    if (end - p >= 2 && text.charAt(p) == '0') {
      return 0;
    }
    return end - p;
  }

  /** The number of {@code digits} digits at {@code p}, or -1 if it is 100,000,000 or more. */
  private long number(int p, int digits) {
    long n = 0;
    for (int i = p; i < p + digits; i++) {
      if (n >= 100_000_000) {
        return -1;
      }
      n = n * 10 + text.charAt(i) - '0';
    }
    return n;
  }

  private void escape() {
    int start = at;
    if (at + 1 < text.length()) {
      char next = text.charAt(at + 1);
      switch (next) {
        case 'A', 'b', 'B', 'z' -> {
          at += 2;
          push(Node.ATOM);
          return;
        }
        case 'C' -> throw new Invalid("invalid escape sequence", "\\C");
        case 'Q' -> {
          int end = text.indexOf("\\E", at + 2);
          int literalEnd = end < 0 ? text.length() : end;
          for (int i = at + 2; i < literalEnd; i += Character.charCount(text.codePointAt(i))) {
            push(Node.ATOM);
          }
          at = end < 0 ? text.length() : end + 2;
          return;
        }
        default -> { }
      }
    }
    if (unicodeClass() || perlClass()) {
      push(Node.ATOM);
      return;
    }
    at = start;
    escapedCharacter();
    push(Node.ATOM);
  }}
