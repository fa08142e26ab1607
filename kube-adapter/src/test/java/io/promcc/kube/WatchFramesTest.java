package io.promcc.kube;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import okio.Timeout;
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

  /** Gives two chunks, then fails as a read that would wait for more would wait. */
  private static final class TwoChunks implements Source {
    private final List<byte[]> chunks;
    private int next;

    TwoChunks(byte[] value, int split) {
      chunks = List.of(Arrays.copyOfRange(value, 0, split),
          Arrays.copyOfRange(value, split, value.length));
    }

    @Override
    public long read(Buffer sink, long byteCount) throws IOException {
      if (next == chunks.size()) {
        throw new IOException("read past the value: it would wait for bytes after it");
      }
      byte[] chunk = chunks.get(next++);
      sink.write(chunk);
      return chunk.length;
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {}
  }

  /**
   * A value is read once its last byte has come, without asking for a byte more, however two
   * chunks split it: within an escape, between a character's bytes or a pair's, and where it
   * ends in bytes that are no UTF-8 but whose next byte has come (Go's decoder sees the value
   * end at its brace; okio's read of a code point waited for four bytes after an F0).
   */
  @Test
  void aValueIsReadOnceItsLastByteHasComeHoweverChunksSplitIt() throws IOException {
    Buffer cutShort = new Buffer().writeUtf8("{\"t\":\"a").write(new byte[] {(byte) 0xf0})
        .writeUtf8("\"}");
    Buffer twoOfFour = new Buffer().writeUtf8("{\"t\":\"").write(new byte[] {(byte) 0xf0,
        (byte) 0x9f}).writeUtf8("\"}");
    Buffer oneOfThree = new Buffer().writeUtf8("{\"t\":{\"u\":\"").write(new byte[] {
        (byte) 0xe2}).writeUtf8("\"}}");
    List<byte[]> values = List.of(
        "{\"t\":\"\\\\\\\"}{\",\"u\":[\"\u00e9\u20ac\ud83d\ude00\"]}".getBytes(UTF_8),
        cutShort.readByteArray(), twoOfFour.readByteArray(), oneOfThree.readByteArray());
    List<String> read = List.of("{\"t\":\"\\\\\\\"}{\",\"u\":[\"\u00e9\u20ac\ud83d\ude00\"]}",
        "{\"t\":\"a\ufffd\"}", "{\"t\":\"\ufffd\"}", "{\"t\":{\"u\":\"\ufffd\"}}");
    for (int i = 0; i < values.size(); i++) {
      byte[] value = values.get(i);
      for (int split = 1; split < value.length; split++) {
        assertEquals(read.get(i),
            WatchFrames.next(Okio.buffer(new TwoChunks(value, split))).toString(),
            "value " + i + " split at " + split);
      }
    }
  }

  /**
   * A byte order mark before a value is no JSON, as Go's decoder refuses it ("invalid character
   * 'ï' looking for beginning of value"), where Gson's reader passes over one at its start.
   */
  @Test
  void aByteOrderMarkBeforeAValueIsNoJson() {
    for (String text : List.of("\ufeff{\"a\":1}", " \ufeff{\"a\":1}")) {
      assertThrows(MalformedJsonException.class,
          () -> WatchFrames.next(new Buffer().writeUtf8(text)), text);
    }
  }
}
