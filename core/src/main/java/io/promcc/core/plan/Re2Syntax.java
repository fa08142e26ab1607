package io.promcc.core.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

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
final class Re2Syntax {
  private static final int MAX_REPEAT = 1000;
  private static final Set<String> POSIX_CLASSES = Set.of("alnum", "alpha", "ascii", "blank",
      "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit");
  private static final Set<String> UNICODE_NAMES = unicodeNames();

  private final String text;
  private int at;
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

  /** A problem of the expression, in Go's words. */
  private static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(String code, String expression) {
      super("error parsing regexp: " + code + ": `" + expression + "`", null, false, false);
    }
  }

  private Re2Syntax(String text) {
    this.text = text;
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
  }

  /** {@code \pN}, {@code \p{Name}}, {@code \P...}, {@code \p{^Name}} at {@code at}, if there. */
  private boolean unicodeClass() {
    if (!text.startsWith("\\p", at) && !text.startsWith("\\P", at)) {
      return false;
    }
    int start = at;
    String name;
    if (at + 2 >= text.length()) {
      throw new Invalid("invalid character class range", text.substring(start));
    }
    int c = text.codePointAt(at + 2);
    if (c != '{') {
      at += 2 + Character.charCount(c);
      name = new String(Character.toChars(c));
    } else {
      int end = text.indexOf('}', at);
      if (end < 0) {
        throw new Invalid("invalid character class range", text.substring(start));
      }
      name = text.substring(at + 3, end);
      at = end + 1;
    }
    if (name.startsWith("^")) {
      name = name.substring(1);
    }
    if (!UNICODE_NAMES.contains(name)) {
      throw new Invalid("invalid character class range", text.substring(start, at));
    }
    return true;
  }

  private boolean perlClass() {
    if (at + 1 < text.length() && "dDsSwW".indexOf(text.charAt(at + 1)) >= 0) {
      at += 2;
      return true;
    }
    return false;
  }

  /** One escaped character at {@code at} (a backslash); its code point. */
  private int escapedCharacter() {
    int start = at;
    at++;
    if (at >= text.length()) {
      throw new Invalid("trailing backslash at end of expression", "");
    }
    int c = text.codePointAt(at);
    at += Character.charCount(c);
    if (c < 0x80 && !isAlnum(c)) {
      return c;
    }
    switch (c) {
      case '1', '2', '3', '4', '5', '6', '7', '0' -> {
        if (c != '0' && !octalAt(at)) {
          break; // a back-reference
        }
        int value = c - '0';
        for (int i = 1; i < 3 && octalAt(at); i++) {
          value = value * 8 + text.charAt(at++) - '0';
        }
        return value;
      }
      case 'x' -> {
        if (at >= text.length()) {
          break;
        }
        if (text.charAt(at) == '{') {
          at++;
          int value = 0;
          int digits = 0;
          while (at < text.length() && text.charAt(at) != '}') {
            int v = hexAt(at);
            at += Character.charCount(text.codePointAt(at));
            if (v < 0) {
              throw new Invalid("invalid escape sequence", text.substring(start, at));
            }
            value = value * 16 + v;
            if (value > Character.MAX_CODE_POINT) {
              throw new Invalid("invalid escape sequence", text.substring(start, at));
            }
            digits++;
          }
          if (at >= text.length() || digits == 0) {
            at = Math.min(at + 1, text.length());
            throw new Invalid("invalid escape sequence", text.substring(start, at));
          }
          at++;
          return value;
        }
        int high = hexAt(at);
        at += Character.charCount(text.codePointAt(at));
        int low = at < text.length() ? hexAt(at) : -1;
        if (at < text.length()) {
          at += Character.charCount(text.codePointAt(at));
        }
        if (high < 0 || low < 0) {
          break;
        }
        return high * 16 + low;
      }
      case 'a' -> {
        return 7;
      }
      case 'f' -> {
        return '\f';
      }
      case 'n' -> {
        return '\n';
      }
      case 'r' -> {
        return '\r';
      }
      case 't' -> {
        return '\t';
      }
      case 'v' -> {
        return 0x0b;
      }
      default -> { }
    }
    throw new Invalid("invalid escape sequence", text.substring(start, at));
  }

  private boolean octalAt(int p) {
    return p < text.length() && text.charAt(p) >= '0' && text.charAt(p) <= '7';
  }

  private int hexAt(int p) {
    char c = text.charAt(p);
    return c > 0x7f ? -1 : Character.digit(c, 16);
  }

  /** A bracketed class at {@code at}, up to and including its {@code ]}. */
  private void characterClass() {
    int start = at;
    at++;
    if (at < text.length() && text.charAt(at) == '^') {
      at++;
    }
    boolean first = true;
    while (at >= text.length() || text.charAt(at) != ']' || first) {
      first = false;
      if (at >= text.length()) {
        throw new Invalid("missing closing ]", text.substring(start));
      }
      if (text.startsWith("[:", at) && at + 2 < text.length()) {
        int end = text.indexOf(":]", at + 2);
        if (end >= 0) {
          String name = text.substring(at + 2, end);
          String whole = text.substring(at, end + 2);
          if (!POSIX_CLASSES.contains(name.startsWith("^") ? name.substring(1) : name)) {
            throw new Invalid("invalid character class range", whole);
          }
          at = end + 2;
          continue;
        }
      }
      if (unicodeClass() || perlClassInBrackets()) {
        continue;
      }
      int rangeStart = at;
      int low = classCharacter(start);
      if (at + 1 < text.length() && text.charAt(at) == '-' && text.charAt(at + 1) != ']') {
        at++;
        int high = classCharacter(start);
        if (high < low) {
          throw new Invalid("invalid character class range", text.substring(rangeStart, at));
        }
      }
    }
    at++; // the ]
  }

  private boolean perlClassInBrackets() {
    return text.startsWith("\\", at) && perlClass();
  }

  private int classCharacter(int classStart) {
    if (at >= text.length()) {
      throw new Invalid("missing closing ]", text.substring(classStart));
    }
    if (text.charAt(at) == '\\') {
      return escapedCharacter();
    }
    int c = text.codePointAt(at);
    at += Character.charCount(c);
    return c;
  }

  private static boolean isAlnum(int c) {
    return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  /**
   * Go's Unicode class names: {@code Any}, the general categories and the scripts, spelled as
   * Go spells them ({@code Old_Italic}), with the scripts of Unicode 14 and 15 that Java 17 does
   * not know yet.
   */
  private static Set<String> unicodeNames() {
    Set<String> names = new HashSet<>(List.of("Any", "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm",
        "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe",
        "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
        "Cypro_Minoan", "Old_Uyghur", "Tangsa", "Toto", "Vithkuqi", "Kawi", "Nag_Mundari"));
    for (Character.UnicodeScript script : Character.UnicodeScript.values()) {
      if (script == Character.UnicodeScript.UNKNOWN) {
        continue;
      }
      StringBuilder name = new StringBuilder();
      for (String part : script.name().split("_")) {
        if (name.length() > 0) {
          name.append('_');
        }
        name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
      }
      names.add(name.toString().equals("Signwriting") ? "SignWriting" : name.toString());
    }
    return Set.copyOf(names);
  }
}
