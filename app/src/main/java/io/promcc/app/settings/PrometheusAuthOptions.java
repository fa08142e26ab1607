package io.promcc.app.settings;

import io.promcc.core.model.BasicAuthUser;
import io.promcc.core.model.Problems;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The options of a Prometheus whose web endpoints ask for credentials (its
 * {@code --web.config.file} with {@code basic_auth_users}, or a proxy in front of it): basic auth
 * as a user with the password in a file, or a bearer token in a file. The password and the token
 * are never options themselves: a flag shows in {@code ps}, a settings file is often a ConfigMap.
 */
final class PrometheusAuthOptions {
  private PrometheusAuthOptions() {}

  static final String USER = "prometheus-basic-auth-user";
  static final String PASSWORD_FILE = "prometheus-password-file";
  static final String TOKEN_FILE = "prometheus-bearer-token-file";

  static final List<Setting> TABLE = List.of(
      Setting.of(USER, "NAME", "With --prometheus-url: basic auth as this user (a user of "
          + "basic_auth_users in Prometheus' --web.config.file), the password in "
          + "--prometheus-password-file.", "promcc"),
      Setting.of(PASSWORD_FILE, "FILE", "A file holding the basic auth password, read at every "
          + "request to Prometheus, so a rotated Secret is used without a restart.",
          "/var/run/secrets/prometheus/password"),
      Setting.of(TOKEN_FILE, "FILE", "With --prometheus-url, instead of basic auth: a file "
          + "holding a bearer token, read at every request to Prometheus.",
          "/var/run/secrets/prometheus/token"));

  /**
   * The credentials, if any are given; empty after adding every problem. Without a Prometheus
   * URL nothing is read ({@link UnreadOptions} refuses the options).
   */
  static Optional<PrometheusCredentials> from(SettingsReader r, boolean prometheusUrl,
      Problems problems) {
    if (!prometheusUrl) {
      return Optional.empty();
    }
    int before = problems.list().size();
    Optional<String> user = r.optional(USER, text -> {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("must not be empty");
      }
      Optional<String> problem = BasicAuthUser.problem(text); // the adapter's rule too
      if (problem.isPresent()) {
        // not shown if it holds a control character or ':': what follows either may be a
        // password pasted with the user
        throw unshown(text) ? new SettingsReader.RedactedValueException(problem.get(), null)
            : new IllegalArgumentException(problem.get());
      }
      return text;
    });
    Optional<Path> password = r.file(PASSWORD_FILE,
        text -> SettingsReader.secretFile(text, "password"));
    Optional<Path> token = r.file(TOKEN_FILE,
        text -> SettingsReader.secretFile(text, SettingsReader.BEARER_TOKEN));
    if (r.has(TOKEN_FILE) && (r.has(USER) || r.has(PASSWORD_FILE))) {
      r.bad(TOKEN_FILE, "cannot be combined with " + r.originOf(r.has(USER) ? USER
          : PASSWORD_FILE) + ": choose basic auth or a bearer token");
    } else if (r.has(USER) && !r.has(PASSWORD_FILE)) {
      badUser(r, "needs --" + PASSWORD_FILE + " (the password is read only from a file)");
    } else if (r.has(PASSWORD_FILE) && !r.has(USER)) {
      r.bad(PASSWORD_FILE, "needs --" + USER);
    }
    if (problems.list().size() > before) {
      return Optional.empty();
    }
    if (user.isPresent() && password.isPresent()) {
      return Optional.of(new PrometheusCredentials.BasicAuth(user.get(), password.get()));
    }
    return token.map(PrometheusCredentials.BearerToken::new);
  }

  /**
   * A problem of the user, shown with it unless it holds a control character or ':': what
   * follows either may be a password pasted with it, and the refusal of it does not show it
   * either.
   */
  static void badUser(SettingsReader r, String problem) {
    if (r.text(USER).map(text -> unshown(text.strip())).orElse(false)) {
      r.badSecret(USER, problem);
    } else {
      r.bad(USER, problem);
    }
  }

  private static boolean unshown(String user) {
    return user.indexOf(':') >= 0 || user.chars().anyMatch(Character::isISOControl);
  }
}
