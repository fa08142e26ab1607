package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

/**
 * How far apart two names are, for the "did you mean" of a mistyped one (an option, a setting's
 * variable, a top-level field): the fewest characters inserted, deleted or replaced to make one
 * the other (Levenshtein's distance), by {@code char}. Stateless and thread-safe.
 */
public final class EditDistance {
  private EditDistance() {}

  /**
   * The edit distance of {@code a} and {@code b}: 0 if equal, at most the longer one's length.
   *
   * @throws NullPointerException if either is null
   */
  public static int between(String a, String b) {
    requireNonNull(a, "a == null");
    requireNonNull(b, "b == null");
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      row[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int above = row[j];
        row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1),
            diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length()];
  }
}
