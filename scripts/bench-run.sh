#!/usr/bin/env bash
# bench-run.sh - local mode measured end to end (issue 10's "Measure"; docs/benchmarks.md):
#   1. JVM start to the first verified reconcile (3 guest clusters, Prometheus already running);
#   2. clusters-file change to the new cluster's jobs in Prometheus' loaded config (median, p99
#      of 50 changes over 100 clusters; Prometheus' log polled every 20 ms, its
#      /api/v1/status/config asked once per load; and to the load's end in Prometheus' log);
#   3. reloads over 10 idle minutes (must be 0);
#   4. reloads for 200 changes within 2 s (must be <= 2).
# Runs the real controller (app/target/promcc.jar) and Prometheus 2.53.3. Takes about 20
# minutes. Numbers are only worth something on a machine that does nothing else.
#
#     scripts/bench-run.sh                 # the full run
#     scripts/bench-run.sh --quick         # a smoke run of a minute or two (tiny sizes)
#     scripts/bench-run.sh --changes 20    # any option of io.promcc.it.bench.LocalModeBench
#
# Results: it-tests/target/bench-local/results.md (a Markdown table) and stdout; the folder also
# holds the controllers' and Prometheus' logs. Exit code 3 if a must does not hold.
# Environment: PROMCC_BUILD (auto, always, never; see scripts/harness-classpath.sh), MVN_ARGS.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

args=()
if [ "${1:-}" = "--quick" ]; then
  shift
  args=(--startup-runs 1 --clusters 5 --changes 3 --idle 10s --burst 20 --settle 5s)
fi

bin=$(scripts/prometheus-tools.sh | tail -n 1)
classpath=$(scripts/harness-classpath.sh | tail -n 1)
work="$root/it-tests/target/bench-local"
rm -rf "$work"
echo "== start $(date -u +%FT%TZ): $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Ctrl-C reaches the JVM and what it started alike (one foreground group); its shutdown hook
# stops the rest
CLASSPATH="$classpath" exec java io.promcc.it.bench.LocalModeBench \
  --work "$work" --app-jar "$root/app/target/promcc.jar" --prometheus "$bin/prometheus" \
  "${args[@]}" "$@"
