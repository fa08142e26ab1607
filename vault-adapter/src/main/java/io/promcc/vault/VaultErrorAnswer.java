package io.promcc.vault;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonValue;
import io.promcc.core.model.Quoting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An error answer of Vault read into a {@link VaultRequestException}: the reason its status and
 * error strings stand for, and a message with those strings quoted, the wait it asked for and
 * what an operator can do. Stateless.
 */
final class VaultErrorAnswer {
  private VaultErrorAnswer() {}

  /**
   * The failure of {@code operation}, answered by Vault at {@code address} with {@code status}
   * and {@code body} after {@code answeredAfter}.
   */
  static VaultRequestException failure(String address, String operation, int status,
      String body, Optional<Duration> retryAfter, Duration answeredAfter) {
    List<String> errors = errors(body);
    VaultFailure failure = VaultFailure.ofStatus(status, errors);
    String detail = errors.isEmpty() ? "" : ": " + String.join("; ",
        errors.stream().map(VaultErrorAnswer::quoteError).toList());
    String wait = retryAfter.map(d -> "; retry after " + d.toSeconds() + "s").orElse("");
    String hint = failure.hint().isEmpty() ? "" : "; " + failure.hint();
    return new VaultRequestException(failure, status, errors, retryAfter,
        Optional.of(answeredAfter), "vault at " + address + " answered " + operation
            + " with status " + status + " (" + failure.reason() + ")" + detail + wait + hint,
        null);
  }

  /**
   * One of Vault's error strings in quotes, escaped as {@link Quoting} does, but elided only past
   * 600 characters: Vault's PKI errors carry the facts at their end (e.g. the CA's expiry).
   */
  static String quoteError(String error) {
    StringBuilder out = new StringBuilder("\"");
    int end = Math.min(error.length(), 600);
    while (end < error.length() && Character.isHighSurrogate(error.charAt(end - 1))) {
      // elided before a surrogate pair at the limit, not inside it, and before lone first
      // halves there: the loop below would step back to the same piece for good
      end--;
    }
    int i = 0;
    while (i < end) {
      int next = Math.min(end, i + 100);
      if (next < error.length() && Character.isHighSurrogate(error.charAt(next - 1))) {
        next--; // never split a surrogate pair between two pieces
      }
      String quoted = Quoting.quote(error.substring(i, next));
      out.append(quoted, 1, quoted.length() - 1);
      i = next;
    }
    if (end < error.length()) {
      out.append("...(").append(error.length()).append(" chars)");
    }
    return out.append('"').toString();
  }

  /** Vault's {@code {"errors":[...]}}; empty if the body is not that shape. */
  static List<String> errors(String body) {
    List<String> out = new ArrayList<>();
    try {
      JsonValue errors = Json.parse(body).asObject().get("errors");
      if (errors != null && errors.isArray()) {
        for (JsonValue error : errors.asArray()) {
          out.add(error.isString() ? error.asString() : error.toString());
        }
      }
    } catch (RuntimeException | StackOverflowError notJson) {
      // not Vault's error shape (or nested too deeply for the parser); the status alone has to do
    }
    return out;
  }
}
