#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian 12 machine with Java 17+ and Maven:
# fetches prometheus/promtool 2.53.3 into .tools/ (cached), then builds and runs unit tests
# (surefire) and integration tests (failsafe) of every module.
#
#   scripts/test.sh [extra maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for tool in java mvn apt-get dpkg-deb; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: missing ${missing[*]}; on Debian: apt-get install openjdk-17-jdk-headless maven" >&2
  exit 1
fi
scripts/prometheus-tools.sh >/dev/null
exec mvn -B -ntp verify "$@"
