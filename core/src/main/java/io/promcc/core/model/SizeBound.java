package io.promcc.core.model;

/**
 * The one wording of a file or an answer over a size bound, for every bound promcc keeps (the
 * files it plans from, the settings file, the PEM files, credential files, the store's own
 * files, Vault's answers): {@code is larger than 64 MiB (67108864 bytes), found 3221225472
 * bytes}. Stateless.
 */
public final class SizeBound {
  private SizeBound() {}

  /**
   * The bound {@code max}: {@code 1 MiB (1048576 bytes)} for a whole number of MiB, else
   * {@code 65536 bytes}.
   */
  public static String bound(long max) {
    return max > 0 && max % (1 << 20) == 0 ? (max >> 20) + " MiB (" + max + " bytes)"
        : max + " bytes";
  }

  /**
   * The problem of a file over {@code max}, without the file's name: {@code is larger than
   * <bound>, found <size> bytes}.
   *
   * @param size the size as the file system told it; one not over {@code max} (a FIFO's 0, a
   *     file that grew since its size was read, -1 for none known) is said as {@code more than
   *     max bytes}
   */
  public static String tooLarge(long max, long size) {
    return "is larger than " + bound(max) + ", found " + (size > max ? size : "more than " + max)
        + " bytes";
  }
}
