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
# SecurityIT traces the controller's system calls to prove key files are 0600 from their creation
if ! command -v strace >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing strace (SecurityIT traces the controller's file calls)" >&2
    install_strace() { apt-get install -y -qq --no-install-recommends strace >/dev/null 2>&1; }
    install_strace || { apt-get update -qq >/dev/null 2>&1 && install_strace; } \
      || echo "test.sh: could not install strace; SecurityIT's trace test will say so" >&2
  else
    echo "test.sh: strace is missing; SecurityIT's trace test is skipped (fails when CI=true)" >&2
  fi
fi
exec mvn -B -ntp verify "$@"
