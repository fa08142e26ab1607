#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian 12 machine with Java 17+ and Maven:
# fetches prometheus/promtool 2.53.3 and 3.x into .tools/ (from the download cache outside the
# clone when it holds them, see scripts/prometheus-tools.sh), then builds and runs unit tests
# (surefire) and integration tests (failsafe) of every module, prometheus-adapter's ITs and
# it-tests' LocalModeIT once on each version.
#
# When Debian offers no 3.x any more (testing and unstable moved on) and none is cached, the
# runs on 3.x are skipped, never silently: a warning before and after Maven says so and why,
# and Maven reports those tests as skipped (-Dpromcc.tools3.skipped=<why>), CI or not. Any
# other failure to fetch fails.
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
# the 3.x: its fetch's messages are shown as they come and kept, for the reason of a skip
tools3_log=$(mktemp)
trap 'rm -f "$tools3_log"' EXIT
tools3_args=()
tools3_skipped=
if tools3_bin=$( { scripts/prometheus-tools.sh 3 2>&1 1>&3 | tee "$tools3_log" >&2; } 3>&1 )
then
  tools3_args=(-Dpromcc.tools3.dir="$tools3_bin")
else
  status=$?
  # 3: no suite offers a 3.x and none is cached; anything else (network, signature) fails
  [ "$status" = 3 ] || exit "$status"
  tools3_skipped=$(sed -n 's/^prometheus-tools: ERROR: //p' "$tools3_log" | tail -n 1)
  tools3_args=(-Dpromcc.tools3.skipped="${tools3_skipped:-no Prometheus 3.x to be had}")
fi
warn_tools3_skipped() {
  [ -n "$tools3_skipped" ] || return 0
  {
    echo "test.sh: ############################################################################"
    echo "test.sh: WARNING: the runs on Prometheus 3.x are SKIPPED: $tools3_skipped"
    echo "test.sh: (prometheus-adapter's ITs *-prometheus-3 and LocalModeIT's 3.x case are reported"
    echo "test.sh: skipped.) Put a 3.x into the download cache, or set PROMETHEUS3_BIN_DIR."
    echo "test.sh: ############################################################################"
  } >&2
}
warn_tools3_skipped
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
# bounded as a whole too (each test fork is, in the pom); a full run takes about 20 minutes.
# Maven runs in a process group of its own (timeout's, which is not --foreground), so that the
# bound, and SIGTERM, SIGINT (Ctrl-C) or SIGHUP to this script, end everything the tests started
# with it (the test JVMs, Prometheus, promcc run), not Maven alone: timeout sends SIGTERM to the
# group, SIGKILL a minute later if Maven still runs; once Maven has ended, what still runs in the
# group gets SIGTERM, and SIGKILL after 30 s (scripts/end-process-group.sh). PROMCC_TEST_BOUND
# sets the bound (s, 3600).
bound=${PROMCC_TEST_BOUND:-3600}
status=0
timeout --kill-after=60 "$bound" mvn -B -ntp verify -Dpromcc.tools.dir="$tools_bin" \
  "${tools3_args[@]}" "$@" &
group=$!
# a signal to this script: timeout passes SIGTERM on to its group
signalled=
trap 'signalled=1; kill -TERM "$group" 2>/dev/null || true' TERM INT HUP
# a trap ends wait early (status over 128): wait again, timeout ends within a minute of a signal
while :; do
  status=0
  wait "$group" || status=$?
  [ "$status" -gt 128 ] && [ -n "$signalled" ] && kill -0 "$group" 2>/dev/null || break
done
# what still runs in the group (a zombie is named, not waited for): SIGTERM, SIGKILL after 30 s
scripts/end-process-group.sh "$group"
warn_tools3_skipped
exit "$status"
