/**
 * What the running controller tells operators: its Prometheus metrics, read from each reconcile's
 * result, and the liveness and readiness probes, served on one HTTP port.
 */
package io.promcc.app.status;
