package io.promcc.core.port;

import io.promcc.core.model.PromccException;

/**
 * Prometheus could not be reached, did not answer in time, or was not ready before a deadline.
 * Transient: a later attempt may succeed. A request that got no answer may still be acted on (a
 * reload that outlasts its timeout goes on loading); {@link #notSent()} tells a request that
 * never reached Prometheus.
 */
public final class PrometheusUnavailableException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final boolean notSent;

  /** The request may have reached Prometheus. */
  public PrometheusUnavailableException(String message) {
    this(message, null, false);
  }

  /** The request may have reached Prometheus. */
  public PrometheusUnavailableException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private PrometheusUnavailableException(String message, Throwable cause, boolean notSent) {
    super(message, cause);
    this.notSent = notSent;
  }

  /**
   * The request never reached Prometheus (a refused or timed-out connect, a failure before a
   * signal was sent, a signal that could not be sent): sending it again cannot make Prometheus
   * act twice.
   */
  public static PrometheusUnavailableException notSent(String message, Throwable cause) {
    return new PrometheusUnavailableException(message, cause, true);
  }

  /** Whether the request never reached Prometheus; see {@link #notSent(String, Throwable)}. */
  public boolean notSent() {
    return notSent;
  }
}
