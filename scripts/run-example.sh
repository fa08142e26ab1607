#!/usr/bin/env bash
# Builds promcc and renders the example clusters (examples/) with throwaway certificates into
# target/example/out, then has promtool 2.53.3 check the result.
#
#   scripts/run-example.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(scripts/prometheus-tools.sh | tail -n 1)
# every step bounded: a build, then two short commands
timeout --foreground 1800 mvn -B -ntp -q -DskipTests package -pl app -am
work=target/example
rm -rf "$work"
mkdir -p "$work"
scripts/example-certs.sh examples/clusters.yml "$work/certs" >/dev/null
timeout --foreground 120 java -jar app/target/promcc.jar render \
  --clusters examples/clusters.yml \
  --base-config examples/base-config.yml \
  --cert-dir "$work/certs" \
  --out "$work/out"
timeout --foreground 120 "$bin/promtool" check config "$work/out/prometheus.yml"
