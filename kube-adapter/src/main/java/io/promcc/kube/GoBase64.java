package io.promcc.kube;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes base64 as Go's {@code base64.StdEncoding.Decode} does, which Go's
 * {@code encoding/json} (and so client-go) uses for a {@code []byte}, a Secret's {@code data}
 * value: the standard alphabet ({@code +}, {@code /}) only, padded with {@code =} to a whole
 * quantum, a carriage return or a line feed anywhere passed over, nothing after the padding but
 * those, and the bits past the last byte left unchecked (Go's encoding is not strict). Where it
 * refuses, it names the byte offset Go's {@code CorruptInputError} names, never the text. Pure
 * and thread-safe.
 */
final class GoBase64 {
  private static final byte[] VALUES = values();

  private GoBase64() {}

  /** Go refused the text; the message is Go's, which names a byte offset and no text. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(int offset) {
      super("illegal base64 data at input byte " + offset);
    }
  }

  private static byte[] values() {
    byte[] values = new byte[256];
    Arrays.fill(values, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      values[alphabet.charAt(i)] = (byte) i;
    }
    return values;
  }

  /**
   * The bytes {@code text} (its UTF-8 bytes, as Go holds a string) encodes.
   *
   * @throws Refused where Go's decoder refuses it
   */
  static byte[] decode(String text) throws Refused {
    byte[] src = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(src.length / 4 * 3);
    int si = 0;
    while (si < src.length) {
      si = quantum(src, si, out);
    }
    return out.toByteArray();
  }

  /** Decodes the quantum from {@code si} on, as Go's {@code decodeQuantum}; where it ends. */
  private static int quantum(byte[] src, int from, ByteArrayOutputStream out) throws Refused {
    int[] digits = new int[4];
    int length = 4;
    int si = from;
    for (int j = 0; j < 4; j++) {
      if (si == src.length) {
        if (j == 0) {
          return si;
        }
        throw new Refused(si - j); // unpadded: StdEncoding has padding
      }
      int in = src[si++] & 0xff;
      if (VALUES[in] >= 0) {
        digits[j] = VALUES[in];
        continue;
      }
      if (in == '\n' || in == '\r') {
        j--;
        continue;
      }
      if (in != '=' || j < 2) {
        throw new Refused(si - 1);
      }
      if (j == 2) { // "==" wanted, newlines passed over between
        si = newlinesFrom(src, si);
        if (si == src.length) {
          throw new Refused(src.length);
        }
        if (src[si] != '=') {
          throw new Refused(si - 1);
        }
        si++;
      }
      si = newlinesFrom(src, si);
      if (si < src.length) {
        throw new Refused(si); // after the padding
      }
      length = j;
      break;
    }
    int value = digits[0] << 18 | digits[1] << 12 | digits[2] << 6 | digits[3];
    for (int k = 0; k < length - 1; k++) {
      out.write(value >> (16 - 8 * k));
    }
    return si;
  }

  private static int newlinesFrom(byte[] src, int from) {
    int si = from;
    while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
      si++;
    }
    return si;
  }
}
