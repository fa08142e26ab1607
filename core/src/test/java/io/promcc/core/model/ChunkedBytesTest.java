package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Bytes in chunks read, copy and hash as the same bytes in one array would, wherever the chunk
 * boundaries fall.
 */
class ChunkedBytesTest {
  /**
   * Appends pieces (lengths around the chunk size, so pieces start and end on both sides of
   * boundaries), then copies ranges of the result into a second one, comparing both with plain
   * arrays: every byte, the size, and SHA-256 over any range.
   */
  @Property(tries = 60)
  void behavesAsOneArray(@ForAll("lengths") List<Integer> lengths,
      @ForAll("lengths") List<Integer> cuts) {
    ChunkedBytes.Builder builder = new ChunkedBytes.Builder();
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    int seed = 0;
    for (int length : lengths) {
      byte[] piece = new byte[length + 2];
      for (int i = 0; i < piece.length; i++) {
        piece[i] = (byte) (seed++ * 31 + 7);
      }
      builder.put(piece, 1, length); // from inside the array, as records' names are not
      model.write(piece, 1, length);
      builder.put(piece[0]);
      model.write(piece[0]);
    }
    ChunkedBytes first = builder.build();
    byte[] expected = model.toByteArray();
    assertSame(expected, first);

    ChunkedBytes.Builder copies = new ChunkedBytes.Builder();
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    int at = 0;
    for (int cut : cuts) {
      int start = Math.min(at, expected.length);
      int end = Math.min(start + cut, expected.length);
      copies.put(first, start, end);
      copied.write(expected, start, end - start);
      at = end / 2 + cut % 3; // back over what was copied: ranges overlap and repeat
    }
    assertSame(copied.toByteArray(), copies.build());
  }

  @Provide
  Arbitrary<List<Integer>> lengths() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 100),
        Arbitraries.integers().between(ChunkedBytes.CHUNK - 3, ChunkedBytes.CHUNK + 3),
        Arbitraries.integers().between(0, 3 * ChunkedBytes.CHUNK)).list().ofMaxSize(8);
  }

  private static void assertSame(byte[] expected, ChunkedBytes actual) {
    assertEquals(expected.length, actual.size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual.get(i), "byte " + i);
    }
    assertEquals(Hashing.sha256().hashBytes(expected).toString(), hash(actual, 0,
        expected.length));
    int start = expected.length / 3;
    int end = expected.length - expected.length / 5;
    assertEquals(Hashing.sha256().hashBytes(Arrays.copyOfRange(expected, start, end)).toString(),
        hash(actual, start, end));
  }

  private static String hash(ChunkedBytes bytes, int start, int end) {
    Hasher hasher = Hashing.sha256().newHasher();
    bytes.feed(hasher, start, end);
    return hasher.hash().toString();
  }
}
