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

  /**
   * A state that changes one record keeps the others where they were, so its copies of the last
   * records start where they started there: whole chunks so copied are the last state's own
   * (shared, not copied), and the bytes written around them go to chunks of the new one's own,
   * never into a shared chunk (which would change the last state's bytes).
   */
  @Property(tries = 40)
  void copiesWholeChunksAtTheirOwnPlaceBySharingThem(
      @ForAll("lengths") List<Integer> changes, @ForAll long seed) {
    byte[] lastBytes = new byte[4 * ChunkedBytes.CHUNK + 123];
    new java.util.Random(seed).nextBytes(lastBytes);
    ChunkedBytes.Builder lastBuilder = new ChunkedBytes.Builder();
    lastBuilder.put(lastBytes, 0, lastBytes.length);
    ChunkedBytes last = lastBuilder.build();

    // copy the last bytes at their own offsets, overwriting a few stretches in between
    byte[] expected = lastBytes.clone();
    ChunkedBytes.Builder builder = new ChunkedBytes.Builder();
    int at = 0;
    for (int change : changes) {
      int start = Math.min(at + change, lastBytes.length);
      int end = Math.min(start + change % 40, lastBytes.length);
      builder.put(last, at, start);
      for (int i = start; i < end; i++) {
        expected[i] = (byte) ~expected[i];
        builder.put(expected[i]);
      }
      at = end;
    }
    builder.put(last, at, lastBytes.length);
    ChunkedBytes next = builder.build();

    assertSame(expected, next);
    assertSame(lastBytes, last);
    for (int chunk = 0; chunk < lastBytes.length / ChunkedBytes.CHUNK; chunk++) {
      int from = chunk * ChunkedBytes.CHUNK;
      assertEquals(copiedInOne(changes, lastBytes.length, from), next.sharesChunk(chunk, last),
          "chunk " + chunk);
    }
  }

  /** Whether the loop above copied chunk {@code [from, from + CHUNK)} with one put. */
  private static boolean copiedInOne(List<Integer> changes, int length, int from) {
    int at = 0;
    for (int change : changes) {
      int start = Math.min(at + change, length);
      if (at <= from && from + ChunkedBytes.CHUNK <= start) {
        return true;
      }
      at = Math.min(start + change % 40, length);
    }
    return at <= from && from + ChunkedBytes.CHUNK <= length;
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
