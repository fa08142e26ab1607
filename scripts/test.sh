#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian 12 machine with Java 17+ and Maven:
# fetches prometheus/promtool 2.53.3 and 3.x into .tools/ (cached), then builds and runs unit
# tests (surefire) and integration tests (failsafe) of every module, prometheus-adapter's ITs
# once on each version.
#
#   scripts/test.sh [extra maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
# apt-get and dpkg-deb only where prometheus-tools.sh downloads (it checks them there)
for tool in java mvn; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: missing ${missing[*]}; on Debian: apt-get install openjdk-17-jdk-headless maven" >&2
  exit 1
fi
# the folder the tools are in (PROMCC_TOOLS_DIR or PROMETHEUS_BIN_DIR may place them elsewhere)
tools_bin=$(scripts/prometheus-tools.sh)
tools3_bin=$(scripts/prometheus-tools.sh 3)
# SecurityIT traces the controller's system calls to prove key files are 0600 from their creation
if ! command -v strace >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing strace (SecurityIT traces the controller's file calls)" >&2
    apt_log=$(mktemp)
    install_strace() {
      timeout 600 apt-get install -y -qq --no-install-recommends strace >"$apt_log" 2>&1
    }
    if ! install_strace && ! { timeout 600 apt-get update -qq >>"$apt_log" 2>&1 && install_strace; }
    then
      sed 's/^/test.sh: apt-get: /' "$apt_log" >&2
      echo "test.sh: could not install strace (see above); SecurityIT's trace test will say so" >&2
    fi
    rm -f "$apt_log"
  else
    echo "test.sh: strace is missing; SecurityIT's trace test is skipped (fails when CI=true)" >&2
  fi
fi
# bounded as a whole too (each test fork is, in the pom); a full run takes about 17 minutes;
# in the foreground, so that a Ctrl-C still reaches Maven
exec timeout --foreground --kill-after=60 3600 mvn -B -ntp verify -Dpromcc.tools.dir="$tools_bin" \
  -Dpromcc.tools3.dir="$tools3_bin" "$@"
