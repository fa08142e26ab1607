package io.promcc.vault.fake;

import static java.util.Objects.requireNonNull;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One request the fake received. Secrets are not kept: the {@code X-Vault-Token} header is
 * dropped (only whether it was present is recorded) and the JSON fields {@code jwt},
 * {@code secret_id} and {@code token} of the body read {@code <redacted>}.
 *
 * @param method HTTP method
 * @param path request path without the {@code /v1/} prefix, e.g. {@code pki-c1/sign/role-c1}
 * @param headers other headers, names lower-case, first value only
 * @param hadToken whether an {@code X-Vault-Token} header was sent
 * @param body the body with secret fields redacted (empty if none)
 */
public record RecordedRequest(String method, String path, SortedMap<String, String> headers,
    boolean hadToken, String body) {
  public RecordedRequest {
    requireNonNull(method, "method == null");
    requireNonNull(path, "path == null");
    headers = new TreeMap<>(headers);
    requireNonNull(body, "body == null");
  }

  /** The header's value, or {@code null}. */
  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }
}
