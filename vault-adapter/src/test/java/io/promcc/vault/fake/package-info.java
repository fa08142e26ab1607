/**
 * A Vault HTTP server fake for tests: token, Kubernetes and AppRole auth, PKI sign and issue
 * with real certificates from an in-memory CA per mount, Vault's error shapes, sealing, injected
 * failures and latency, token expiry on an injected clock, and every request recorded. Published
 * in this module's test-jar for other modules' tests.
 */
package io.promcc.vault.fake;
