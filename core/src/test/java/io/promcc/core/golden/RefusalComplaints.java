package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What promtool says of a static target for each refusal of a template's rules, for the oracles
 * that confirm the refusals ({@link EtcdRulesOracleIT}, {@link PodProxyRulesOracleIT}).
 */
final class RefusalComplaints {
  /** The label a refusal of a template's rules names. */
  private static final Pattern REMOVED_LABEL =
      Pattern.compile("(?:drops|keeps no|sets|removes) \"(__[a-z_]+__)\"");

  private RefusalComplaints() {}

  /**
   * What promtool says (a regex) of a static target that lacks the label a refusal names, or
   * whose address it names has a slash or no port for its scheme, or whose scrape interval or
   * timeout it names is no duration or 0, or whose timeout it names is greater than its
   * interval.
   */
  static Pattern complaint(String refusal) {
    if (refusal.contains(" (invalid scheme)")) {
      return Pattern.compile("invalid scheme");
    }
    Matcher label = REMOVED_LABEL.matcher(refusal);
    assertTrue(label.find(), () -> "no removed label in " + refusal);
    if (label.group(1).equals("__address__")) {
      return Pattern.compile(refusal.endsWith("(not a valid hostname)")
          ? "\"[^\"]*/[^\"]*\" is not a valid hostname" : "no address");
    }
    String noun = label.group(1).equals("__scrape_interval__") ? "scrape interval"
        : "scrape timeout";
    if (refusal.contains(" to a number from 0 to ")) {
      return Pattern.compile("error parsing " + noun + ": not a valid duration string: \"[0-9]+\""
          + "|" + noun + " cannot be 0");
    }
    if (refusal.contains("which is not a duration")) {
      return Pattern.compile("error parsing " + noun + ": (?!empty duration string)");
    }
    if (refusal.endsWith("(scrape timeout cannot be greater than scrape interval)")) {
      return Pattern.compile("scrape timeout cannot be greater than scrape interval");
    }
    if (refusal.contains("(" + noun + " cannot be 0)")) {
      return Pattern.compile(noun + " cannot be 0");
    }
    return Pattern.compile("error parsing " + noun + ": empty duration string");
  }
}
