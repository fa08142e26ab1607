package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegexAnchorsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '#', quoteCharacter = '\'', value = {
      "^a$                     # a                      # false",
      "^^a$$|\\Ab\\z|c          # a|b|c                  # false",
      "(?i)^a$                 # (?i)a                  # false",
      "'^'                     # ''                     # false",
      "[^a]$                   # [^a]                   # false",
      "\\^a\\$                  # \\^a\\$                 # false",
      "\\Q^$\\E                 # \\Q^$\\E                # false",
      "\\p{^Greek}             # \\p{^Greek}            # false",
      "[]^$]                   # []^$]                  # false",
      "[[:^alpha:]]^           # [[:^alpha:]]^          # true",
      "(?P<n>^a)               # (?P<n>^a)              # true",
      "a^b                     # a^b                    # true",
      "(?m)^a                  # (?m)^a                 # true",
      "(a|^b)                  # (a|^b)                 # true",
      "^*a$?|\\A+b\\z{2}|^{1,}?c # a|b|c                  # false",
      "^{x                     # {x                     # false",
      "a\\                     # a\\                    # false",
      "\\x{41                 # \\x{41                # false",
      "^(?i)*a                 # ^(?i)*a                # true",
      "^\\Q\\E*a                # ^\\Q\\E*a               # true",
      "a\\z(?s)+                # a\\z(?s)+               # true",
      "^(?i)a                  # (?i)a                  # false",
      "^{01}a                  # {01}a                  # false",
      "^{1,02}a                # {1,02}a                # false",
      "a${01}                  # a${01}                 # true",
      "a\\z{01}                 # a\\z{01}                # true"})
  void anchorsAtTheEdgesGoAndTheOthersAreFound(String regex, String unanchored, boolean inner) {
    assertEquals(unanchored, RegexAnchors.unanchored(regex));
    assertEquals(inner, RegexAnchors.hasInnerAnchor(regex));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '#', value = {
      "\\bfoo # true", "(?i:\\bfoo) # true", "\\Q\\E\\Bfoo # true", "a\\b # true",
      "[\\b] # false", "\\\\b # false", "\\Q\\b\\E # false"})
  void wordBoundariesAreFoundWhereverTheyAre(String regex, boolean found) {
    assertEquals(found, RegexAnchors.hasWordBoundary(regex.strip()));
  }
}
