package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.PromccException;
import io.promcc.core.model.Quoting;

/**
 * Prometheus refused a desired state that passed local validation. By the time this is thrown the
 * last verified files are back on disk and loaded again ({@link #rolledBack()}), unless there were
 * none or putting them back failed (then the cause or a suppressed exception says why).
 */
public final class ConfigRejectedException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final String prometheusMessage;
  private final String rejectedHash;
  private final boolean rolledBack;

  public ConfigRejectedException(String prometheusMessage, String rejectedHash,
      boolean rolledBack, String outcome) {
    super("prometheus rejected config " + Quoting.quote(shortHash(rejectedHash)) + ": "
        + prometheusMessage + "; " + outcome);
    this.prometheusMessage = requireNonNull(prometheusMessage, "prometheusMessage == null");
    this.rejectedHash = requireNonNull(rejectedHash, "rejectedHash == null");
    this.rolledBack = rolledBack;
  }

  private static String shortHash(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) : hash;
  }

  /** Prometheus' own explanation, e.g. the YAML error with its line number. */
  public String prometheusMessage() {
    return prometheusMessage;
  }

  /** Hash of the rejected desired state. */
  public String rejectedHash() {
    return rejectedHash;
  }

  /** True if the last verified files were restored and Prometheus loaded them successfully. */
  public boolean rolledBack() {
    return rolledBack;
  }
}
