/**
 * Delivery to Prometheus: an atomic file store with an ownership manifest, a client for
 * Prometheus' HTTP API, and a verified reload with rollback; plus the adapter's Dagger module.
 */
package io.promcc.prometheus;
