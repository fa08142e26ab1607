package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * A Gson adapter that reads a field as Go decodes JSON into its Go type and writes it as the
 * adapter it wraps: {@code null} is no value, anything else is read by {@link Reads}, which
 * refuses what Go refuses. Each value is peeked once, as Gson's own adapters do. Thread-safe if
 * both parts are.
 */
final class GoReading<T> extends TypeAdapter<T> {
  /** Reads a value that is not {@code null}; {@code token} is what {@code in} holds. */
  @FunctionalInterface
  interface Reads<T> {
    T read(JsonReader in, JsonToken token, TypeAdapter<T> wrapped) throws IOException;
  }

  private final TypeAdapter<T> wrapped;
  private final Reads<T> reads;

  GoReading(TypeAdapter<T> wrapped, Reads<T> reads) {
    this.wrapped = requireNonNull(wrapped, "wrapped == null");
    this.reads = requireNonNull(reads, "reads == null");
  }

  @Override
  public void write(JsonWriter out, T value) throws IOException {
    wrapped.write(out, value);
  }

  @Override
  public T read(JsonReader in) throws IOException {
    JsonToken token = in.peek();
    if (token == JsonToken.NULL) {
      in.nextNull();
      return null;
    }
    return reads.read(in, token, wrapped);
  }
}
