package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.TooManyFilterMissesException;

/** {@link Accepted#only}: what it says when its predicate refuses everything. */
class AcceptedTest {
  @Example
  void aPredicateThatRefusesEveryValueIsNamedWithTheLastValueItRefused() {
    Arbitrary<String> none = Accepted.only(Arbitraries.strings().withChars('x').ofLength(3),
        value -> false);

    TooManyFilterMissesException e = assertThrows(TooManyFilterMissesException.class,
        none::sample);

    assertTrue(
        e.getMessage().startsWith("Accepted.only refused more than 10000 values in a row"),
        e.getMessage());
    assertTrue(e.getMessage().contains("the last: xxx"), e.getMessage());
  }
}
