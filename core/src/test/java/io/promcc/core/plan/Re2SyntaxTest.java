package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Go's verdict on relabelling regular expressions, as Prometheus compiles them ({@code
 * ^(?:regex)$}); {@code Re2SyntaxOracleIT} checks the same cases against promtool.
 */
class Re2SyntaxTest {
  /** Accepted by Go, some of them refused by Java's regular expressions or the reverse. */
  @ParameterizedTest
  @ValueSource(strings = {"", "a", "(?P<name>a)", "(?<name>a)", "[[:alpha:]]+", "[[:^digit:]]",
      "\\pL", "\\p{Greek}", "\\P{Lu}", "\\p{^Han}", "\\p{Old_Italic}", "[\\p{Nd}x-z]",
      "(a{2}){3}(?i)", "a*?", "a{1000}", "(a{10}){100}", "(a{0}){1000}", "(?i:a)|(?s)b", "(?-i:a)",
      "\\Qa.b*\\E", "\\x{10FFFF}", "\\x41", "\\101", "\\0", "[]a]", "[^]a]", "[a-]", "a{,5}",
      "a{01}", "a{", "}", "]", "\\_", "\\b+", "^*", "a|", "()", "(?:)", "a{2,}", "(?i)",
      "[\\d-z]", ".*", "(?U)a+", "\\A\\z", "[a\\]]", "kube-system|default", "(.+);(.+)"})
  void acceptsWhatGoAccepts(String regex) {
    assertEquals(Optional.empty(), Re2Syntax.problem(regex));
  }

  @ParameterizedTest
  @CsvSource(delimiterString = " => ", quoteCharacter = '"', value = {
      "a++ => invalid nested repetition operator: `++`",
      "a** => invalid nested repetition operator: `**`",
      "a*?+ => invalid nested repetition operator: `*?+`",
      "a{2}* => invalid nested repetition operator: `{2}*`",
      "a{2}{3} => invalid nested repetition operator: `{2}{3}`",
      "*a => missing argument to repetition operator: `*`",
      "a|+ => missing argument to repetition operator: `+`",
      "(?i)? => missing argument to repetition operator: `?`",
      "a{1001} => invalid repeat count: `{1001}`",
      "a{2,1} => invalid repeat count: `{2,1}`",
      "a{100000000} => invalid repeat count: `{100000000}`",
      "(a{11}){100} => invalid repeat count: `{100}`",
      "((a{600}){0,}){2} => invalid repeat count: `{2}`",
      "((((x{10}){10}){10}){0,}){2} => invalid repeat count: `{2}`",
      "\\x{\uD83D\uDE00 => invalid escape sequence: `\\x{\uD83D\uDE00`",
      "(?!a) => invalid or unsupported Perl syntax: `(?!`",
      "(?=a) => invalid or unsupported Perl syntax: `(?=`",
      "(?P=n) => invalid or unsupported Perl syntax: `(?P`",
      "(?i-) => invalid or unsupported Perl syntax: `(?i-)`",
      "(?x) => invalid or unsupported Perl syntax: `(?x`",
      "(?P<a-b>c) => invalid named capture: `(?P<a-b>`",
      "(?<>c) => invalid named capture: `(?<>`",
      "(?<=a)b => invalid named capture: `(?<=a)b)$`",
      "a\\1 => invalid escape sequence: `\\1`",
      "\\8 => invalid escape sequence: `\\8`",
      "\\C => invalid escape sequence: `\\C`",
      "\\e => invalid escape sequence: `\\e`",
      "\\xZ1 => invalid escape sequence: `\\xZ1`",
      "\\x{} => invalid escape sequence: `\\x{}`",
      "\\x{110000} => invalid escape sequence: `\\x{110000`",
      "\\p{Alpha} => invalid character class range: `\\p{Alpha}`",
      "\\pX => invalid character class range: `\\pX`",
      "[[:foo:]] => invalid character class range: `[:foo:]`",
      "[z-a] => invalid character class range: `z-a`",
      "(a => missing closing ): `^(?:(a)$`",
      "a\\ => missing closing ): `^(?:a\\)$`",
      "[ => missing closing ]: `[)$`",
      "[a => missing closing ]: `[a)$`",
      "a)( => \"\"",
      "a)|b) => unexpected ): `^(?:a)|b))$`"})
  void refusesWhatGoRefusesInItsWords(String regex, String problem) {
    assertEquals(problem.isEmpty() ? Optional.empty()
        : Optional.of("error parsing regexp: " + problem), Re2Syntax.problem(regex));
  }
}
