package io.promcc.kube;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import java.io.EOFException;
import java.io.IOException;
import okio.BufferedSource;

/**
 * Reads a watch stream one JSON value at a time, as client-go's JSON framer reads it with Go's
 * {@code json.Decoder}: a value may span lines, and values may follow one another on one line, with
 * or without whitespace between them. Nothing past the value is taken from the stream, so the next
 * read starts right after it, and a value is given as soon as its last byte has come ({@link
 * ValueText}). The JSON is read as strictly as Go reads it (Gson's strict mode): single quotes,
 * names or text without quotes, comments, {@code NaN}, leading zeros or control characters in a
 * string are no JSON, as client-go's decoder refuses them, where Gson's lenient reading,
 * client-java's, took them; and as deep as Go reads it, 10,000 levels (Gson's reader stops at 255
 * unless told); and as long as client-go reads it, 16 MiB. Not thread-safe: one reader of a stream
 * at a time.
 */
final class WatchFrames {
  private static final TypeAdapter<JsonElement> VALUES = new Gson().getAdapter(JsonElement.class);
  /** How deep Go's JSON decoder reads arrays and objects ({@code maxNestingDepth}). */
  static final int DEPTH = 10_000;
  /**
   * How long a value may be, in bytes, whitespace before it not counted: 16 MiB, the
   * {@code maxBytes} of client-go's streaming decoder, which reads every watch event.
   */
  static final long MAX_BYTES = 16L * 1024 * 1024;
  private WatchFrames() {}

  /**
   * Reads the next JSON value from {@code source}, whitespace before it skipped.
   *
   * @throws EOFException if the stream ends before the value does (client-go's decoder reads
   *     such an end as {@code io.ErrUnexpectedEOF}), or as reading {@code source} throws it
   * @throws com.google.gson.stream.MalformedJsonException if what comes is no JSON value
   * @throws ObjectTooLarge if the value is longer than {@link #MAX_BYTES}, once that many of
   *     its bytes were read (client-go's decoder reads the whole value, then refuses it)
   * @throws IOException as reading {@code source} throws it
   */
  static JsonElement next(BufferedSource source) throws IOException {
    ValueText text = new ValueText(source, MAX_BYTES);
    JsonReader reader = new JsonReader(text);
    reader.setStrictness(Strictness.STRICT);
    reader.setNestingLimit(DEPTH);
    try {
      return VALUES.read(reader);
    } catch (IOException e) {
      if (text.failure != null) {
        throw text.failure;
      }
      if (text.ended) {
        EOFException cut = new EOFException("the watch stream ended within an event");
        cut.initCause(e);
        throw cut;
      }
      throw e;
    }
  }

  /**
   * A value longer than {@link #MAX_BYTES}: client-go's streaming decoder refuses it
   * ({@code ErrObjectTooLarge}, "object to decode was longer than maximum allowed size"), its
   * stream watcher passes that as an {@code ERROR} event (an internal error) and its reflector
   * ends the watch, then lists again.
   */
  static final class ObjectTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    ObjectTooLarge(long maxBytes) {
      super("it is longer than " + maxBytes + " bytes (" + maxBytes / (1024 * 1024)
          + " MiB), the most client-go reads of an event");
    }
  }
}
