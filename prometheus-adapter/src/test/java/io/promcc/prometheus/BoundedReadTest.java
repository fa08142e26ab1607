package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * A bounded read never asks its stream for more than the bound at once: at the store's bound
 * ({@link OwnedFileCache#LARGEST}, the JDK's largest array) one byte more is an array the JDK
 * cannot make, and a file grown past 2 GiB since its status ended the read in "Required array
 * size too large" instead of the named problem. A faithful file would need 2 GiB of heap in the
 * test; the JDK's limit is modelled at a small scale by a stream whose largest array is small.
 */
class BoundedReadTest {
  /**
   * An endless stream (a file that keeps growing) whose largest array is {@code largest}: asked
   * for more at once, it fails where the JDK's {@link InputStream#readNBytes(int)} does past
   * {@code Integer.MAX_VALUE - 8}.
   */
  private static InputStream endless(int largest) {
    return new InputStream() {
      @Override
      public int read() {
        return 'x';
      }

      @Override
      public byte[] readNBytes(int len) throws IOException {
        if (len > largest) {
          // the JDK throws OutOfMemoryError("Required array size too large"), which would end
          // the test run itself
          throw new AssertionError("asked for " + len + " bytes at once, past the largest "
              + "array (" + largest + "): Required array size too large");
        }
        return super.readNBytes(len);
      }
    };
  }

  @Test
  void aStreamPastTheBoundIsTooLargeWithoutAnArrayPastTheBound() {
    BoundedRead.TooLarge e = assertThrows(BoundedRead.TooLarge.class,
        () -> BoundedRead.atMost(endless(16), 16));

    assertEquals("is larger than 16 bytes, found more than 16 bytes", e.getMessage());
  }

  @Test
  void aStreamUpToTheBoundIsReadWhole() throws IOException {
    byte[] sixteen = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    assertArrayEquals(sixteen, BoundedRead.atMost(new ByteArrayInputStream(sixteen), 16));
    assertArrayEquals(new byte[0], BoundedRead.atMost(new ByteArrayInputStream(new byte[0]), 0));
    assertThrows(BoundedRead.TooLarge.class,
        () -> BoundedRead.atMost(new ByteArrayInputStream(sixteen), 15));
  }
}
