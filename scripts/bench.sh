#!/usr/bin/env bash
# bench.sh - build the benchmarks jar and the promcc jar and run, in one go:
#   1. JMH PlanRenderBenchmark: plan + render of 100, 1,000 and 10,000 clusters in merged mode
#      and of 100 and 1,000 in per-cluster-files mode, average time and allocated bytes per
#      operation (-prof gc);
#   2. RenderVsPromtool: `promtool check config` on the 10,000-cluster output against rendering
#      the same clusters, every side in the same run, alternating, 5 rounds: `promcc render` as
#      its own process (end to end, files written: what a user waits for), plan + write in a
#      warm JVM (the real store and validation) and the plan in memory; wall and CPU time, peak
#      RSS of the processes, ratios to promtool.
# Results go to bench/target/bench-results/ (jmh-*.txt, jmh-*.json, promtool.txt) and to stdout.
#
# Usage: scripts/bench.sh [--quick]
#   --quick            a smoke run: at most 1,000 clusters, 2 rounds of the promtool comparison
# Environment:
#   PROMTOOL           promtool to use (default: from scripts/prometheus-tools.sh)
#   MVN_ARGS           extra Maven arguments, e.g. "-o" when offline
#   JMH_ARGS           replaces the JMH run options below
#   HARNESS_ARGS       extra RenderVsPromtool arguments (see its Javadoc), e.g. "--work /data"
#   SKIP_JMH           "true": run only RenderVsPromtool
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

quick=false
if [ "${1:-}" = "--quick" ]; then quick=true; shift; fi
[ $# -eq 0 ] || { echo "usage: scripts/bench.sh [--quick]" >&2; exit 2; }

promtool=${PROMTOOL:-$(scripts/prometheus-tools.sh | tail -1)/promtool}
[ -x "$promtool" ] || { echo "bench: promtool not found at $promtool" >&2; exit 1; }

echo "== start $(date -u +%FT%TZ): $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (mvn -pl bench,app -am package, tests skipped)"
# shellcheck disable=SC2086
timeout --foreground 1800 mvn -q ${MVN_ARGS:-} -pl bench,app -am package -DskipTests
jar=bench/target/benchmarks.jar
out=bench/target/bench-results
mkdir -p "$out"

if $quick; then
    merged_sizes=100,1000
    split_sizes=100
    harness_clusters=1000
    harness_rounds=2
else
    merged_sizes=100,1000,10000
    split_sizes=100,1000      # 10,000 in per-cluster-files mode would add two minutes
    harness_clusters=10000
    harness_rounds=5
fi
# Short on purpose (the whole script stays within about ten minutes on two busy cores): one
# fork, 2 warm-up and 3 measured iterations of at least 2 s each. At 10,000 clusters an
# iteration is a single operation, so its error bars are wide.
default_jmh="-f 1 -wi 2 -i 3 -w 2s -r 2s"
run_jmh() { # mode sizes name
    echo "== JMH PlanRenderBenchmark (mode=$1, clusters=$2)"
    # shellcheck disable=SC2086
    java -jar "$jar" PlanRenderBenchmark ${JMH_ARGS:-$default_jmh} -p mode="$1" -p clusters="$2" \
        -prof gc -rf json -rff "$out/jmh-$3.json" | tee "$out/jmh-$3.txt"
}
if [ "${SKIP_JMH:-false}" != true ]; then
    run_jmh MERGED "$merged_sizes" merged
    run_jmh PER_CLUSTER_FILES "$split_sizes" per-cluster-files
fi

echo "== RenderVsPromtool ($harness_clusters clusters, merged)"
# shellcheck disable=SC2086
java -Xms3g -Xmx3g -cp "$jar" io.promcc.bench.RenderVsPromtool --promtool "$promtool" \
    --promcc-jar app/target/promcc.jar --clusters "$harness_clusters" --warmup 2 \
    --rounds "$harness_rounds" ${HARNESS_ARGS:-} | tee "$out/promtool.txt"

echo
echo "== summary"
echo "end: ${SECONDS} s after start; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for name in merged per-cluster-files; do
    [ -f "$out/jmh-$name.txt" ] || continue
    sed -n '/^Benchmark /,$p' "$out/jmh-$name.txt" \
        | grep -E '^Benchmark +\(|planAndRender +[0-9]|gc\.alloc\.rate\.norm' || true
done
grep -E '^(jobs|config size|\| |promtool|target)' "$out/promtool.txt"
