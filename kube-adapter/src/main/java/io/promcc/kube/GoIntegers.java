package io.promcc.kube;

import com.google.gson.Gson;
import com.google.gson.JsonSyntaxException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.kubernetes.client.custom.IntOrString;
import io.promcc.core.model.TextCut;
import java.io.IOException;

/**
 * Reads an integer field (an {@code Integer}, Go's int32; a {@code Long}, Go's int64) and the
 * number form of an {@link IntOrString} as Go's {@code encoding/json} decodes a number into an
 * integer, as client-go decodes a response: an integer literal in the field's range
 * ({@code strconv.ParseInt}, then the range), nothing else. A string ({@code "443"}), a fraction
 * or an exponent ({@code 443.0}, {@code 4.43e2}) or a number out of range is refused (Go:
 * "cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32"),
 * where Gson took the first three as 443 and, in a watch event's object (read from a tree), a
 * fraction cut to its integer and a number out of range wrapped. An IntOrString's string form
 * stays a string; {@code null} stays {@code null}. Every write goes to Gson's own adapter.
 * Thread-safe.
 */
final class GoIntegers implements TypeAdapterFactory {
  /** How many characters of a number a refusal quotes. */
  private static final int QUOTED = 64;

  @Override
  public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> typeToken) {
    Class<? super T> raw = typeToken.getRawType();
    if (raw == Integer.class || raw == int.class) {
      return GoReading.of(gson, this, Integer.class, (in, token, gsons) -> int32(in));
    }
    if (raw == Long.class || raw == long.class) {
      return GoReading.of(gson, this, Long.class, (in, token, gsons) -> int64(in));
    }
    if (raw == IntOrString.class) {
      return GoReading.of(gson, this, IntOrString.class, GoIntegers::intOrString);
    }
    return null;
  }

  /**
   * The text of the integer literal {@code in} holds, for a field of Go type {@code goType};
   * throws, naming what it holds and where, if it holds no number. A string's text is not
   * named, as Go does not name it: it may be a Secret's.
   */
  private static String number(JsonReader in, String goType) throws IOException {
    JsonToken token = in.peek();
    if (token != JsonToken.NUMBER) {
      throw new JsonSyntaxException("Expected an " + goType + " but was " + token + " at path "
          + in.getPath());
    }
    // a number token is the literal as it came (a tree keeps it so): no conversion to double
    return in.nextString();
  }

  /**
   * A refusal of {@code text}, the number {@code in} just read, for a field of {@code goType}.
   * Its path is worked out only here: a number read well costs no more than Gson's own reading
   * of it (its text, which a tree holds as it came, parsed once). A number longer than 64
   * characters is quoted cut, followed by {@code ...}.
   */
  private static JsonSyntaxException outOfType(String text, String goType, JsonReader in) {
    // a number past 64 characters is quoted cut, the cut marked: no other number than it
    String shown = text.length() > QUOTED ? TextCut.cut(text, QUOTED) + "..." : text;
    return new JsonSyntaxException("Expected an " + goType + " but was NUMBER " + shown
        + " at path " + in.getPreviousPath());
  }

  /** Go's int32 as it decodes a number into one. */
  private static int int32(JsonReader in) throws IOException {
    String text = number(in, "int32");
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw outOfType(text, "int32", in);
    }
  }

  /** Go's int64 as it decodes a number into one. */
  private static long int64(JsonReader in) throws IOException {
    String text = number(in, "int64");
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw outOfType(text, "int64", in);
    }
  }

  /**
   * An IntOrString: a number as its int32 form; anything else (a string) as client-java's
   * adapter reads it.
   */
  private static IntOrString intOrString(JsonReader in, JsonToken token,
      TypeAdapter<IntOrString> clientJavas) throws IOException {
    if (token == JsonToken.NUMBER) {
      return new IntOrString(int32(in));
    }
    return clientJavas.read(in);
  }
}
