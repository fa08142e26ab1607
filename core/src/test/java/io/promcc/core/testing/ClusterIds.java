package io.promcc.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.ExhaustiveGenerator;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;

/**
 * The cluster IDs of {@link ModelArbitraries#clusterIdValues()}: valid DNS-1123 labels of five
 * kinds, drawn as often as before (any label of 2 to 63 characters in six draws of ten; one
 * character, digits only, 63 characters and a listed edge case in one of ten each), with the
 * edge cases of each kind. A drawn ID's kind is one part of a single combination that holds the
 * parts of every kind, not a choice among arbitraries ({@code frequencyOf}): jqwik shrinks such
 * a choice by drawing a fresh value of every kind listed before the drawn one, and draws them
 * again at every later step of a shrink (13 candidates a step for an ID {@code a-a} drawn as a
 * 63-character one). Here the kind shrinks towards any label, its parts as they are. A
 * property mixes in the edge cases of the IDs as a whole (each kind's), but not, as into a
 * choice among the kinds, each kind's again into the IDs of that kind: at ten tries fewer IDs
 * start with {@code a} or end with {@code 9} (18% and 15%, where 26% and 21%); from a hundred
 * tries on these shares are two or three points lower, the kinds' and a hyphen's the same.
 * Stateless; thread-safe.
 */
final class ClusterIds implements Arbitrary<String> {
  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final List<String> LISTED = List.of("a", "0", "a-b", "a--b", "9-9", "x1",
      "a".repeat(63), "9".repeat(63), "a" + "-".repeat(61) + "z");
  private static final int[] WEIGHTS = {6, 1, 1, 1, 1};

  private final Arbitrary<String> alnum = ListedChars.of(LOWER_ALNUM).map(String::valueOf);
  private final Arbitrary<String> inner = ListedChars.strings(LOWER_ALNUM + "--", 0, 61);
  private final Arbitrary<String> longest = FullLengthStrings.of(LOWER_ALNUM + "-", 61);
  private final Arbitrary<String> digits =
      Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(63);
  private final Arbitrary<String> listed = Arbitraries.of(LISTED);
  private final Arbitrary<String> drawn = drawn();

  private ClusterIds() {}

  /** IDs of the five kinds; see the class comment. */
  static Arbitrary<String> values() {
    return new ClusterIds();
  }

  @Override
  public RandomGenerator<String> generator(int genSize) {
    return drawn.generator(genSize);
  }

  @Override
  public Optional<ExhaustiveGenerator<String>> exhaustive(long maxNumberOfSamples) {
    return drawn.exhaustive(maxNumberOfSamples);
  }

  /**
   * Each kind's own edge cases (a letter, a hyphen and a letter; one character; 63 of them), as
   * a choice among the kinds has them; they shrink within their kind.
   */
  @Override
  public EdgeCases<String> edgeCases(int maxEdgeCases) {
    List<Tuple.Tuple2<Integer, Arbitrary<String>>> kinds = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      kinds.add(Tuple.of(WEIGHTS[kind.ordinal()], kind.of(this)));
    }
    return Arbitraries.frequencyOf(kinds).edgeCases(maxEdgeCases);
  }

  private Arbitrary<String> drawn() {
    List<Tuple.Tuple2<Integer, Kind>> kinds = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      kinds.add(Tuple.of(WEIGHTS[kind.ordinal()], kind));
    }
    return Combinators.combine(Arbitraries.frequency(kinds), alnum, inner, alnum, longest,
            digits, listed)
        .as((kind, first, middle, last, fullMiddle, digitsOnly, listedId) -> switch (kind) {
          case ANY -> first + middle + last;
          case ONE_CHARACTER -> first;
          case DIGITS -> digitsOnly;
          case LONGEST -> first + fullMiddle + last;
          case LISTED -> listedId;
        });
  }

  /** What an ID is made of; named, so that a reported sample says which. */
  private enum Kind {
    /** A character, up to 61 of characters and hyphens, a character. */
    ANY,
    ONE_CHARACTER,
    DIGITS,
    /** 63 characters, as {@link #ANY} but with 61 in the middle. */
    LONGEST,
    /** One of {@link #LISTED}. */
    LISTED;

    /** The IDs of this kind alone. */
    Arbitrary<String> of(ClusterIds ids) {
      return switch (this) {
        case ANY -> Combinators.combine(ids.alnum, ids.inner, ids.alnum)
            .as((first, middle, last) -> first + middle + last);
        case ONE_CHARACTER -> ids.alnum;
        case DIGITS -> ids.digits;
        case LONGEST -> Combinators.combine(ids.alnum, ids.longest, ids.alnum)
            .as((first, middle, last) -> first + middle + last);
        case LISTED -> ids.listed;
      };
    }
  }
}
