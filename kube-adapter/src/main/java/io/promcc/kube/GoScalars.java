package io.promcc.kube;

import com.google.gson.Gson;
import com.google.gson.JsonSyntaxException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads a string field ({@code String}: a name, a resourceVersion, a label's or an annotation's
 * value, an item of a list of strings) and a boolean field ({@code Boolean}) as Go's
 * {@code encoding/json} decodes JSON into a Go string or bool, as client-go decodes a response:
 * a string only into a string, {@code true} or {@code false} only into a boolean, {@code null}
 * into either as no value. A number or a boolean for a string, or a string or a number for a
 * boolean, is refused (Go: "cannot unmarshal number into Go struct field
 * ObjectMeta.metadata.resourceVersion of type string"), where Gson took {@code 9} as "9",
 * {@code true} as "true", and {@code "true"} as true and any other string as false. A
 * {@code byte[]} (a Secret's {@code data} value, Go's []byte) takes only a string, its base64
 * decoded as Go decodes it ({@link GoBase64}), or {@code null}, where client-java's adapter took
 * a number's text, the URL-safe alphabet and no padding as base64 and failed with a
 * NullPointerException at other text. A time ({@code OffsetDateTime}: a
 * {@code creationTimestamp}, a Lease's {@code renewTime}) takes only a string, parsed by
 * client-java's adapter, or {@code null}, as Go's {@code metav1.Time} reads one; text that is no
 * time is refused as JSON that cannot be read, where that adapter's DateTimeParseException came
 * out of a list call as it was. Fields whose JSON is a string or a number (an
 * {@code IntOrString}, a {@code Quantity}) keep their own adapters, which read their JSON
 * themselves. A refusal names what came and where, never a string's text (it may be a
 * Secret's). Each value is peeked once, as Gson's own adapters do. Every write goes to the
 * adapter wrapped. Thread-safe.
 */
final class GoScalars implements TypeAdapterFactory {
  @Override
  public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> typeToken) {
    Class<? super T> raw = typeToken.getRawType();
    if (raw == String.class) {
      return GoReading.of(gson, this, String.class, GoScalars::string);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return GoReading.of(gson, this, Boolean.class, GoScalars::bool);
    }
    if (raw == byte[].class) {
      return GoReading.of(gson, this, byte[].class, GoScalars::bytes);
    }
    if (raw == OffsetDateTime.class) {
      return GoReading.of(gson, this, OffsetDateTime.class, GoScalars::time);
    }
    return null;
  }

  /** A refusal of what {@code in} holds, {@code token}, for a field of Go type {@code goType}. */
  private static JsonSyntaxException refused(String goType, JsonToken token, JsonReader in) {
    return new JsonSyntaxException("Expected a " + goType + " but was " + token + " at path "
        + in.getPath());
  }

  /** A Go string. */
  private static String string(JsonReader in, JsonToken token, TypeAdapter<String> gsons)
      throws IOException {
    if (token == JsonToken.STRING) {
      return in.nextString();
    }
    throw refused("string", token, in);
  }

  /** A Go bool. */
  private static Boolean bool(JsonReader in, JsonToken token, TypeAdapter<Boolean> gsons)
      throws IOException {
    if (token == JsonToken.BOOLEAN) {
      return in.nextBoolean();
    }
    throw refused("boolean", token, in);
  }

  /**
   * A Go []byte: a string, its base64 decoded as Go decodes it ({@link GoBase64}); anything else
   * as Go refuses it. client-java's adapter, which okio's lenient decoder serves, writes.
   */
  private static byte[] bytes(JsonReader in, JsonToken token, TypeAdapter<byte[]> clientJavas)
      throws IOException {
    if (token != JsonToken.STRING) {
      throw refused("base64 string", token, in);
    }
    String path = in.getPath();
    try {
      return GoBase64.decode(in.nextString());
    } catch (GoBase64.Refused e) {
      throw new JsonSyntaxException("Expected a base64 string but was a STRING that is no "
          + "standard base64 (" + e.getMessage() + ") at path " + path);
    }
  }

  /**
   * A Go {@code metav1.Time} or {@code MicroTime}: a string, parsed by client-java's adapter;
   * anything else as Go refuses it, and text that adapter cannot parse as a refusal that names
   * where, not as its DateTimeParseException, which no reader of JSON takes for JSON it cannot
   * read.
   */
  private static OffsetDateTime time(JsonReader in, JsonToken token,
      TypeAdapter<OffsetDateTime> clientJavas) throws IOException {
    if (token != JsonToken.STRING) {
      throw refused("time string", token, in);
    }
    String path = in.getPath();
    try {
      return clientJavas.read(in);
    } catch (DateTimeParseException e) {
      throw new JsonSyntaxException("Expected an RFC 3339 time but was a STRING that is none "
          + "(from its character " + e.getErrorIndex() + " on) at path " + path);
    }
  }
}
