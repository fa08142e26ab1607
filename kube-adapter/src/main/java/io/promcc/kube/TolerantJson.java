package io.promcc.kube;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonSyntaxException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import io.promcc.core.model.TextCut;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Type;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Reads API responses so that fields unknown to client-java's models are ignored, as the
 * Kubernetes API conventions expect of clients. client-java 25's generated models refuse them:
 * each model's type adapter calls {@code validateJsonElement}, which throws
 * {@code IllegalArgumentException("The field `x` in the JSON string is not defined in the `V1Pod`
 * properties")}, and {@code JSON.setLenientOnJson} only relaxes JSON syntax. Against an API
 * server newer than the client, an informer would then never sync.
 *
 * <p>The Gson here is client-java's own ({@link JSON#createGson()}: the {@code V1Status}
 * pre-processor and metadata exclusion) with client-java's adapters for dates, times and byte
 * arrays, but without the per-model validating adapters: Gson's reflective adapter fills the
 * models' {@code @SerializedName} fields and skips anything else. Custom types such as
 * {@code IntOrString} and {@code Quantity} keep their {@code @JsonAdapter}s. A map of string
 * keys takes a key's last value, as Go does ({@link LastKeyMaps}); an integer field, and an
 * IntOrString's number form, take only an integer in range, as Go reads one
 * ({@link GoIntegers}); a string field only a string, a byte array only a string of base64 as
 * Go decodes it, a boolean field only a boolean, a time only a string that is one
 * ({@link GoScalars}). Thread-safe.
 */
final class TolerantJson {
  private static final Gson GSON = build();

  private TolerantJson() {}

  private static Gson build() {
    Gson strict = JSON.getGson();
    GsonBuilder builder = JSON.createGson();
    builder.registerTypeAdapter(Date.class, strict.getAdapter(Date.class));
    builder.registerTypeAdapter(java.sql.Date.class, strict.getAdapter(java.sql.Date.class));
    builder.registerTypeAdapter(OffsetDateTime.class, strict.getAdapter(OffsetDateTime.class));
    builder.registerTypeAdapter(LocalDate.class, strict.getAdapter(LocalDate.class));
    builder.registerTypeAdapter(byte[].class, strict.getAdapter(byte[].class));
    builder.registerTypeAdapterFactory(new LastKeyMaps());
    builder.registerTypeAdapterFactory(new GoIntegers());
    builder.registerTypeAdapterFactory(new GoScalars());
    return builder.create();
  }

  /** The tolerant Gson. */
  static Gson gson() {
    return GSON;
  }

  /**
   * Reads {@code json} as {@code type}, ignoring unknown fields, as strictly as Go reads JSON
   * (Gson's strict mode), as client-go decodes a response: single quotes, names or text without
   * quotes, comments, {@code NaN}, {@code =} or {@code ;} for {@code :} or {@code ,}, leading
   * zeros or control characters in a string are no JSON, where Gson's lenient reading, which
   * {@link Gson#fromJson(String, Type)} uses, took them; and as deep as Go reads it, 10,000
   * levels (Gson's reader stops at 255 unless told). Nothing may follow the value but
   * whitespace; {@code null} or whitespace alone is no value, as client-go refuses it.
   *
   * @throws JsonParseException if {@code json} is no such JSON or cannot be read as {@code type}
   */
  static <T> T read(String json, Type type) {
    JsonReader reader = new JsonReader(new StringReader(json));
    reader.setStrictness(Strictness.STRICT);
    reader.setNestingLimit(WatchFrames.DEPTH);
    try {
      // client-go refuses these too ("Object 'Kind' is missing in 'null'"); Gson reads them as
      // no value, and a list of null would pass for a list
      if (first(reader) == JsonToken.NULL) {
        throw new JsonSyntaxException("it is null, no object");
      }
      T value = GSON.fromJson(reader, type);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new JsonSyntaxException("json document was not fully consumed");
      }
      return value;
    } catch (IOException e) {
      throw new JsonSyntaxException(e);
    }
  }

  /** The first token of {@code reader}'s document, which a strict reader finds no end of. */
  private static JsonToken first(JsonReader reader) throws IOException {
    try {
      return reader.peek();
    } catch (EOFException e) {
      throw new JsonSyntaxException("it is whitespace alone, no object");
    }
  }

  /**
   * Executes {@code call} and reads a successful response as {@code type}.
   *
   * @throws ApiException with the status, headers and body of an unsuccessful response, or for
   *     an I/O failure or an unreadable body
   */
  static <T> T execute(ApiClient client, Call call, Type type) throws ApiException {
    return execute(call, text -> read(text, type));
  }

  /**
   * Executes {@code call} and reads a successful response's body with {@code reader}.
   *
   * @throws ApiException as {@link #execute(ApiClient, Call, Type)}; for a body that
   *     {@code reader} refuses with a {@link JsonParseException}, that one's words
   */
  static <T> T execute(Call call, Function<String, T> reader) throws ApiException {
    try (Response response = call.execute()) {
      ResponseBody body = response.body();
      String text = body == null ? null : body.string();
      if (!response.isSuccessful()) {
        throw new ApiException(response.message(), response.code(),
            response.headers().toMultimap(), text);
      }
      if (text == null || text.isEmpty()) {
        throw new ApiException("empty response body", response.code(),
            response.headers().toMultimap(), text);
      }
      try {
        return reader.apply(text);
      } catch (JsonParseException e) {
        Throwable named = e.getCause() != null && e.getCause().getMessage() != null
            ? e.getCause() : e;
        throw new ApiException("cannot read the response: "
            + FailureText.withoutGsonAdvice(named.getMessage()), e,
            response.code(), response.headers().toMultimap(), text);
      }
    } catch (IOException e) {
      throw new ApiException(e);
    }
  }

  /**
   * Opens a watch: executes {@code call} and streams its events, each object read tolerantly.
   *
   * @throws ApiException with the status and body if the server refuses the watch
   */
  static <T> Watch<T> watch(ApiClient client, Call call, Class<T> type) throws ApiException {
    return watch(client, call, type, null);
  }

  /**
   * Opens a watch as above; with {@code items}, an event whose object cannot be told apart (no
   * name, read or not) cannot be read, and one whose object cannot be read otherwise is taken
   * as {@link ItemByItem#unreadableEvent} says, where it can be.
   *
   * @param items reads objects one by one; null to refuse an event that cannot be read
   */
  static <T> Watch<T> watch(ApiClient client, Call call, Class<T> type, ItemByItem items)
      throws ApiException {
    Response response;
    try {
      response = call.execute();
    } catch (IOException e) {
      throw new ApiException(e);
    }
    if (!response.isSuccessful()) {
      String text = null;
      try (ResponseBody body = response.body()) {
        if (body != null) {
          text = body.string();
        }
      } catch (IOException e) {
        // the status says enough
      }
      throw new ApiException(response.message(), response.code(),
          response.headers().toMultimap(), text);
    }
    return new TolerantWatch<>(client.getJSON(), response.body(), type, call, items);
  }

  /**
   * A watch event that cannot be read, its message plain and lower-case (e.g. {@code it has no
   * type}): client-java's {@link Watch#next()} wraps it in a {@code RuntimeException}. Never the
   * event's text itself, which may hold a Secret's data.
   */
  static final class UnreadableEvent extends IOException {
    private static final long serialVersionUID = 1L;

    UnreadableEvent(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** client-java's {@link Watch} with tolerant reading of each event. */
  private static final class TolerantWatch<T> extends Watch<T> {
    /** The event types a watch has, spelt as client-go's decoder takes them (its case only). */
    private static final Set<String> TYPES =
        Set.of("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR");
    private final Class<T> type;
    private final ResponseBody body;
    /** Reads an event's object on its own; null for none. */
    private final ItemByItem items;

    TolerantWatch(JSON json, ResponseBody body, Class<T> type, Call call, ItemByItem items) {
      super(json, body, type, call);
      this.type = type;
      this.body = body;
      this.items = items;
    }

    /**
     * Whether an event follows: whitespace before it (an empty line, a line of spaces, tabs or a
     * carriage return) is skipped, and whitespace alone up to the stream's end is its end, as
     * client-go's JSON framer reads the stream (Go's {@code json.Decoder} passes over space,
     * tab, carriage return and newline before a value, and reads them alone up to the end as
     * {@code io.EOF}); client-java's watch took such a line as an event.
     */
    @Override
    public boolean hasNext() {
      try {
        skipWhitespace(body.source());
      } catch (IOException e) {
        throw new RuntimeException("IO Exception during hasNext method.", e);
      }
      return super.hasNext();
    }

    /** Skips the whitespace Go's JSON decoder skips before a value, reading as far as needed. */
    private static void skipWhitespace(BufferedSource source) throws IOException {
      while (source.request(1)) {
        byte next = source.getBuffer().getByte(0);
        if (next != ' ' && next != '\t' && next != '\r' && next != '\n') {
          return;
        }
        source.skip(1);
      }
    }

    /**
     * The next event: the next JSON value, whitespace before it skipped, over as many lines as
     * it takes and up to its end within a line, as client-go's JSON framer reads it
     * ({@link WatchFrames}); client-java's watch reads a line, so it took two events on one line
     * as none and failed at the first line of one written over several. A stream that ends
     * (cleanly: its body whole as the server or a proxy framed it) within an event throws an
     * {@link EOFException}, a cut, as client-go's decoder reads such an end as
     * io.ErrUnexpectedEOF and its watch ends quietly; client-java's read the part as a line.
     */
    @Override
    public Watch.Response<T> next() {
      try {
        return event(value(body.source()));
      } catch (IOException e) {
        throw new RuntimeException("IO Exception during next method.", e);
      }
    }

    /** The next JSON value of {@code source}. */
    private static JsonElement value(BufferedSource source) throws IOException {
      try {
        return WatchFrames.next(source);
      } catch (MalformedJsonException e) {
        throw new UnreadableEvent("it is no json object", e);
      } catch (WatchFrames.ObjectTooLarge e) {
        throw new UnreadableEvent(e.getMessage(), e);
      }
    }

    /** The watch event {@code value} is. */
    private Watch.Response<T> event(JsonElement value) throws UnreadableEvent {
      if (!value.isJsonObject()) {
        throw new UnreadableEvent("it is no json object", null);
      }
      JsonObject event = value.getAsJsonObject();
      JsonElement eventType = event.get("type");
      if (eventType == null || !eventType.isJsonPrimitive()) {
        throw new UnreadableEvent("it has no type", null);
      }
      if (!TYPES.contains(eventType.getAsString())) {
        // client-go's decoder refuses it ("got invalid watch event type") and the watch ends with
        // an error; client-java's reflector would skip it, and it would count as an event
        String named = eventType.getAsString();
        // past 64 characters, cut and the cut marked: no other type than the one sent
        throw new UnreadableEvent("its type is \"" + (named.length() > 64
            ? TextCut.cut(named, 64) + "..." : named)
            + "\", not ADDED, MODIFIED, DELETED, BOOKMARK or ERROR", null);
      }
      JsonElement object = event.get("object");
      boolean isObject = object != null && object.isJsonObject();
      JsonElement kind = isObject ? object.getAsJsonObject().get("kind") : null;
      boolean status = kind != null && kind.isJsonPrimitive()
          && "Status".equals(kind.getAsString());
      try {
        if ("ERROR".equals(eventType.getAsString()) || status) {
          return new Watch.Response<>(eventType.getAsString(),
              GSON.fromJson(object, V1Status.class));
        }
        if (!isObject) {
          throw new UnreadableEvent("it has no object", null);
        }
        if (items != null && !"BOOKMARK".equals(eventType.getAsString())) {
          try {
            ItemByItem.identify(object);
          } catch (IllegalArgumentException e) {
            // no object it can be taken as, nor as no object: the watch breaks
            throw new UnreadableEvent("its object cannot be read: " + e.getMessage(), e);
          }
        }
        T read = GSON.fromJson(object, type);
        if (items != null && read instanceof KubernetesObject named) {
          items.readable(eventType.getAsString(), ItemByItem.keyOf(named.getMetadata()), read);
        }
        return new Watch.Response<>(eventType.getAsString(), read);
      } catch (RuntimeException e) {
        if (items != null && isObject) {
          Optional<Watch.Response<T>> instead = items.unreadableEvent(eventType.getAsString(),
              object.getAsJsonObject(), type, e);
          if (instead.isPresent()) {
            return instead.get();
          }
        }
        // Gson names what it met and where ("Expected BEGIN_OBJECT but was STRING at path
        // $.metadata"), its cause the same; a JsonSyntaxException's own message is the cause's
        Throwable named = e.getCause() != null && e.getCause().getMessage() != null
            ? e.getCause() : e;
        throw new UnreadableEvent("its object cannot be read: " + named.getMessage(), e);
      }
    }
  }
}
