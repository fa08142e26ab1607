package io.promcc.core.reconcile;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * Whether Prometheus started the service discovery of the scrape configs it runs, as a
 * reconcile that found it running the desired config read it from Prometheus' gauge {@code
 * prometheus_sd_failed_configs{name="scrape"}}. A discovery Prometheus cannot start (a {@code
 * kubernetes_sd_configs} whose TLS files it cannot read, or that hold no valid certificate)
 * does not fail its load: the config is loaded and in sync, and only Prometheus' log names the
 * jobs that discover nothing. Nothing is retried for it: Prometheus starts them at its next load
 * once the cause is fixed.
 *
 * <p>Immutable. {@link #failedConfigs()} is what this reconcile read (0 while {@link
 * State#UNKNOWN}); {@link #count()} is the count known for the config Prometheus runs, the one
 * read or, while a read fails, the one read before for the same load ({@link #readBefore()}):
 * what a caller that keeps a count across reconciles, as promcc's metrics do, reads.
 *
 * @param state what was read, see {@link State}
 * @param failedConfigs the discovery configs Prometheus could not start, 0 unless {@link
 *     State#FAILED}: each {@code *_sd_configs} entry counts, and one job may have several
 * @param detail why it is {@link State#UNKNOWN}; empty otherwise
 * @param readBefore for {@link State#UNKNOWN}: the count an earlier reconcile read after the
 *     load Prometheus still reports (the same {@code lastConfigTime}, successful), which stands
 *     since the gauge changes only at a load; empty if none was read for that load, and for
 *     the other states. Prometheus tells {@code lastConfigTime} in whole seconds, so a count
 *     read within the second of its load is of the config that a load by someone else later
 *     in that same second replaced, if there was one: nothing Prometheus answers shows it
 */
public record ScrapeDiscovery(State state, int failedConfigs, String detail,
    OptionalInt readBefore) {
  /** Nothing was read: no Prometheus, or it is not known to run the desired config. */
  public static final ScrapeDiscovery NOT_CHECKED =
      new ScrapeDiscovery(State.NOT_CHECKED, 0, "");

  /** What a reconcile read of Prometheus' scrape discovery. */
  public enum State {
    /** Not read, see {@link ScrapeDiscovery#NOT_CHECKED}. */
    NOT_CHECKED,
    /** Prometheus started every scrape discovery of the config it runs. */
    STARTED,
    /** Prometheus could not start some ({@link ScrapeDiscovery#failedConfigs()}). */
    FAILED,
    /** Prometheus' gauge could not be read, or it has none (before 2.13). */
    UNKNOWN;

    /** Lower-case label for logs, e.g. {@code not-checked}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * Checks that the count goes with the state, and the detail and a count read before with
   * {@link State#UNKNOWN}.
   *
   * @throws IllegalArgumentException if not
   */
  public ScrapeDiscovery {
    requireNonNull(state, "state == null");
    requireNonNull(detail, "detail == null");
    requireNonNull(readBefore, "readBefore == null");
    if (readBefore.isPresent() && (state != State.UNKNOWN || readBefore.getAsInt() < 0)) {
      throw new IllegalArgumentException("a count of " + readBefore.getAsInt()
          + " read before with " + state);
    }
    if ((state == State.FAILED) != (failedConfigs > 0) || failedConfigs < 0) {
      throw new IllegalArgumentException("a count of " + failedConfigs + " failed configs with "
          + state);
    }
    if ((state == State.UNKNOWN) == detail.isEmpty()) {
      throw new IllegalArgumentException("state " + state + " with detail \"" + detail + "\"");
    }
  }

  /** One with no count read before ({@link #readBefore()} empty). */
  public ScrapeDiscovery(State state, int failedConfigs, String detail) {
    this(state, failedConfigs, detail, OptionalInt.empty());
  }

  /** As Prometheus' gauge reads {@code failedConfigs}. */
  public static ScrapeDiscovery read(int failedConfigs) {
    return failedConfigs == 0 ? new ScrapeDiscovery(State.STARTED, 0, "")
        : new ScrapeDiscovery(State.FAILED, failedConfigs, "");
  }

  /** Unknown, for the reason {@code why}, with no count read before for the same load. */
  public static ScrapeDiscovery unknown(String why) {
    return new ScrapeDiscovery(State.UNKNOWN, 0, why);
  }

  /**
   * Unknown now, for the reason {@code why}, while {@code readBefore} was read after the load
   * Prometheus still reports (see {@link #readBefore()}).
   */
  public static ScrapeDiscovery unknown(String why, OptionalInt readBefore) {
    return new ScrapeDiscovery(State.UNKNOWN, 0, why, readBefore);
  }

  /**
   * The count known for the config Prometheus runs: the one read ({@link State#STARTED}, {@link
   * State#FAILED}), or the one read before for the same load ({@link State#UNKNOWN}); empty if
   * none is known or nothing was checked.
   */
  public OptionalInt count() {
    return switch (state) {
      case STARTED, FAILED -> OptionalInt.of(failedConfigs);
      case UNKNOWN -> readBefore;
      default -> OptionalInt.empty();
    };
  }

  /**
   * A few words for a line that says more ({@link State#FAILED}, and {@link State#UNKNOWN} with
   * such a count read before; empty otherwise): {@code prometheus could not start 1 scrape
   * discovery (see Prometheus' log)}.
   */
  public String summary() {
    int failed = count().orElse(0);
    return failed == 0 ? "" : "prometheus could not start " + failed + " scrape discover"
        + (failed == 1 ? "y" : "ies") + " (see Prometheus' log"
        + (state == State.UNKNOWN ? "; read after the same load, unknown now" : "") + ")";
  }

  /**
   * One line for an operator: what failed, what it means and where to look (for {@link
   * State#FAILED}); why it is unknown; empty when there is nothing to say.
   */
  public String problem() {
    return switch (state) {
      case FAILED -> "prometheus loaded the config but could not start " + failedConfigs
          + (failedConfigs == 1 ? " service discovery config of a scrape job"
              : " service discovery configs of its scrape jobs")
          + " (prometheus_sd_failed_configs{name=\"scrape\"} " + failedConfigs
          + (failedConfigs == 1 ? "): that job discovers no targets through it"
              : ", one per *_sd_configs entry: one job may have several): the jobs they belong "
                  + "to discover no targets through them")
          + " until prometheus loads the config again with the cause fixed (e.g. tls files it "
          + "cannot read or that hold no valid certificate); which jobs and why: see "
          + "Prometheus' log (\"Cannot create service discovery\", config=<job name>)";
      case UNKNOWN -> "whether prometheus started the service discovery of the scrape configs "
          + "it loaded is unknown: " + detail + (readBefore.isEmpty() ? ""
              : "; the count read after the same load stands: " + readBefore.getAsInt());
      default -> "";
    };
  }
}
