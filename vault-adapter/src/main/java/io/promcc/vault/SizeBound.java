package io.promcc.vault;

/**
 * The wording of a file or answer over a size bound, as every other bound of promcc words it
 * ({@code io.promcc.app.InputFiles.tooLarge}, which this adapter cannot reach; only the bound is
 * said here): {@code is larger than 1 MiB (1048576 bytes), found 1048577 bytes}.
 */
final class SizeBound {
  private SizeBound() {}

  /** The bound {@code max}: {@code 1 MiB (1048576 bytes)} for whole MiB, else {@code N bytes}. */
  static String bound(int max) {
    return max % (1 << 20) == 0 ? (max >> 20) + " MiB (" + max + " bytes)" : max + " bytes";
  }

  /**
   * {@code is larger than <bound>, found <size> bytes}; a {@code size} not over {@code max} (a
   * file that grew since its size was read, -1 for none) is said as {@code more than max}.
   */
  static String tooLarge(int max, long size) {
    return "is larger than " + bound(max) + ", found "
        + (size > max ? size : "more than " + max) + " bytes";
  }
}
