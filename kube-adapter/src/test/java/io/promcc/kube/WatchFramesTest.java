package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.io.IOException;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/**
 * {@link WatchFrames} reads one JSON value and nothing past it: braces, brackets and escaped
 * quotes within strings do not end it, and what follows it stays in the stream as it was.
 */
class WatchFramesTest {
  @Test
  void bracesBracketsAndEscapedQuotesInStringsDoNotEndAValue() throws IOException {
    String first = "{\"a\":\"}]\\\"\\\\\",\"b\":[\"}\",{\"c\":\"]\"}],\"d\":\"\\\\\"}";
    String second = "{\"e\":\"\\\"}\"}";
    Buffer source = new Buffer().writeUtf8(first + second + " [1]\n");

    JsonObject one = WatchFrames.next(source).getAsJsonObject();

    assertEquals("}]\"\\", one.get("a").getAsString());
    assertEquals("[\"}\",{\"c\":\"]\"}]", one.get("b").toString());
    assertEquals("\\", one.get("d").getAsString());
    assertEquals(second + " [1]\n", source.snapshot().utf8());
    assertEquals("\"}", WatchFrames.next(source).getAsJsonObject().get("e").getAsString());
    assertEquals(" [1]\n", source.snapshot().utf8());
  }

  @Test
  void aValueOfManyCharactersOfEveryUtf8LengthIsReadWholeAndNothingPastIt() throws IOException {
    String text = "a\u00e9\u20ac\ud83d\ude00".repeat(5_000);
    Buffer source = new Buffer().writeUtf8("{\"t\":\"" + text + "\"}{\"u\":1}");

    assertEquals(text, WatchFrames.next(source).getAsJsonObject().get("t").getAsString());
    assertEquals("{\"u\":1}", source.readUtf8());
  }

  @Test
  void bytesThatAreNoUtf8ReadAsReplacementCharactersAsOkioReadsThem() throws IOException {
    // a lead byte cut short by an A, a surrogate's three bytes, a byte that leads nothing
    Buffer source = new Buffer().writeUtf8("{\"t\":\"a").write(new byte[] {(byte) 0xc3, 0x41,
        (byte) 0xed, (byte) 0xa0, (byte) 0x80, (byte) 0xff}).writeUtf8("\"}{}");

    assertEquals("a\ufffdA\ufffd\ufffd",
        WatchFrames.next(source).getAsJsonObject().get("t").getAsString());
    assertEquals("{}", source.readUtf8());
  }
}
