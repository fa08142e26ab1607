#!/usr/bin/env bash
# demo.sh - promcc on this machine in one command: Prometheus 2.53.3, simulated guest clusters
# (the Kubernetes API fake: nodes, pods, endpoints and metrics over HTTPS that requires a client
# certificate from promcc's local CA) and `promcc run` in local mode over a clusters file naming
# them. Prints the Prometheus and metrics URLs, the clusters file and a query to try, then
# reports the guest clusters' targets as they come up. Edit the clusters file to add or remove
# clusters: their jobs follow live. Ctrl-C stops everything it started.
#
#     scripts/demo.sh
#
# Needs Java 17+ and Maven (fresh Debian 12: apt-get install openjdk-17-jdk-headless maven).
# The first run fetches Prometheus into .tools/ and builds promcc (a few minutes); later runs
# start at once. Working files (state, generated config, logs) go to .demo/ (git-ignored),
# emptied at each start and left after the end for a look at the logs.
#
# Environment:
#   PROMCC_DEMO_CLUSTERS         guest clusters in the file, 1 to 5 (default 2); one more runs
#                                as a spare to add
#   PROMCC_DEMO_PROMETHEUS_PORT  Prometheus' port if free (default 9090; 0: any free port)
#   PROMCC_DEMO_METRICS_PORT     promcc's /metrics port if free (default 9420; 0: any free port)
#   PROMCC_DEMO_DIR              working folder (default .demo)
#   PROMCC_BUILD                 auto (default), always or never: see scripts/harness-classpath.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

missing=()
for tool in java mvn; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "demo: missing ${missing[*]}; on Debian: apt-get install openjdk-17-jdk-headless maven" >&2
  exit 1
fi

bin=$(scripts/prometheus-tools.sh | tail -n 1)
classpath=$(scripts/harness-classpath.sh | tail -n 1)

# The launcher runs in a process group of its own (job control on for this one command): what
# it starts (Prometheus, promcc) stays in that group, so that it can be ended as a whole even if
# the launcher itself was killed, and a Ctrl-C reaches this script only, which then stops the
# launcher in order.
group=""
stop_all() {
  local status=$?
  trap 'kill -KILL -- "-$group" 2>/dev/null || true' INT
  trap '' TERM HUP
  if [ -n "$group" ]; then
    kill -TERM "$group" 2>/dev/null || true
    # the launcher stops promcc (SIGTERM: exit within 10 s), Prometheus and the guest clusters;
    # give it 30 s (a second Ctrl-C: at once), then end whatever is left of its group
    local waited=0 state
    while [ "$waited" -lt 300 ]; do
      state=$(sed 's/.*) //' "/proc/$group/stat" 2>/dev/null | cut -d' ' -f1 || true)
      if [ -z "$state" ] || [ "$state" = Z ]; then
        break
      fi
      sleep 0.1
      waited=$((waited + 1))
    done
    # first end what is left, so the wait that reaps the launcher returns at once
    kill -KILL -- "-$group" 2>/dev/null || true
    wait "$group" 2>/dev/null || true
  fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

set -m
# the classpath through the environment keeps the command line short (ps shows the options)
CLASSPATH="$classpath" java io.promcc.it.demo.Demo \
  --dir "${PROMCC_DEMO_DIR:-$root/.demo}" \
  --app-jar "$root/app/target/promcc.jar" \
  --prometheus "$bin/prometheus" \
  --clusters "${PROMCC_DEMO_CLUSTERS:-2}" \
  --prometheus-port "${PROMCC_DEMO_PROMETHEUS_PORT:-9090}" \
  --metrics-port "${PROMCC_DEMO_METRICS_PORT:-9420}" </dev/null &
group=$!
set +m
status=0
wait "$group" || status=$?
exit "$status"
