#!/usr/bin/env bash
# bench-shapes.sh - what a config shape costs Prometheus, two shapes side by side in one run
# (io.promcc.bench.ShapeCost): goroutines, resident and heap memory, start to ready and the time
# of reloading the unchanged config, per guest cluster; or (--mode lists) how many LIST requests
# one reload makes against the guest API servers. Build first, then run; the output goes to
# stdout and to bench/target/bench-results/shapes-<mode>.txt.
#
# Usage: scripts/bench-shapes.sh [ShapeCost options]
#   e.g. scripts/bench-shapes.sh --clusters 1000 --rounds 3            # legacy (A) vs default (B)
#        scripts/bench-shapes.sh --mode lists --clusters 100 --rounds 2
#        scripts/bench-shapes.sh --mode lists --clusters 100 \
#            --prometheus-arg=--enable-feature=new-service-discovery-manager
#   Options (defaults): --mode cost|lists (cost), --clusters N (1000), --rounds R (3),
#   --a SHAPE (legacy), --b SHAPE (default) where SHAPE is default, legacy or a profile file,
#   optionally followed by @merged (the default) or @files (per-cluster files),
#   --reloads K (3), --settle 20s, --reload-gap 10s, --etcd, --reachable, --work DIR,
#   --prometheus-arg ARG (repeatable; every Prometheus), --a-prometheus-arg ARG and
#   --b-prometheus-arg ARG (repeatable; that side only), --a-prometheus PATH and
#   --b-prometheus PATH (that side's binary, each with its own base run), --ready-timeout 10m.
# Run it on a quiet machine: numbers taken while other work runs are not worth keeping.
# Environment:
#   PROMETHEUS   the prometheus binary (default: from scripts/prometheus-tools.sh)
#   MVN_ARGS     extra Maven arguments, e.g. "-o" when offline
#   JAVA_OPTS    JVM options of the harness (default -Xmx2g)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

prometheus=${PROMETHEUS:-$(scripts/prometheus-tools.sh | tail -1)/prometheus}
[ -x "$prometheus" ] || { echo "bench-shapes: prometheus not found at $prometheus" >&2; exit 1; }

mode=cost
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
        --mode) mode=${args[$((i + 1))]:-cost} ;;
        --mode=*) mode=${args[$i]#--mode=} ;;
    esac
done

echo "== start $(date -u +%FT%TZ): $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (mvn -pl bench -am package, tests skipped)"
# shellcheck disable=SC2086
timeout --foreground 1800 mvn -q ${MVN_ARGS:-} -pl bench -am package -DskipTests
out=bench/target/bench-results
mkdir -p "$out"
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx2g} -cp bench/target/benchmarks.jar io.promcc.bench.ShapeCost \
    --prometheus "$prometheus" "$@" | tee "$out/shapes-$mode.txt"
echo "== end: ${SECONDS} s after start; load average $(cut -d' ' -f1-3 /proc/loadavg)"
