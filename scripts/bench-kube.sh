#!/usr/bin/env bash
# bench-kube.sh - Kubernetes mode, Service created to job loaded (docs/benchmarks.md, "Kubernetes
# mode: Service created to job loaded"): with 100 clusters as Services of the host API fake and
# client certificates signed by the Vault fake, 100 times a new Service is created (the one
# added before deleted and applied first, so the create is a lone change; --delete with-create
# deletes it just before the create instead, a burst of two) and timed to its jobs in
# Prometheus' loaded config (Prometheus' log polled every 20 ms, its /api/v1/status/config
# asked once per load; and to the load's end as Prometheus logged it); Prometheus' own reload
# time of each change is reported beside it, with the difference. Median and p99 of all three.
# Runs the real controller (app/target/promcc.jar) and Prometheus 2.53.3. Numbers are only worth
# something on a machine that does nothing else.
#
#     scripts/bench-kube.sh                        # 100 clusters, 100 changes
#     scripts/bench-kube.sh --clusters 1000        # any option of
#                                                  # io.promcc.it.bench.KubernetesModeBench:
#                                                  # --clusters --changes --guests shared|refused
#                                                  # --delete apart|with-create
#                                                  # --poll --prometheus-flag
#     scripts/bench-kube.sh --quick                # a smoke run (tiny sizes)
#
# Results: it-tests/target/bench-kube/results.md (a Markdown table) and stdout; the folder also
# holds the controller's and Prometheus' logs.
# Environment: PROMCC_BUILD (auto, always, never; see scripts/harness-classpath.sh), MVN_ARGS.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

args=()
if [ "${1:-}" = "--quick" ]; then
  shift
  args=(--clusters 5 --changes 3)
fi

bin=$(scripts/prometheus-tools.sh | tail -n 1)
classpath=$(scripts/harness-classpath.sh | tail -n 1)
work="$root/it-tests/target/bench-kube"
rm -rf "$work"
echo "== start $(date -u +%FT%TZ): $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Ctrl-C reaches the JVM and what it started alike (one foreground group); its shutdown hook
# stops the rest
CLASSPATH="$classpath" exec java io.promcc.it.bench.KubernetesModeBench \
  --work "$work" --app-jar "$root/app/target/promcc.jar" --prometheus "$bin/prometheus" \
  "${args[@]}" "$@"
