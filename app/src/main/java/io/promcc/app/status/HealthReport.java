package io.promcc.app.status;

import static java.util.Objects.requireNonNull;

/**
 * The answer of one health probe.
 *
 * @param ok true if the probe passes ({@code 200}), false if it fails ({@code 503})
 * @param detail a one-line explanation for humans, shown in the HTTP body; line breaks are
 *     replaced by spaces. Never a secret.
 */
public record HealthReport(boolean ok, String detail) {
  public HealthReport {
    requireNonNull(detail, "detail == null");
    detail = Text.oneLine(detail);
  }

  /** A passing report. */
  public static HealthReport ok(String detail) {
    return new HealthReport(true, detail);
  }

  /** A failing report. */
  public static HealthReport failing(String detail) {
    return new HealthReport(false, detail);
  }
}
