package io.promcc.vault.fake;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonArray;
import io.github.jopenlibs.vault.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One answer of the fake: a status, a JSON body ({@code null}: no body, as Vault's 204 and 307)
 * and extra headers.
 */
record FakeResponse(int status, JsonObject json, Map<String, String> headers) {
  FakeResponse {
    headers = new TreeMap<>(headers);
  }

  static FakeResponse ok(JsonObject json) {
    return new FakeResponse(200, json, Map.of());
  }

  static FakeResponse noContent() {
    return new FakeResponse(204, null, Map.of());
  }

  /** Vault's error shape, {@code {"errors":[...]}}. */
  static FakeResponse error(int status, List<String> errors) {
    return error(status, errors, Map.of());
  }

  static FakeResponse error(int status, List<String> errors, Map<String, String> headers) {
    JsonArray array = Json.array().asArray();
    errors.forEach(array::add);
    return new FakeResponse(status, Json.object().add("errors", array), headers);
  }

  /** Go's multierror text, as Vault puts several errors into one string. */
  static String multiError(String... errors) {
    StringBuilder text = new StringBuilder();
    text.append(errors.length)
        .append(errors.length == 1 ? " error occurred:" : " errors occurred:");
    for (String error : errors) {
      text.append("\n\t* ").append(error);
    }
    return text.append("\n\n").toString();
  }
}
