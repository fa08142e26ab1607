package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.PromccException;

/**
 * Prometheus answered, but not as expected: an HTTP status other than success (e.g. 404 when the
 * lifecycle API is off, 401 without credentials), or a body that cannot be read. Usually a
 * deployment problem that retrying will not fix.
 */
public final class PrometheusApiException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final String endpoint;
  private final int statusCode;

  /**
   * @param endpoint what was called, e.g. {@code POST /-/reload}
   * @param statusCode the HTTP status, -1 if the failure was in reading the body, or 0 if no
   *     request was sent (its credentials could not be read)
   */
  public PrometheusApiException(String endpoint, int statusCode, String message) {
    super(message);
    this.endpoint = requireNonNull(endpoint, "endpoint == null");
    this.statusCode = statusCode;
  }

  /** As {@link #PrometheusApiException(String, int, String)}, with the failure that caused it. */
  public PrometheusApiException(String endpoint, int statusCode, String message,
      Throwable cause) {
    super(message, cause);
    this.endpoint = requireNonNull(endpoint, "endpoint == null");
    this.statusCode = statusCode;
  }

  /** What was called, e.g. {@code POST /-/reload}. */
  public String endpoint() {
    return endpoint;
  }

  /** The HTTP status, -1 if the failure was in reading the body, 0 if nothing was sent. */
  public int statusCode() {
    return statusCode;
  }
}
