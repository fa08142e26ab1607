package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
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

  /**
   * A {@code factory}'s adapter for {@code type}, as the factory answers Gson for a field of type
   * {@code R} that is {@code type}: reads by {@code reads}, writes as the adapter Gson has past
   * {@code factory}.
   */
  @SuppressWarnings("unchecked") // R is type, as the factory's caller checked
  static <R, T> TypeAdapter<R> of(Gson gson, TypeAdapterFactory factory, Class<T> type,
      Reads<T> reads) {
    return (TypeAdapter<R>) new GoReading<>(gson.getDelegateAdapter(factory, TypeToken.get(type)),
        reads);
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
