package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A request as the fake saw it, for fault rules and assertions.
 *
 * @param method HTTP method
 * @param path decoded path, e.g. {@code /api/v1/services}
 * @param query decoded query parameters (first value of each)
 * @param headers request headers, names in lower case (first value of each)
 * @param clientCommonName CN of the verified client certificate, if one was presented
 * @param clientSerial serial number (hexadecimal) of that certificate, if one was presented: it
 *     tells which of several certificates with one CN a client used (e.g. after a renewal)
 */
public record FakeRequest(String method, String path, Map<String, String> query,
    Map<String, String> headers, Optional<String> clientCommonName, Optional<String> clientSerial) {

  public FakeRequest {
    requireNonNull(method, "method == null");
    requireNonNull(path, "path == null");
    query = new TreeMap<>(requireNonNull(query, "query == null"));
    headers = new TreeMap<>(requireNonNull(headers, "headers == null"));
    requireNonNull(clientCommonName, "clientCommonName == null");
    requireNonNull(clientSerial, "clientSerial == null");
  }

  /** A request without a client certificate's serial. */
  public FakeRequest(String method, String path, Map<String, String> query,
      Map<String, String> headers, Optional<String> clientCommonName) {
    this(method, path, query, headers, clientCommonName, Optional.empty());
  }

  /** Whether this is a watch ({@code ?watch=true}). */
  public boolean isWatch() {
    String watch = query.get("watch");
    return "true".equals(watch) || "1".equals(watch);
  }

  /** Whether this is a list or watch of (or an operation on) {@code resource}. */
  public boolean isFor(ApiResource resource) {
    String prefix = resource.group().isEmpty() ? "/api/" + resource.version() + "/"
        : "/apis/" + resource.apiVersion() + "/";
    if (!path.startsWith(prefix)) {
      return false;
    }
    String[] rest = path.substring(prefix.length()).split("/");
    if (rest.length >= 3 && rest[0].equals("namespaces")) {
      return rest[2].equals(resource.plural());
    }
    return rest[0].equals(resource.plural());
  }

  /** A header's value (name in any case). */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
  }
}
