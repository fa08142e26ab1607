#!/usr/bin/env bash
# bench.sh - build the benchmarks jar and run, in one go:
#   1. JMH PlanRenderBenchmark: plan + render of 100, 1,000 and 10,000 clusters, merged and
#      per-cluster-files mode, average time and allocated bytes per operation (-prof gc);
#   2. RenderVsPromtool: `promtool check config` on the 10,000-cluster output (wall time, CPU
#      time, peak RSS) against plan + render of the same clusters in a warm JVM, and the ratio.
# Results go to bench/target/bench-results/ (jmh.txt, jmh.json, promtool.txt) and to stdout.
#
# Usage: scripts/bench.sh [--quick]
#   --quick            a smoke run: 100 and 1,000 clusters, 1,000 for the promtool comparison
# Environment:
#   PROMTOOL           promtool to use (default: from scripts/prometheus-tools.sh)
#   MVN_ARGS           extra Maven arguments, e.g. "-o" when offline
#   JMH_ARGS           replaces the JMH run options below
#   HARNESS_ARGS       extra RenderVsPromtool arguments (see its Javadoc)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

quick=false
if [ "${1:-}" = "--quick" ]; then quick=true; shift; fi
[ $# -eq 0 ] || { echo "usage: scripts/bench.sh [--quick]" >&2; exit 2; }

promtool=${PROMTOOL:-$(scripts/prometheus-tools.sh | tail -1)/promtool}
[ -x "$promtool" ] || { echo "bench: promtool not found at $promtool" >&2; exit 1; }

echo "== build (mvn -pl bench -am package, tests skipped)"
# shellcheck disable=SC2086
mvn -q ${MVN_ARGS:-} -pl bench -am package -DskipTests
jar=bench/target/benchmarks.jar
out=bench/target/bench-results
mkdir -p "$out"

if $quick; then
    sizes=100,1000
    harness_clusters=1000
else
    sizes=100,1000,10000
    harness_clusters=10000
fi
# Short on purpose (the whole script stays within about ten minutes on two busy cores): one
# fork, 2 warm-up and 3 measured iterations of at least 2 s each. At 10,000 clusters an
# iteration is a single operation, so its error bars are wide.
default_jmh="-f 1 -wi 2 -i 3 -w 2s -r 2s"
echo "== JMH PlanRenderBenchmark (clusters=$sizes, mode=MERGED,PER_CLUSTER_FILES)"
# shellcheck disable=SC2086
java -jar "$jar" PlanRenderBenchmark ${JMH_ARGS:-$default_jmh} -p clusters=$sizes \
    -prof gc -rf json -rff "$out/jmh.json" | tee "$out/jmh.txt"

echo "== RenderVsPromtool ($harness_clusters clusters, merged)"
# shellcheck disable=SC2086
java -Xms3g -Xmx3g -cp "$jar" io.promcc.bench.RenderVsPromtool --promtool "$promtool" \
    --clusters "$harness_clusters" --render-warmup 2 --render-runs 5 --promtool-runs 2 \
    ${HARNESS_ARGS:-} | tee "$out/promtool.txt"

echo
echo "== summary"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
sed -n '/^Benchmark /,$p' "$out/jmh.txt" | grep -E '^Benchmark |planAndRender +[0-9]|gc\.alloc\.rate\.norm' || true
grep -E '^(jobs|config size|plan\+render|promtool|ratio|target)' "$out/promtool.txt"
