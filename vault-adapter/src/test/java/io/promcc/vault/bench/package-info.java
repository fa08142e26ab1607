/** Main-method benchmark of the Vault adapter against the Vault fake; see docs/benchmarks.md. */
package io.promcc.vault.bench;
