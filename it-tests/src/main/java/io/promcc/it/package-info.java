/**
 * The end-to-end harness: the controller as its own process
 * ({@link io.promcc.it.ControllerProcess}), the real Prometheus
 * ({@link io.promcc.it.PrometheusServer}), simulated guest clusters ({@link io.promcc.it.GuestApi})
 * and local mode put together ({@link io.promcc.it.LocalModeStack}), every wait bounded.
 */
package io.promcc.it;
