package io.promcc.kube;

import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.io.Reader;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The UTF-8 text of one JSON value of a stream, up to its end and not past it: a closing brace
 * or bracket that closes the value's first one (or the quote that closes a string read alone)
 * ends it, strings and escapes within them followed, so that a JSON reader, which fills its
 * buffer as far as a read gives, takes nothing past the value and never waits for bytes after
 * it; and no longer than a bound, so that a value that does not end is not held in memory as it
 * grows. A read gives what has arrived, up to that end, in one go (decoded straight from okio's
 * segments), and waits for more only when nothing has: no byte already there is held back.
 * Malformed UTF-8 reads as U+FFFD, as okio reads it (one for a sequence cut short, where Go's
 * decoder, which also reads it so in a string, puts one for each byte). What is no JSON is
 * handed on as it comes, for the JSON reader to refuse, but for a byte order mark before the
 * value, which the JSON reader would pass over. Not thread-safe.
 */
final class ValueText extends Reader {
  private final BufferedSource source;
  private final long maxBytes;
  private final Buffer.UnsafeCursor cursor = new Buffer.UnsafeCursor();
  /** The value's bytes taken so far, whitespace before it not counted. */
  private long taken;
  private boolean started;
  private int depth;
  private boolean inString;
  private boolean escaped;
  /** Whether the value's last byte was given. */
  private boolean complete;
  /** The low surrogate of a code point whose high one was given alone; -1 for none. */
  private int low = -1;
  /** Whether the stream ended. */
  boolean ended;
  /** What reading the stream threw; null for nothing. */
  IOException failure;

  /**
   * @param maxBytes how long the value may be, in bytes, whitespace before it not counted: a
   *     read past it throws {@link WatchFrames.ObjectTooLarge}, so no more is held
   */
  ValueText(BufferedSource source, long maxBytes) {
    this.source = source;
    this.maxBytes = maxBytes;
  }

