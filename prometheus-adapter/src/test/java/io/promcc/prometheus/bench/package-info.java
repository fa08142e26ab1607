/** Benchmark harnesses run against the real Prometheus; not part of the test run. */
package io.promcc.prometheus.bench;
