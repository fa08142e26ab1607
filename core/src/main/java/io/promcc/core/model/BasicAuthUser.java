package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The one rule for a user name of HTTP basic auth (RFC 7617), for whoever takes one: the
 * app's settings and the adapter that sends it. Its UTF-8 bytes are sent base64-encoded, so a
 * name beyond ASCII ("jörg") is fine; a control character is not (RFC 7617 takes none, and the
 * name is logged: what follows a line break may be a password pasted with it), nor a ':' (it
 * separates the user from the password, and what follows it may be a password pasted with the
 * user). Neither problem quotes the name. Stateless.
 */
public final class BasicAuthUser {
  private BasicAuthUser() {}

  /**
   * What is wrong with {@code user} as a basic auth user name, worded to follow the name of
   * its owner ("must not contain ..."), never quoting it; empty if nothing is. An empty name is
   * left to the caller.
   */
  public static Optional<String> problem(String user) {
    requireNonNull(user, "user == null");
    if (user.chars().anyMatch(Character::isISOControl)) {
      return Optional.of("must not contain a line break or another control character (basic "
          + "auth takes none; the value is not shown)");
    }
    if (user.indexOf(':') >= 0) {
      return Optional.of("must not contain ':' (basic auth puts it between the user and the "
          + "password; the value is not shown)");
    }
    return Optional.empty();
  }
}
