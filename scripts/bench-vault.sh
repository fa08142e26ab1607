#!/usr/bin/env bash
# bench-vault.sh - Vault at scale (io.promcc.bench.VaultAtScale; docs/benchmarks.md): client
# certificates for 1,000 guest clusters issued and then renewed against the Vault fake with 5 ms
# of latency per answer, for each concurrency (1, 2, 4, 8, 16), every scenario repeated 3 times
# in rotating order; medians, Vault requests per pass, the fastest concurrency. Fails (exit 1) if
# a pass with nothing due asks Vault anything. Builds first; output on stdout and in
# bench/target/bench-results/vault.txt.
#
# Usage: scripts/bench-vault.sh [--quick] [VaultAtScale options]
#   Options (defaults): --clusters 1000, --repeats 3, --concurrency 1,2,4,8,16,
#   --latency-ms 5, --mode sign|issue (sign).
#   --quick: a smoke run (--clusters 20 --repeats 1 --concurrency 1,4).
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
    args=(--clusters 20 --repeats 1 --concurrency 1,4)
fi

echo "== start $(date -u +%FT%TZ): $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (mvn -pl bench -am package, tests skipped)"
# shellcheck disable=SC2086
timeout --foreground 1800 mvn -q ${MVN_ARGS:-} -pl bench -am package -DskipTests
out=bench/target/bench-results
mkdir -p "$out"
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx1g} -cp bench/target/benchmarks.jar io.promcc.bench.VaultAtScale \
    "${args[@]}" "$@" | tee "$out/vault.txt"
echo "== end: ${SECONDS} s after start; load average $(cut -d' ' -f1-3 /proc/loadavg)"
