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
      "\\x{41                 # \\x{41                # false"})
  void anchorsAtTheEdgesGoAndTheOthersAreFound(String regex, String unanchored, boolean inner) {
    assertEquals(unanchored, RegexAnchors.unanchored(regex));
    assertEquals(inner, RegexAnchors.hasInnerAnchor(regex));
  }
}
