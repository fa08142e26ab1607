package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.StreamSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;

/** {@link RepeatedFragments} generated exhaustively: the listed values, no other. */
class RepeatedFragmentsTest {
  @Example
  void exhaustiveGenerationYieldsTheListedValuesOnly() {
    List<String> values = List.of("", "a".repeat(5), "x\n".repeat(3), "a".repeat(2));

    assertEquals(exhaustively(Arbitraries.of(values)),
        exhaustively(RepeatedFragments.of(values)));
  }

  private static List<String> exhaustively(Arbitrary<String> arbitrary) {
    return StreamSupport.stream(arbitrary.exhaustive().orElseThrow().spliterator(), false)
        .toList();
  }
}
