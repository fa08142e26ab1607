package io.promcc.core.testing;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.arbitraries.ListArbitrary;

/**
 * Characters drawn from a list, and strings of them, that shrink in a few steps. jqwik's
 * {@code withChars} shrinks a character to every character listed before it, one candidate each,
 * and tries them all again at every later step of a shrink: a cluster ID's hyphen, 37th of the
 * characters, cost 36 candidates a step (2,768 for a failing list of guest clusters). Here a
 * character is its position in the list, drawn uniformly, which shrinks as an integer does
 * (the first character, then halfway there): a handful of candidates. The edge cases are the
 * first and the last character, as {@code withChars}'. Stateless; thread-safe.
 */
final class ListedChars {
  private ListedChars() {}

  /** One of {@code chars}, each as likely; shrinks towards the first. */
  static Arbitrary<Character> of(String chars) {
    return Listed.of(chars.chars().mapToObj(c -> (char) c).toList());
  }

  /** Lists of {@code chars} to be joined by {@link #join}; their size is the caller's. */
  static ListArbitrary<Character> lists(String chars) {
    return of(chars).list();
  }

  /** Strings of {@code minLength} to {@code maxLength} of {@code chars}. */
  static Arbitrary<String> strings(String chars, int minLength, int maxLength) {
    return lists(chars).ofMinSize(minLength).ofMaxSize(maxLength).map(ListedChars::join);
  }

  /** The characters in order, as a string. */
  static String join(List<Character> chars) {
    StringBuilder text = new StringBuilder(chars.size());
    chars.forEach(text::append);
    return text.toString();
  }
}
