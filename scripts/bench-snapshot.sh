#!/usr/bin/env bash
# bench-snapshot.sh - what ServiceClusterSource.snapshot() itself costs, warm, for 1,000
# guest-cluster Services served by the Kubernetes API fake (io.promcc.bench.SnapshotBenchmark;
# docs/benchmarks.md): no Service changed (all memoised), one changed, all changed (none
# memoised), interleaved in one JVM; medians. Builds first; output on stdout and in
# bench/target/bench-results/snapshot.txt.
#
# Usage: scripts/bench-snapshot.sh [--quick] [SnapshotBenchmark options]
#   Options (defaults): --services 1000, --rounds 300, --all-changed-every 10, --warmup 300.
#   --quick: a smoke run (--services 100 --rounds 20 --all-changed-every 5 --warmup 20).
# Run it on a quiet machine: numbers taken while other work runs are not worth keeping.
# Environment:
#   MVN_ARGS     extra Maven arguments, e.g. "-o" when offline
#   JAVA_OPTS    JVM options of the harness (default -Xmx1g)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

args=()
if [ "${1:-}" = "--quick" ]; then
    shift
    args=(--services 100 --rounds 20 --all-changed-every 5 --warmup 20)
fi

echo "== start $(date -u +%FT%TZ): $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (mvn -pl bench -am package, tests skipped)"
# shellcheck disable=SC2086
timeout --foreground 1800 mvn -q ${MVN_ARGS:-} -pl bench -am package -DskipTests
out=bench/target/bench-results
mkdir -p "$out"
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx1g} -cp bench/target/benchmarks.jar io.promcc.bench.SnapshotBenchmark \
    "${args[@]}" "$@" | tee "$out/snapshot.txt"
echo "== end: ${SECONDS} s after start; load average $(cut -d' ' -f1-3 /proc/loadavg)"
