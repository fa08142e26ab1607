#!/usr/bin/env bash
# Ends what still runs in a process group whose leader has ended (scripts/test.sh runs it on
# Maven's group once Maven has ended): lists each process that runs, sends SIGTERM to the group,
# and SIGKILL after GRACE seconds (30) if one still runs.
#
# A zombie is not listed among what runs, nor waited for: it has ended already, and it stays in
# the process table until its parent reaps it (or, once the parent has ended too, init or a
# subreaper does); no signal can end it. Each zombie seen is named once, with its parent.
#
#     scripts/end-process-group.sh GROUP [GRACE]
set -uo pipefail
group=${1:?usage: scripts/end-process-group.sh GROUP [GRACE]}
grace=${2:-30}
if ! [[ $group =~ ^[1-9][0-9]*$ && $grace =~ ^[0-9]+$ ]]; then
  echo "end-process-group: GROUP is a process group id and GRACE seconds, not $group $grace" >&2
  exit 2
fi
# "PID (parent PPID) STATE COMMAND" of each process of the group; zombies with STATE Z
members() {
  ps -A -o pid=,ppid=,pgid=,stat=,args= |
    awk -v g="$group" '$3 == g { printf "%s (parent %s) %s", $1, $2, $4;
      for (i = 5; i <= NF; i++) printf " %s", $i; print "" }'
}
# "PID COMMAND" of each process of the group that runs (is not a zombie)
running() {
  members | awk '$4 !~ /^Z/ { printf "%s", $1; for (i = 5; i <= NF; i++) printf " %s", $i;
    print "" }'
}
zombies=$(members | awk '$4 ~ /^Z/')
if [ -n "$zombies" ]; then
  echo "end-process-group: zombies in process group $group (ended, not yet reaped by their" \
    "parent: nothing to end):" >&2
  echo "$zombies" | sed 's/^/end-process-group: zombie /' | cut -c 1-200 >&2
fi
left=$(running)
[ -n "$left" ] || exit 0
echo "end-process-group: processes still running in process group $group, ended now:" >&2
echo "$left" | cut -c 1-200 >&2
kill -TERM -- "-$group" 2>/dev/null || true
until=$((SECONDS + grace))
while [ "$SECONDS" -lt "$until" ]; do
  [ -n "$(running)" ] || exit 0
  sleep 0.2
done
echo "end-process-group: still running after $grace s, sent SIGKILL:" >&2
running | cut -c 1-200 >&2
kill -KILL -- "-$group" 2>/dev/null || true
