/**
 * Ports: the small interfaces through which the pure core reaches the outside world (Kubernetes,
 * Vault, the file system, Prometheus). Adapters implement them; each has a simple fake for tests.
 */
package io.promcc.core.port;
