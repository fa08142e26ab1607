package io.promcc.kube;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a JSON object into a map of string keys (labels, annotations, a selector) as Go decodes
 * one into a map: a key twice takes its last value, where Gson's map adapter refuses the whole
 * document ("duplicate key"), and as a watch event's object is read (its {@code JsonObject} takes
 * the last). The map keeps the keys' order. Other maps (keys not strings,
 * sorted maps) and every write go to Gson's own adapter. Thread-safe.
 */
final class LastKeyMaps implements TypeAdapterFactory {
  @Override
  public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> typeToken) {
    Class<? super T> raw = typeToken.getRawType();
    if (raw != Map.class && raw != HashMap.class && raw != LinkedHashMap.class
        || !(typeToken.getType() instanceof ParameterizedType parameterized)
        || parameterized.getActualTypeArguments()[0] != String.class) {
      return null;
    }
    TypeAdapter<T> gsons = gson.getDelegateAdapter(this, typeToken);
    Type valueType = parameterized.getActualTypeArguments()[1];
    TypeAdapter<?> values = gson.getAdapter(TypeToken.get(valueType));
    @SuppressWarnings("unchecked")
    TypeAdapter<T> adapter = (TypeAdapter<T>) new LastKeyMap<>(gsons, values);
    return adapter;
  }

  private static final class LastKeyMap<V> extends TypeAdapter<Map<String, V>> {
    private final TypeAdapter<Map<String, V>> gsons;
    private final TypeAdapter<V> values;

    @SuppressWarnings("unchecked")
    LastKeyMap(TypeAdapter<?> gsons, TypeAdapter<?> values) {
      this.gsons = (TypeAdapter<Map<String, V>>) gsons;
      this.values = (TypeAdapter<V>) values;
    }

    @Override
    public void write(JsonWriter out, Map<String, V> map) throws IOException {
      gsons.write(out, map);
    }

    @Override
    public Map<String, V> read(JsonReader in) throws IOException {
      if (in.peek() == JsonToken.NULL) {
        in.nextNull();
        return null;
      }
      Map<String, V> map = new LinkedHashMap<>();
      in.beginObject();
      while (in.hasNext()) {
        map.put(in.nextName(), values.read(in)); // where the key first came, as in a JsonObject
      }
      in.endObject();
      return map;
    }
  }
}
