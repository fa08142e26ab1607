#!/usr/bin/env bash
# harness-classpath.sh - print the Java classpath of the end-to-end harness (module it-tests:
# the demo and the local-mode benchmark) as the LAST line of stdout, building first what is
# missing or older than its sources:
#
#     cp=$(scripts/harness-classpath.sh | tail -n 1)
#     java -cp "$cp" io.promcc.it.demo.Demo ...
#
# The build is `mvn -q -DskipTests package -pl it-tests -am` (core, the adapters, app's
# promcc.jar, it-tests; nothing is installed into ~/.m2). It is skipped when the classpath file
# the build writes (it-tests/target/harness.classpath) is newer than every pom.xml and every file
# under the modules' src/, and every entry of it exists. Progress goes to stderr.
#
# Environment:
#   PROMCC_BUILD   auto (default): build when needed; always; never: fail if not built
#   MVN_ARGS       extra Maven arguments, e.g. "-o" when offline
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

modules=(core prometheus-adapter kube-adapter vault-adapter app it-tests)
stamp=it-tests/target/harness.classpath

# stale: prints why a build is needed, or nothing
stale() {
  if [ ! -f "$stamp" ] || [ ! -f app/target/promcc.jar ]; then
    echo "not built yet"
    return
  fi
  local newer
  newer=$(find pom.xml "${modules[@]}" -path '*/target' -prune -o -type f \
    \( -name pom.xml -o -path '*/src/*' \) -newer "$stamp" -print -quit)
  if [ -n "$newer" ]; then
    echo "$newer changed since the last build"
    return
  fi
  local entry
  while IFS= read -r -d ':' entry; do
    if [ -n "$entry" ] && [ ! -e "$entry" ]; then
      echo "$entry is missing"
      return
    fi
  done < <(printf '%s:' "$(cat "$stamp")")
}

mode=${PROMCC_BUILD:-auto}
case "$mode" in
  auto|always|never) ;;
  *) echo "harness-classpath: PROMCC_BUILD must be auto, always or never, found \"$mode\"" >&2
     exit 2 ;;
esac
why=$(stale)
if [ "$mode" = always ] || { [ "$mode" = auto ] && [ -n "$why" ]; }; then
  echo "harness-classpath: building (${why:-as asked}): mvn -q -DskipTests package -pl it-tests -am" >&2
  # shellcheck disable=SC2086
  timeout --foreground 1800 mvn -B -ntp -q ${MVN_ARGS:-} -DskipTests package -pl it-tests -am >&2
elif [ -n "$why" ]; then
  echo "harness-classpath: not built ($why) and PROMCC_BUILD=never" >&2
  exit 1
fi
echo "$root/it-tests/target/classes:$(cat "$stamp")"