  @Override
  public int read(char[] chars, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (low >= 0) {
      chars[offset] = (char) low;
      low = -1;
      return 1;
    }
    if (complete) {
      return -1;
    }
    try {
      return give(chars, offset, length);
    } catch (WatchFrames.ObjectTooLarge | MalformedJsonException e) {
      throw e;
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  /** Gives at least one char, waiting for it if none has arrived; -1 at the stream's end. */
  private int give(char[] chars, int offset, int length) throws IOException {
    Buffer buffered = source.getBuffer();
    int count = 0;
    while (count < length && !complete) {
      if (buffered.size() == 0) {
        if (count > 0) {
          break; // what has arrived goes now: the rest may be long in coming
        }
        if (!source.request(1)) {
          ended = true;
          return -1;
        }
      }
      int given = arrived(buffered, chars, offset + count, length - count);
      count += given;
      if (given > 0 || complete || count == length || buffered.size() == 0) {
        continue;
      }
      // a character split between segments or chunks, or no UTF-8: as okio reads it
      int needed = sequenceLength(buffered.getByte(0));
      int cut = cutShort(buffered, needed);
      if (cut > 0) {
        // no UTF-8 whatever comes next, as okio reads it: okio's read would wait for the
        // sequence's length in bytes, which may be past the value's end
        take(cut);
        buffered.skip(cut);
        escaped = false;
        chars[offset + count++] = '\ufffd';
        continue;
      }
      if (count > 0 && (buffered.size() < needed || length - count < 2)) {
        break; // the rest of the character may not have arrived, or a pair may not fit
      }
      if (buffered.size() < needed && source.request(buffered.size() + 1)) {
        continue; // none given yet: wait for a byte more, which may show the sequence no UTF-8
      }
      long before = buffered.size();
      int codePoint = source.readUtf8CodePoint();
      refuseByteOrderMark(codePoint);
      take(before - buffered.size());
      escaped = false;
      if (Character.isBmpCodePoint(codePoint)) {
        chars[offset + count++] = (char) codePoint;
      } else {
        chars[offset + count++] = Character.highSurrogate(codePoint);
        if (count == length) {
          low = Character.lowSurrogate(codePoint);
        } else {
          chars[offset + count++] = Character.lowSurrogate(codePoint);
        }
      }
    }
    return count;
  }

  /**
   * Gives the characters at the start of {@code buffered}, up to {@code length} chars, the
   * value's end or a byte sequence that is not there whole in one segment or is no UTF-8 (left
   * to okio), and takes their bytes from it; how many chars.
   */
  private int arrived(Buffer buffered, char[] chars, int offset, int length)
      throws IOException {
    int count = 0;
    long bytes = 0;
    try (Buffer.UnsafeCursor segments = buffered.readUnsafe(cursor)) {
      scan:
      for (int got = segments.seek(0); got != -1; got = segments.next()) {
        byte[] data = segments.data;
        for (int i = segments.start; i < segments.end && count < length; i++) {
          byte next = data[i];
          if (next >= 0) {
            follow(next);
            chars[offset + count++] = (char) next;
            bytes++;
            if (complete) {
              break scan;
            }
            continue;
          }
          int sequence = sequenceLength(next);
          int codePoint = i + sequence <= segments.end ? decode(data, i, sequence) : -1;
          if (codePoint < 0 || length - count < 2) {
            break scan;
          }
          refuseByteOrderMark(codePoint);
          take(sequence);
          escaped = false;
          count += Character.toChars(codePoint, chars, offset + count);
          bytes += sequence;
          i += sequence - 1;
        }
        if (count == length) {
          break;
        }
      }
    }
    buffered.skip(bytes);
    return count;
  }

  /**
   * The code point of the {@code sequence} bytes of {@code data} at {@code at}; -1 if they are
   * no UTF-8 (okio reads them as U+FFFD then): a byte that does not continue the sequence, an
   * overlong form, a surrogate or past U+10FFFF.
   */
  private static int decode(byte[] data, int at, int sequence) {
    if (sequence == 1) {
      return -1;
    }
    int codePoint = data[at] & (sequence == 2 ? 0x1f : sequence == 3 ? 0x0f : 0x07);
    for (int k = 1; k < sequence; k++) {
      int next = data[at + k];
      if ((next & 0xc0) != 0x80) {
        return -1;
      }
      codePoint = codePoint << 6 | next & 0x3f;
    }
    int least = sequence == 2 ? 0x80 : sequence == 3 ? 0x800 : 0x10000;
    boolean surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
    return codePoint < least || codePoint > 0x10ffff || surrogate ? -1 : codePoint;
  }

  /** Follows the value's structure over one ASCII byte. */
  private void follow(byte next) throws WatchFrames.ObjectTooLarge {
    if (!started) {
      if (next == ' ' || next == '\t' || next == '\r' || next == '\n') {
        return;
      }
      started = true;
    }
    take(1);
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (next == '\\') {
        escaped = true;
      } else if (next == '"') {
        inString = false;
        complete = depth == 0;
      }
    } else if (next == '"') {
      inString = true;
    } else if (next == '{' || next == '[') {
      depth++;
    } else if (next == '}' || next == ']') {
      depth--;
      complete = depth <= 0; // below 0: no JSON, which the reader refuses there
    }
  }

  /**
   * Throws if {@code codePoint}, the value's first, is a byte order mark: Go's decoder refuses it
   * ("invalid character 'ï' looking for beginning of value"), where Gson's reader passes over one
   * at its start.
   */
  private void refuseByteOrderMark(int codePoint) throws MalformedJsonException {
    if (!started && codePoint == 0xfeff) {
      throw new MalformedJsonException("a byte order mark before the value");
    }
  }

  /** Counts {@code bytes} more of the value, throwing once it is longer than allowed. */
  private void take(long bytes) throws WatchFrames.ObjectTooLarge {
    started = true;
    taken += bytes;
    if (taken > maxBytes) {
      throw new WatchFrames.ObjectTooLarge(maxBytes);
    }
  }

  /**
   * How many bytes of {@code buffered} lead a sequence of {@code needed} bytes that a byte
   * there, before the sequence's end, does not continue (okio reads them as one U+FFFD); 0 if
   * none does, so far as bytes have come.
   */
  private static int cutShort(Buffer buffered, int needed) {
    long present = Math.min(needed, buffered.size());
    for (int at = 1; at < present; at++) {
      if ((buffered.getByte(at) & 0xc0) != 0x80) {
        return at;
      }
    }
    return 0;
  }

  /** How many bytes a UTF-8 sequence starting with {@code first} has (1 for no lead byte). */
  private static int sequenceLength(byte first) {
    if ((first & 0xe0) == 0xc0) {
      return 2;
    }
    if ((first & 0xf0) == 0xe0) {
      return 3;
    }
    return (first & 0xf8) == 0xf0 ? 4 : 1;
  }

  @Override
  public void close() {
    // the watch closes the stream
  }
}
