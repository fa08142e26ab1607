package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SizeBoundTest {
  @Test
  void aWholeNumberOfMibIsSaidInMibAndBytes() {
    assertEquals("is larger than 64 MiB (67108864 bytes), found 3221225472 bytes",
        SizeBound.tooLarge(64L << 20, 3L << 30));
  }

  @Test
  void anyOtherBoundIsSaidInBytes() {
    assertEquals("is larger than 65536 bytes, found 65537 bytes",
        SizeBound.tooLarge(65536, 65537));
    assertEquals("is larger than 2147483639 bytes, found 3221225472 bytes",
        SizeBound.tooLarge(Integer.MAX_VALUE - 8, 3L << 30));
  }

  @Test
  void aSizeNotOverTheBoundIsSaidAsMoreThanIt() {
    // a FIFO's size is 0, a file may grow after its size was read, and -1 is none known
    assertEquals("is larger than 1 MiB (1048576 bytes), found more than 1048576 bytes",
        SizeBound.tooLarge(1 << 20, 0));
    assertEquals("is larger than 1 MiB (1048576 bytes), found more than 1048576 bytes",
        SizeBound.tooLarge(1 << 20, -1));
  }

  @Test
  void noBoundIsSaidInBytes() {
    assertEquals("0 bytes", SizeBound.bound(0));
  }
}
