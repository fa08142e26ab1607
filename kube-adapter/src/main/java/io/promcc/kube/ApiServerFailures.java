package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.openapi.ApiClient;

/**
 * How a failed call to the API server is worded for an operator, for callers outside this
 * package (the app's Events): what the server answered, or for a call that got no answer what
 * failed against which server (its URL, never credentials) and what to check, as the sources'
 * failures and the elector's log word it. Stateless.
 */
public final class ApiServerFailures {
  private ApiServerFailures() {}

  /**
   * The words for {@code failure} of a call made with {@code client}, on one line.
   *
   * @throws NullPointerException if either is null
   */
  public static String describe(Throwable failure, ApiClient client) {
    requireNonNull(failure, "failure == null");
    requireNonNull(client, "client == null");
    // a root cause's message may span lines (OkHttp's for a certificate of another host: its
    // pin, DN and names, each on an indented line): one line of the log holds it
    return String.join(" ", FailureText.describe(failure, client.getBasePath()).lines()
        .map(String::strip).filter(line -> !line.isEmpty()).toList());
  }
}
