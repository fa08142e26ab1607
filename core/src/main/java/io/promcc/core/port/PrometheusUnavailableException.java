package io.promcc.core.port;

import io.promcc.core.model.PromccException;

/**
 * Prometheus could not be reached, did not answer in time, or was not ready before a deadline.
 * Transient: a later attempt may succeed, and nothing was changed in Prometheus by the failed call.
 */
public final class PrometheusUnavailableException extends PromccException {
  private static final long serialVersionUID = 1L;

  public PrometheusUnavailableException(String message) {
    super(message);
  }

  public PrometheusUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
