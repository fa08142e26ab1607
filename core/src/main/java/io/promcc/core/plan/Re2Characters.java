package io.promcc.core.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The characters of an RE2 expression, for {@link Re2Syntax}: escaped characters, Perl classes
 * ({@code \d}), Unicode classes ({@code \p{Greek}}) and bracketed classes with their POSIX
 * classes ({@code [[:alpha:]]}). Each reads {@code text} from {@code at} and leaves {@code at}
 * after what it read, or throws {@link Invalid} in Go's words. A base class of the parser, not a
 * helper it calls, so that both move one cursor.
 */
abstract class Re2Characters {
  private static final Set<String> POSIX_CLASSES = Set.of("alnum", "alpha", "ascii", "blank",
      "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit");
  private static final Set<String> UNICODE_NAMES = unicodeNames();

  final String text;
  int at;

  /** A problem of the expression, in Go's words. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(String code, String expression) {
      super("error parsing regexp: " + code + ": `" + expression + "`", null, false, false);
    }
  }

  Re2Characters(String text) {
    this.text = text;
  }

  /** {@code \pN}, {@code \p{Name}}, {@code \P...}, {@code \p{^Name}} at {@code at}, if there. */
  boolean unicodeClass() {
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

  boolean perlClass() {
    if (at + 1 < text.length() && "dDsSwW".indexOf(text.charAt(at + 1)) >= 0) {
      at += 2;
      return true;
    }
    return false;
  }

  /** One escaped character at {@code at} (a backslash); its code point. */
  int escapedCharacter() {
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
  void characterClass() {
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

  static boolean isAlnum(int c) {
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
