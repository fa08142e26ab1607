package io.promcc.core.plan;

import io.promcc.core.model.Quoting;
import io.promcc.core.plan.TargetLabels.Setting;
import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Why Prometheus 2.53 ({@code PopulateLabels} in scrape/target.go) drops every target of a
 * template for a value its rules certainly set ({@link RequiredTargetLabels} follows them): an
 * address it does not take, a scrape interval or timeout that is no duration or 0, or a timeout
 * greater than the interval. Each answer is the problem's message, or empty. Stateless.
 */
final class RefusedSettings {
  private static final String ADDRESS = TargetLabels.ADDRESS;
  /**
   * An address Prometheus adds the scheme's port to: Go's {@code net.SplitHostPort} finds no port
   * in it, and finds one once {@code ":1234"} is added. That is a host without a colon or a
   * bracket, or anything without a bracket in brackets ({@code [::1]}); an IPv6 address without
   * them ({@code ::1}) takes no port, and Prometheus keeps it whatever the scheme.
   */
  private static final Pattern NO_PORT = Pattern.compile("[^:\\[\\]]+|\\[[^\\[\\]]*\\]");

  private RefusedSettings() {}

  /**
   * Why Prometheus drops every target whose scrape timeout is certainly greater than its scrape
   * interval, naming the later rule of the two that set them, or the {@code labelmap} that set
   * both (the template's own are checked with it); or empty. Both are durations above 0.
   */
  static Optional<String> timeoutAbove(Setting interval, Setting timeout, String owner,
      String targets) {
    // the job's from the global config are compared by the planner, which knows it
    if (!interval.byRule() && !timeout.byRule() || interval.fromJob() || timeout.fromJob()
        || Durations.toMillis(timeout.value()) <= Durations.toMillis(interval.value())) {
      return Optional.empty();
    }
    String dropped = ": Prometheus drops " + targets
        + " (scrape timeout cannot be greater than scrape interval)";
    if (timeout.step() == interval.step()) {
      // one labelmap set both
      return Optional.of(timeout.by() + " sets " + Quoting.quote(TargetLabels.INTERVAL) + " to "
          + Quoting.quote(interval.value()) + " and " + Quoting.quote(TargetLabels.TIMEOUT)
          + " to " + Quoting.quote(timeout.value()) + ", greater than it" + dropped);
    }
    boolean timeoutLast = timeout.step() > interval.step();
    Setting last = timeoutLast ? timeout : interval;
    Setting other = timeoutLast ? interval : timeout;
    return Optional.of(last.by() + " sets "
        + Quoting.quote(timeoutLast ? TargetLabels.TIMEOUT : TargetLabels.INTERVAL) + " to "
        + Quoting.quote(last.value()) + (timeoutLast ? ", greater than the scrape interval "
            : ", less than the scrape timeout ") + Quoting.quote(other.value())
        + (other.by() == null ? " of " + owner : " that " + other.by() + " sets") + dropped);
  }

