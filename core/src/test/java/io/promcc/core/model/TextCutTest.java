package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TextCutTest {
  private static final String EMOJI = "\uD83D\uDE00";

  @Test
  void shortTextIsKept() {
    assertEquals("abc", TextCut.cut("abc", 3));
    assertEquals("", TextCut.cut("", 0));
  }

  @Test
  void longTextIsCutToTheLength() {
    assertEquals("ab", TextCut.cut("abc", 2));
    assertEquals("", TextCut.cut("abc", 0));
  }

  @Test
  void aSurrogatePairAcrossTheCutIsLeftOutWhole() {
    assertEquals("a", TextCut.cut("a" + EMOJI + "b", 2));
    assertEquals("a" + EMOJI, TextCut.cut("a" + EMOJI + "b", 3));
    assertEquals("", TextCut.cut(EMOJI, 1));
  }

  @Test
  void aLoneFirstHalfBeforeTheCutStays() {
    // not half of a pair the cut split: the input had it alone
    assertEquals("a\uD83D", TextCut.cut("a\uD83Dbc", 2));
  }

  @Test
  void aNegativeLengthIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TextCut.cut("abc", -1));
    assertEquals("maxChars must not be negative, found -1", e.getMessage());
  }

  @Test
  void aCharacterTheByteLimitSplitIsLeftOutWhole() {
    for (String c : new String[] {"\u00e9", "\u20ac", EMOJI}) {
      byte[] whole = ("ab" + c).getBytes(StandardCharsets.UTF_8);
      assertEquals("ab" + c, TextCut.decodeUtf8Prefix(whole), c);
      for (int cut = 3; cut < whole.length; cut++) {
        assertEquals("ab", TextCut.decodeUtf8Prefix(Arrays.copyOf(whole, cut)), c + " at " + cut);
      }
    }
    assertEquals("", TextCut.decodeUtf8Prefix(new byte[] {(byte) 0xF0, (byte) 0x9F}));
    assertEquals("", TextCut.decodeUtf8Prefix(new byte[0]));
  }

  @Test
  void otherMalformedBytesStayVisible() {
    // a continuation byte without its lead was not made by the cut
    assertEquals("a\uFFFD", TextCut.decodeUtf8Prefix(new byte[] {'a', (byte) 0x80}));
  }
}
