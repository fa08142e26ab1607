package io.promcc.app.settings;

import io.promcc.core.model.EditDistance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code PROMCC_*} variables of the environment that no setting reads: a typo
 * ({@code PROMCC_PROMETHEUS_URLS}) would otherwise be ignored without a word. A warning, not an
 * error: other tools may share the prefix. The variables of the project's own scripts
 * ({@code PROMCC_DEMO_DIR}, which reach the promcc a demo starts) and the variables that
 * Kubernetes sets for a Service named {@code promcc} ({@code PROMCC_SERVICE_HOST},
 * {@code PROMCC_PORT_9420_TCP}) are left out. Stateless; values are never read, so a secret in
 * a mistyped variable is never shown.
 */
public final class UnknownVariables {
  private static final String PREFIX = "PROMCC_";
  /** Kubernetes' service links of a Service named promcc (enableServiceLinks, the default). */
  private static final Pattern SERVICE_LINK = Pattern.compile("PROMCC_(SERVICE_HOST"
      + "|SERVICE_PORT(_\\w+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)");
  /**
   * The variables of the project's own scripts (demo.sh, harness-classpath.sh, the tools',
   * test.sh's and test-end-check.sh's).
   */
  private static final Pattern SCRIPTS = Pattern.compile("PROMCC_(DEMO_\\w+|BUILD|TOOLS_DIR"
      + "|TOOLS_CACHE|DEBIAN_MIRROR|DEBIAN_SUITES3?|TEST_BOUND|CHECK_IT)");

  private UnknownVariables() {}

  /**
   * One warning per unknown variable, in the order of their names, each naming the setting
   * whose variable is closest to it (fewest letters to change).
   */
  public static List<String> warnings(List<Setting> table, Map<String, String> env) {
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (!name.startsWith(PREFIX) || SERVICE_LINK.matcher(name).matches()
          || SCRIPTS.matcher(name).matches()
          || table.stream().anyMatch(s -> s.env().equals(name))) {
        continue;
      }
      Setting closest = null;
      int best = Integer.MAX_VALUE;
      for (Setting setting : table) {
        int distance = EditDistance.between(name, setting.env());
        if (distance < best) {
          best = distance;
          closest = setting;
        }
      }
      warnings.add(name + " is not a promcc setting and is ignored" + (closest == null ? ""
          : " (the closest is " + closest.env() + (closest.secret() ? ""
              : ", " + closest.flag()) + ")"));
    }
    return warnings;
  }
}
