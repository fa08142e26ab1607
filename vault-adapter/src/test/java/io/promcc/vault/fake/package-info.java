/**
 * A Vault HTTP server fake for tests: token, Kubernetes and AppRole auth with policies, PKI sign
 * and issue with real certificates from an in-memory CA per mount and the role and issuer checks
 * of Vault's PKI engine (key type, name rules, max TTL, leaf_not_after_behavior), Vault's error
 * shapes and texts, sealing, a standby's redirect, rate limits, injected failures and latency,
 * token expiry on an injected clock, and every request recorded. Published in this module's
 * test-jar for other modules' tests.
 */
package io.promcc.vault.fake;
