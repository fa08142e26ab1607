package io.promcc.vault;

import io.promcc.core.model.Secret;

/**
 * Which login made a token: its number among the authenticator's logins that worked, and the
 * credential that login read (null if none is known), so that a refusal of the token marks that
 * credential refused, not the one a later login read. Immutable; no secret in it.
 */
record TokenOrigin(long login, CredentialDigest credential) {
  /** A token and its origin; its text shows no token ({@link Secret}'s). */
  record Held(Secret token, TokenOrigin origin) {}
}
