package io.promcc.vault;

import static io.promcc.vault.VaultSettings.expand;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Problems;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.UrlText;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks of {@link VaultSettings}, which its constructor and its builder share: each problem
 * is added to the caller's {@link Problems}, worded {@code <field> <problem>, found "<value>"}, so
 * that every mistake is reported at once. Stateless; thread-safe.
 */
final class VaultSettingsCheck {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
  private static final Pattern DNS_NAME =
      Pattern.compile("[A-Za-z0-9*]([-A-Za-z0-9]*[A-Za-z0-9])?"
          + "(\\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*");
  private static final ClusterId SAMPLE = ClusterId.of("a-cluster-id");

  private VaultSettingsCheck() {}

  static void checkAddress(Problems problems, URI address, boolean allowInsecureHttp) {
    String shown = UrlText.withoutUserInfo(address.toString());
    if (!shown.equals(address.toString())) {
      problems.add("vault address", shown, "must not contain user information (credentials "
          + "belong in files or environment variables)");
      return;
    }
    String scheme = address.getScheme();
    if (!("https".equals(scheme) || "http".equals(scheme)) || address.getHost() == null
        || address.getRawQuery() != null || address.getRawFragment() != null) {
      problems.add("vault address", address.toString(),
          "must be an https url with a host, without query or fragment");
    } else if ("http".equals(scheme) && !allowInsecureHttp) {
      problems.add("vault address", address.toString(), "must use https, as http sends the vault "
          + "token in clear text (allowInsecureHttp is for tests only)");
    }
  }

  static void check(Problems problems, Optional<String> namespace,
      String pkiMountTemplate, String roleTemplate, String commonNameTemplate,
      List<String> altNameTemplates, Duration ttl, double renewAfterFraction,
      double jitterFraction, int maxConcurrentRequests, Duration backoffInitial,
      Duration backoffMax, Duration requestTimeout) {
    namespace.ifPresent(ns -> {
      if (!VaultAuthSettings.MOUNT.matcher(ns).matches()) {
        problems.add("vault namespace", ns,
            "must be path segments of letters, digits, '_', '-' and '.'");
      }
    });
    checkTemplate(problems, "pki mount template", pkiMountTemplate, VaultAuthSettings.MOUNT,
        "must expand to path segments of letters, digits, '_', '-' and '.'");
    checkTemplate(problems, "role template", roleTemplate, Pattern.compile("[A-Za-z0-9_.\\-]+"),
        "must expand to one path segment of letters, digits, '_', '-' and '.'");
    checkTemplate(problems, "common name template", commonNameTemplate, DNS_NAME,
        "must expand to a dns name");
    for (String alt : altNameTemplates) {
      checkTemplate(problems, "alt name template", alt, DNS_NAME, "must expand to a dns name");
    }
    if (ttl.compareTo(Duration.ofMinutes(1)) < 0) {
      problems.add("certificate ttl", ttl.toString(), "must be at least 1m");
    }
    if (!(renewAfterFraction > 0 && renewAfterFraction < 1)) {
      problems.add("renew after fraction", Double.toString(renewAfterFraction),
          "must be between 0 and 1 (exclusive)");
    }
    if (!(jitterFraction >= 0 && jitterFraction < renewAfterFraction)) {
      problems.add("jitter fraction", Double.toString(jitterFraction),
          "must be at least 0 and less than the renew after fraction");
    }
    if (maxConcurrentRequests < 1 || maxConcurrentRequests > 256) {
      problems.add("max concurrent vault requests", Integer.toString(maxConcurrentRequests),
          "must be between 1 and 256");
    }
    if (backoffInitial.compareTo(Duration.ofMillis(1)) < 0) { // the wait counts whole ms
      problems.add("initial backoff", backoffInitial.toString(), "must be at least 1ms");
    }
    if (backoffMax.compareTo(backoffInitial) < 0) {
      problems.add("max backoff", backoffMax.toString(),
          "must not be less than the initial backoff");
    }
    if (requestTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      problems.add("vault request timeout", requestTimeout.toString(), "must be at least 1s");
    }
  }

  private static void checkTemplate(Problems problems, String field, String template,
      Pattern valid, String problem) {
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!"cluster".equals(m.group(1))) {
        problems.add(field, template, "has an unknown placeholder " + Quoting.quote(m.group())
            + " (known: {cluster})");
        return;
      }
    }
    if (!valid.matcher(expand(template, SAMPLE)).matches()) {
      problems.add(field, template, problem);
    }
  }
}
