/**
 * Benchmarks of planning and rendering: JMH benchmarks ({@link io.promcc.bench.PlanRenderBenchmark})
 * and a main-method harness that compares rendering with {@code promtool check config}
 * ({@link io.promcc.bench.RenderVsPromtool}). Run them with {@code scripts/bench.sh}.
 */
package io.promcc.bench;
