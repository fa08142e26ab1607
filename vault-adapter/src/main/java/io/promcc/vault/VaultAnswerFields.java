package io.promcc.vault;

import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.promcc.core.model.TextCut;
import java.util.List;

/**
 * The fields of Vault's token answers (login, {@code lookup-self}, {@code renew-self}), read
 * strictly: a field of the wrong shape is {@code vault-invalid-response} naming it and its
 * value, never taken as absent. Stateless.
 */
final class VaultAnswerFields {
  /** The longest token ttl taken from Vault's answers: 100 years. */
  static final long MAX_TTL_SECONDS = 100L * 366 * 24 * 3600;

  private VaultAnswerFields() {}

  /** The object {@code name} in {@code parent}; null if absent or not an object. */
  static JsonObject object(JsonObject parent, String name) {
    JsonValue value = parent.get(name);
    return value != null && value.isObject() ? value.asObject() : null;
  }

  /**
   * A count of seconds in Vault's answer: 0 if absent or null, else a whole number of at most
   * {@link #MAX_TTL_SECONDS} (a token's ttl is bounded by the mount's, 32 days unless raised).
   *
   * @throws VaultRequestException naming the field and its value otherwise
   */
  static long seconds(JsonObject parent, String name, String answerTo) {
    JsonValue value = parent.get(name);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (value.isNumber() && value.toString().matches("\\d{1,10}")
        && Long.parseLong(value.toString()) <= MAX_TTL_SECONDS) {
      return Long.parseLong(value.toString());
    }
    throw unexpected(answerTo, name, value, "not a whole number of seconds up to 100 years");
  }

  /** A flag in Vault's answer: false if absent or null; else it must be true or false. */
  static boolean flag(JsonObject parent, String name, String answerTo) {
    JsonValue value = parent.get(name);
    if (value == null || value.isNull()) {
      return false;
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    throw unexpected(answerTo, name, value, "not true or false");
  }

  /** The string {@code name} in {@code parent}; null if absent or not a string. */
  static String string(JsonObject parent, String name) {
    JsonValue value = parent.get(name);
    return value != null && value.isString() ? value.asString() : null;
  }

  private static VaultRequestException unexpected(String answerTo, String name, JsonValue value,
      String problem) {
    String text = value.toString();
    return new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
        "unexpected answer from vault to " + answerTo + ": " + name + " "
            + (text.length() > 40 ? TextCut.cut(text, 40) + "..." : text) + " is " + problem,
        null);
  }
}
