package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TextPiecesTest {
  private static List<String> pieces(byte[] bytes, int pieceSize) {
    List<String> out = new ArrayList<>();
    TextPieces.forEach(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), pieceSize, out::add);
    return out;
  }

  @Provide
  Arbitrary<byte[]> texts() {
    // line feeds, carriage returns, ASCII, two-, three- and four-byte characters, the other
    // line terminators of a pattern's "." (U+0085, U+2028), and bytes that are not UTF-8
    Arbitrary<byte[]> piece = Arbitraries.of("\n", "\r\n", "a", "ca_file: x", " ", "é", "漢",
        "\uD83D\uDE00", "\u0085", "\u2028", "#").map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> malformed = Arbitraries.of(new byte[] {(byte) 0xC3},
        new byte[] {(byte) 0xE2, (byte) 0x80}, new byte[] {(byte) 0x85}, new byte[] {(byte) 0xFF});
    return Arbitraries.frequencyOf(Tuple.of(9, piece), Tuple.of(1, malformed))
        .list().ofMaxSize(60).map(parts -> {
          int size = parts.stream().mapToInt(b -> b.length).sum();
          byte[] out = new byte[size];
          int at = 0;
          for (byte[] b : parts) {
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
          }
          return out;
        });
  }

  @Property
  void thePiecesDecodeToTheWholeTextAndEndAtLineEnds(@ForAll("texts") byte[] bytes,
      @ForAll @IntRange(min = 1, max = 24) int pieceSize) {
    List<String> pieces = pieces(bytes, pieceSize);

    String whole = new String(bytes, StandardCharsets.UTF_8);
    assertEquals(whole, String.join("", pieces));
    // the bytes each piece came from are known when decoding changed none (no malformed bytes)
    boolean wellFormed = Arrays.equals(whole.getBytes(StandardCharsets.UTF_8), bytes);
    for (int i = 0; i < pieces.size(); i++) {
      String piece = pieces.get(i);
      assertFalse(piece.isEmpty(), "no empty piece");
      if (i < pieces.size() - 1) {
        assertTrue(piece.endsWith("\n"), "a piece but the last ends a line: " + piece);
      }
      int firstFeed = piece.indexOf('\n');
      boolean oneLine = firstFeed < 0 || firstFeed == piece.length() - 1;
      if (wellFormed) {
        assertTrue(piece.getBytes(StandardCharsets.UTF_8).length <= pieceSize || oneLine,
            "a piece is at most the piece size, or one line: " + piece);
      }
    }
  }

  @Property
  void partsGiveThePiecesTheirBytesJoinedGive(@ForAll("texts") byte[] bytes,
      @ForAll @IntRange(min = 1, max = 24) int pieceSize,
      @ForAll @IntRange(min = 1, max = 7) int partSize) {
    List<ByteBuffer> parts = new ArrayList<>();
    for (int at = 0; at < bytes.length; at += partSize) {
      parts.add(ByteBuffer.wrap(bytes, at, Math.min(partSize, bytes.length - at)).slice()
          .asReadOnlyBuffer());
      parts.add(ByteBuffer.allocate(0)); // an empty part between any two
    }
    List<String> out = new ArrayList<>();
    TextPieces.forEach(parts, pieceSize, out::add);

    assertEquals(pieces(bytes, pieceSize), out);
    assertTrue(parts.stream().allMatch(part -> part.position() == 0), "positions unmoved");
  }

  @Test
  void aLineLongerThanAPieceIsOnePiece() {
    byte[] bytes = "ab\nlonger than four\ncd\nef".getBytes(StandardCharsets.UTF_8);

    assertEquals(List.of("ab\n", "longer than four\n", "cd\n", "ef"), pieces(bytes, 4));
  }

  @Test
  void noBytesNoPieces() {
    assertEquals(List.of(), pieces(new byte[0], 4));
  }
}
