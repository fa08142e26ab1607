/**
 * Benchmarks: JMH benchmarks of planning and rendering
 * ({@link io.promcc.bench.PlanRenderBenchmark}) and main-method harnesses, each run by a script
 * of {@code scripts/} and described in {@code docs/benchmarks.md}: rendering against
 * {@code promtool check config} ({@link io.promcc.bench.RenderVsPromtool}), delivery to a real
 * Prometheus ({@link io.promcc.bench.DeliveryBenchmark}), Vault at scale
 * ({@link io.promcc.bench.VaultAtScale}), the Service snapshot
 * ({@link io.promcc.bench.SnapshotBenchmark}), what a config shape costs Prometheus
 * ({@link io.promcc.bench.ShapeCost}) and the controller at scale
 * ({@link io.promcc.bench.ReconcileScale}).
 */
package io.promcc.bench;
