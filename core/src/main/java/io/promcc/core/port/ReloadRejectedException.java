package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.PromccException;

/**
 * Prometheus refused to load the configuration on disk and keeps running the one it had. Carries
 * Prometheus' own explanation, e.g. {@code failed to reload config: ... field foo not found}.
 */
public final class ReloadRejectedException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final String prometheusMessage;

  /** @param prometheusMessage what Prometheus said; the message quotes it after its own words */
  public ReloadRejectedException(String prometheusMessage) {
    super("prometheus rejected the configuration: " + prometheusMessage);
    this.prometheusMessage = requireNonNull(prometheusMessage, "prometheusMessage == null");
  }

  /** What Prometheus said, trimmed; may be generic if it gave no details (e.g. after SIGHUP). */
  public String prometheusMessage() {
    return prometheusMessage;
  }
}
