#!/usr/bin/env bash
# test-end-check.sh - checks by hand that a test run ended from outside leaves no process
# behind. Runs scripts/test.sh on one end-to-end test (CrashSafetyIT by default: it starts
# Prometheus and promcc run again and again) in a session of its own, ends it, then lists every
# process of that session still running a few seconds after scripts/test.sh has returned.
#
#     scripts/test-end-check.sh bound  [SECONDS] [extra maven arguments]
#     scripts/test-end-check.sh signal [SECONDS] [extra maven arguments]
#
# bound: the script's own bound ends the run (PROMCC_TEST_BOUND=SECONDS, default 60);
# signal: SIGTERM to scripts/test.sh after SECONDS (default 60), its bound left at an hour.
# Pick SECONDS so that the test has started its processes by then (a busy machine needs more).
# Maven runs on it-tests only (-pl it-tests), so the other modules must be installed in the
# Maven repository Maven is given (e.g. -o -Dmaven.repo.local=...). PROMCC_CHECK_IT names
# another test. Exit code 0 when nothing was left, 1 with the list otherwise (ended then).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: scripts/test-end-check.sh bound|signal [SECONDS] [maven arguments]}
shift
seconds=60
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
it=${PROMCC_CHECK_IT:-CrashSafetyIT}
log=$(mktemp)
args=(-pl it-tests -Dit.test="$it" -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false "$@")
case "$mode" in
  bound) PROMCC_TEST_BOUND=$seconds setsid -w scripts/test.sh "${args[@]}" >"$log" 2>&1 &
    ;;
  signal) PROMCC_TEST_BOUND=3600 setsid -w scripts/test.sh "${args[@]}" >"$log" 2>&1 &
    ;;
  *) echo "test-end-check: bound or signal, not $mode" >&2; exit 2 ;;
esac
pid=$!
# setsid forks (and, with -w, waits) when it leads a process group itself: the session is then
# its child's, the script's
own_session=$(ps -o sid= -p $$ | tr -d ' ')
script_pid=$pid
session=
for _ in $(seq 100); do
  session=$(ps -o sid= -p "$pid" | tr -d ' ')
  if [ "$session" = "$own_session" ]; then
    script_pid=$(pgrep -P "$pid" | head -n 1 || true)
    session=$( [ -n "$script_pid" ] && ps -o sid= -p "$script_pid" | tr -d ' ' || true)
  fi
  [ -n "$session" ] && [ "$session" != "$own_session" ] && break
  sleep 0.1
done
[ -n "$session" ] && [ "$session" != "$own_session" ] || {
  echo "test-end-check: scripts/test.sh did not start in a session of its own" >&2
  exit 2
}
echo "test-end-check: scripts/test.sh (session $session) on $it, ended by $mode after" \
  "$seconds s"
if [ "$mode" = signal ]; then
  # SECONDS from the start, however long each look takes on a busy machine
  while [ "$SECONDS" -lt "$seconds" ] && kill -0 "$script_pid" 2>/dev/null; do
    sleep 0.2
  done
  echo "test-end-check: sending SIGTERM to scripts/test.sh ($script_pid)"
  kill -TERM "$script_pid" 2>/dev/null || true
fi
# the script ends within its bound and the minute timeout gives Maven after a signal, plus
# the 30 s it gives what is left in Maven's group
wait "$pid" || true
echo "test-end-check: scripts/test.sh ended; its output's tail:"
tail -n 15 "$log" | sed 's/^/  | /'
rm -f "$log"
sleep 5
left=$(pgrep -a -s "$session" || true)
if [ -z "$left" ]; then
  echo "test-end-check: nothing left running in the session"
  exit 0
fi
echo "test-end-check: LEFT RUNNING in the session (now killed):"
echo "$left" | cut -c 1-200 | sed 's/^/  | /'
pkill -KILL -s "$session" || true
exit 1
