#!/usr/bin/env bash
# bench-yaml.sh - reading a base config (BaseConfig.parse) by this code and by an earlier commit's
# core, side by side in one JVM (io.promcc.bench.YamlReadingSideBySide; docs/benchmarks.md):
# bytes allocated per character of input and the median time, rounds alternating. Builds first;
# output on stdout and in bench/target/bench-results/yaml.txt.
#
# Usage: scripts/bench-yaml.sh BEFORE_COMMIT [ROUNDS]
# Run it on a quiet machine: times taken while other work runs are not worth keeping (the bytes
# allocated are).
# Environment:
#   MVN_ARGS     extra Maven arguments, e.g. "-o" when offline
#   JAVA_OPTS    JVM options of the harness (default -Xmx2g)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
before=${1:?usage: scripts/bench-yaml.sh BEFORE_COMMIT [ROUNDS]}
rounds=${2:-7}

echo "== start $(date -u +%FT%TZ): $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build (mvn -pl bench -am package, tests skipped)"
# shellcheck disable=SC2086
timeout --foreground 1800 mvn -q ${MVN_ARGS:-} -pl bench -am package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086
timeout --foreground 600 mvn -q ${MVN_ARGS:-} -pl core org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/deps"
deps=$(cat "$work/deps")
echo "== compile core of $before"
git archive "$before" core/src/main/java | tar -x -C "$work"
mkdir -p "$work/classes"
find "$work/core/src/main/java" -name '*.java' > "$work/sources"
timeout --foreground 600 javac -nowarn -proc:none -d "$work/classes" -cp "$deps" @"$work/sources"
out=bench/target/bench-results
mkdir -p "$out"
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx2g} -cp bench/target/benchmarks.jar io.promcc.bench.YamlReadingSideBySide \
    "$work/classes:$deps" "core/target/classes:$deps" "$rounds" | tee "$out/yaml.txt"
echo "== end: ${SECONDS} s after start; load average $(cut -d' ' -f1-3 /proc/loadavg)"
