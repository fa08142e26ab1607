package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.StreamSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;

/** {@link FullLengthStrings} generated exhaustively: the values of {@code ofLength}, no other. */
class FullLengthStringsTest {
  @Example
  void exhaustiveGenerationYieldsTheStringsOfTheFullLengthOnly() {
    assertEquals(List.of("aa", "ab", "ba", "bb"), exhaustively(FullLengthStrings.of("ab", 2)));
    assertEquals(exhaustively(Arbitraries.strings().withChars("ab-").ofLength(3)),
        exhaustively(FullLengthStrings.of("ab-", 3)));
  }

  private static List<String> exhaustively(Arbitrary<String> arbitrary) {
    return StreamSupport.stream(arbitrary.exhaustive().orElseThrow().spliterator(), false)
        .sorted().toList();
  }
}
