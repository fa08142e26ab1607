package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BoundedOutputTest {
  private static final String EMOJI = "\uD83D\uDE00";

  @Test
  void aCharacterOfSeveralBytesAcrossTheByteLimitIsLeftOutWhole() throws Exception {
    BoundedOutput output = read("abcdefghi\u00e9", 10); // 11 bytes, the limit inside the é

    assertEquals("abcdefghi... (2 more bytes not shown)", output.excerpt(100));
  }

  @Test
  void anEmojiAcrossTheCharacterLimitIsLeftOutWhole() throws Exception {
    BoundedOutput output = read("a".repeat(9) + EMOJI + "b", 1000);

    assertEquals("a".repeat(9) + "... (5 more bytes not shown)", output.excerpt(10));
  }

  @Test
  void outputWithinBothLimitsIsShownWhole() throws Exception {
    BoundedOutput output = read(" a" + EMOJI + "\u00e9\n", 1000);

    assertEquals("a" + EMOJI + "\u00e9", output.excerpt(4));
  }

  private static BoundedOutput read(String text, int limit) throws InterruptedException {
    BoundedOutput output = BoundedOutput.readInBackground(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), limit);
    assertTrue(output.awaitEnd(Duration.ofSeconds(10)));
    return output;
  }
}
