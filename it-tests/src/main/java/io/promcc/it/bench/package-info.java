/**
 * Benchmarks of local mode end to end (behind {@code scripts/bench-run.sh}): time to the first
 * verified reconcile, clusters-file change to loaded job, reloads while idle and for a burst.
 */
package io.promcc.it.bench;
