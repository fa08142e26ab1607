#!/usr/bin/env bash
# bench-delivery.sh - time from Reconciler.reconcile() to verified-loaded against the real
# Prometheus 2.53.3, next to Prometheus' own reload of the same config change (POST /-/reload
# alone), in the same run (io.promcc.bench.DeliveryBenchmark; docs/benchmarks.md). Per size:
# a cold apply, change rounds that alternate which side adds a cluster and which removes it,
# and a reconcile with nothing to do. Builds first; output on stdout and in
# bench/target/bench-results/delivery.txt.
#
# Usage: scripts/bench-delivery.sh [--quick] [DeliveryBenchmark options]
#   e.g. scripts/bench-delivery.sh --sizes 10,1000 --rounds 6
#        scripts/bench-delivery.sh --sizes 10000/10 --rounds 2
#   Options (defaults): --sizes 10,1000,10000/10 (N, or N/SHARDS: N clusters over SHARDS
#   Prometheus servers, one after the other), --rounds 6, --warmup-clusters 20,
#   --warmup-rounds 20, --prometheus PATH.
#   --quick: a smoke run (--sizes 10 --rounds 2 --warmup-clusters 5 --warmup-rounds 2).
# Run it on a quiet machine: numbers taken while other work runs are not worth keeping.
# Environment:
#   PROMETHEUS   the prometheus binary (default: from scripts/prometheus-tools.sh)
#   MVN_ARGS     extra Maven arguments, e.g. "-o" when offline
#   JAVA_OPTS    JVM options of the harness (default -Xmx2g)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

args=()
if [ "${1:-}" = "--quick" ]; then
    shift
    args=(--sizes 10 --rounds 2 --warmup-clusters 5 --warmup-rounds 2)
fi
prometheus=${PROMETHEUS:-$(scripts/prometheus-tools.sh | tail -1)/prometheus}
[ -x "$prometheus" ] || { echo "bench-delivery: prometheus not found at $prometheus" >&2; exit 1; }

echo "== start $(date -u +%FT%TZ): $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (mvn -pl bench -am package, tests skipped)"
# shellcheck disable=SC2086
timeout --foreground 1800 mvn -q ${MVN_ARGS:-} -pl bench -am package -DskipTests
out=bench/target/bench-results
mkdir -p "$out"
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx2g} -cp bench/target/benchmarks.jar io.promcc.bench.DeliveryBenchmark \
    --prometheus "$prometheus" "${args[@]}" "$@" | tee "$out/delivery.txt"
echo "== end: ${SECONDS} s after start; load average $(cut -d' ' -f1-3 /proc/loadavg)"
