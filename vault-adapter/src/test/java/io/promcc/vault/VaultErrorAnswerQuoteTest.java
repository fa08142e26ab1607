package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How one of Vault's error strings is quoted in a message: whole up to 600 characters. */
class VaultErrorAnswerQuoteTest {
  /** Bounds a quoting that would loop for good: the worker asking Vault would hang in it. */
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @Test
  void aShortErrorIsQuotedWhole() {
    assertEquals("\"permission denied\"", VaultErrorAnswer.quoteError("permission denied"));
  }

  /**
   * An error of more than 600 characters whose 600th is the first half of a surrogate pair (an
   * emoji, say, that a proxy's or Vault's error echoes) is elided before the pair, not split.
   */
  @Test
  void aLongErrorIsElidedBeforeASurrogatePairAtTheLimit() {
    String error = "x".repeat(599) + "\uD83D\uDE00" + "y".repeat(50);

    String quoted = assertTimeoutPreemptively(LIMIT, () -> VaultErrorAnswer.quoteError(error));

    assertEquals("\"" + "x".repeat(599) + "...(651 chars)\"", quoted);
  }

  /**
   * Two lone first halves of a surrogate pair (a proxy's error echoing broken escapes) as
   * the 599th and 600th characters of a longer error: the error is elided before both.
   */
  @Test
  void aLongErrorIsElidedBeforeTwoLoneFirstHalvesAtTheLimit() {
    String error = "x".repeat(598) + "\uD83D\uD83D" + "y".repeat(50);

    String quoted = assertTimeoutPreemptively(LIMIT, () -> VaultErrorAnswer.quoteError(error));

    assertEquals("\"" + "x".repeat(598) + "...(650 chars)\"", quoted);
  }
}