  /**
   * Why Prometheus drops every target whose address a rule certainly set as {@code setting}: it
   * has a {@code /}, as a URL has ({@code "http://host:80" is not a valid hostname}, whatever the
   * scheme and its feature flags), or it has no port and a rule certainly set {@code scheme} to
   * neither http nor https in any case: without its {@code no-default-scrape-port} feature
   * Prometheus finds no port for it ({@code invalid scheme}), with it Go's client speaks no such
   * protocol (an upper-case {@code HTTPS} is scraped there, so it is not refused, except on a
   * static target: promtool checks those as Prometheus without the feature, and refuses the
   * config); or empty.
   */
  static Optional<String> address(Setting setting, Optional<Setting> scheme,
      String targets, boolean staticTarget) {
    if (!setting.byRule()) {
      return Optional.empty();
    }
    if (setting.value() != null && setting.value().contains("/")) {
      return Optional.of(setting.by() + " sets " + Quoting.quote(ADDRESS) + " to "
          + Quoting.quote(setting.value()) + ", which has a \"/\": Prometheus drops " + targets
          + " (not a valid hostname)");
    }
    if (hasNoPort(setting) && scheme.isPresent() && !isHttp(scheme.get())) {
      String address = Quoting.quote(ADDRESS) + " to " + text(setting) + ", without a port";
      String schemeTo = Quoting.quote(TargetLabels.SCHEME) + " to " + text(scheme.get())
          + ", neither http nor https";
      boolean addressLast = setting.step() > scheme.get().step();
      return Optional.of((addressLast ? setting.by() : scheme.get().by()) + " sets "
          + (addressLast ? address : schemeTo) + ", where "
          + (addressLast ? scheme.get().by() : setting.by()) + " sets "
          + (addressLast ? schemeTo : address) + ": Prometheus drops " + targets
          + " (invalid scheme), or with its no-default-scrape-port feature fails every scrape of "
          + (targets.equals("its targets") ? "them" : "it"));
    }
    if (staticTarget && hasNoPort(setting) && scheme.isPresent()
        && !scheme.get().value().equals("http") && !scheme.get().value().equals("https")) {
      // PopulateLabels compares the scheme in lower case only
      String address = Quoting.quote(ADDRESS) + " to " + text(setting) + ", without a port";
      String schemeTo = Quoting.quote(TargetLabels.SCHEME) + " to "
          + Quoting.quote(scheme.get().value()) + ", not in lower case";
      boolean addressLast = setting.step() > scheme.get().step();
      return Optional.of((addressLast ? setting.by() : scheme.get().by()) + " sets "
          + (addressLast ? address : schemeTo) + ", where "
          + (addressLast ? scheme.get().by() : setting.by()) + " sets "
          + (addressLast ? schemeTo : address) + ": promtool refuses the config, and "
          + "Prometheus drops " + targets + " (invalid scheme)");
    }
    return Optional.empty();
  }

  /** Whether an address a rule set is one Prometheus adds the scheme's port to. */
  private static boolean hasNoPort(Setting address) {
    return address.value() == null || NO_PORT.matcher(address.value()).matches();
  }

  /** What a rule set a label to, for a message: its value, or a {@code hashmod}'s numbers. */
  private static String text(Setting setting) {
    return setting.value() == null
        ? "a number from 0 to " + setting.below().subtract(BigInteger.ONE)
        : Quoting.quote(setting.value());
  }

  /**
   * Whether a scheme a rule set is one Prometheus scrapes over with the
   * {@code no-default-scrape-port} feature (Go's URL parser takes it in any case).
   */
  private static boolean isHttp(Setting scheme) {
    return scheme.value() != null && (scheme.value().equalsIgnoreCase("http")
        || scheme.value().equalsIgnoreCase("https"));
  }

  /**
   * Why Prometheus drops every target whose scrape interval or timeout {@code label} a rule
   * certainly set as {@code setting}: it is no duration ({@code error parsing scrape interval})
   * or 0 ({@code scrape interval cannot be 0}); or empty.
   */
  static Optional<String> duration(String label, Setting setting,
      String targets) {
    if (!setting.byRule()) {
      return Optional.empty(); // the job's own: Prometheus took it when it loaded the config
    }
    String noun = label.equals(TargetLabels.INTERVAL) ? "scrape interval" : "scrape timeout";
    String sets = setting.by() + " sets " + Quoting.quote(label) + " to ";
    if (setting.value() == null) {
      return Optional.of(sets + "a number from 0 to "
          + setting.below().subtract(BigInteger.ONE)
          + ", not a duration above 0: Prometheus drops " + targets);
    }
    if (!Durations.isValid(setting.value())) {
      return Optional.of(sets + Quoting.quote(setting.value()) + ", which is not a duration: "
          + "Prometheus drops " + targets + " (error parsing " + noun + ")");
    }
    if (Durations.isZero(setting.value())) {
      return Optional.of(sets + Quoting.quote(setting.value()) + ": Prometheus drops " + targets
          + " (" + noun + " cannot be 0)");
    }
    return Optional.empty();
  }
}
