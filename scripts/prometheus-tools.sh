#!/usr/bin/env bash
# prometheus-tools.sh - provide `prometheus` and `promtool` in a project-local
# tool cache and print the bin dir as the LAST line of stdout:
#
#     BIN=$(scripts/prometheus-tools.sh | tail -1)      # 2.53.3 (the default)
#     BIN3=$(scripts/prometheus-tools.sh 3 | tail -1)   # a 3.x of Debian testing or unstable
#     "$BIN/promtool" check config my.yml
#
# The argument picks the release line: `2` (the default) is 2.53.3 from
# Debian 13 ("trixie"), into .tools/prometheus-2.53.3/bin; `3` is a 3.x from
# Debian's testing suite ("forky"; 3.5.3, of the 3.5 LTS, when written) or,
# once testing has moved past 3.x or dropped it, from unstable ("sid"), into
# .tools/prometheus-3/bin, its Debian package version in
# .tools/prometheus-3/version.
#
# The release the tests run on for each line, which `promcc version` names as
# tested, is written down once, in
# app/src/main/resources/io/promcc/app/tested-prometheus.properties
# (prometheus.2=2.53.3, prometheus.3=3.5.3): line 2 fetches that release (its
# folder is named after it), line 3 takes it when a suite offers several and
# warns when the 3.x it fetches is another. A release other than the tested one
# taken from the download cache or found installed is warned about at every run.
#
# What is taken: for line 2, upstream 2.53.3 of any Debian revision (a trixie
# point update keeps it: 2.53.3+ds1-2 through trixie 13.8), or a later 2.53.x
# with a warning (the same LTS series); for line 3, any 3.x. A suite offering
# no such version, or a build without Kubernetes service discovery, is passed
# over, naming what it offers, and the next suite is tried.
#
# Download cache: the .deb files taken are kept, with their SHA-256 as the
# signed package index gives it, outside the clone in
#     ${PROMCC_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/promcc-tools}/<folder>/
# (<folder> as in .tools/). A clone without .tools/ installs from there with no
# network, after checking every cached file against the recorded SHA-256: a
# cache that changed, or that another user owns or group or others can write
# (its SHA256SUMS could be theirs), is refused, deleted and fetched again; one
# whose files match but whose tools do not unpack or run here fails (exit 1)
# and is kept. A cached version is kept once Debian has moved on (the 3.x keeps
# being tested); delete its folder to take what Debian offers now.
#
# Exit status: 0, the bin folder printed; 3 if no suite offers a version the
# line takes and none is cached (the ERROR line says what each suite offers;
# scripts/test.sh then skips the 3.x runs, loudly); 1 for any other failure
# (network, signature, a broken download, or a version the line takes offered
# whose .deb does not unpack or whose tools do not run here or report another
# version, even when the next suite then offers none); 2 for an unknown
# release line.
#
# Progress messages go to stderr. Safe to run repeatedly: once the tool cache
# is complete it exits at once without touching the network, after a cheap
# check that each tool runs `--version` and says the version installed; a
# folder that fails it (a tool deleted, truncated, not executable) is named in
# a WARNING and installed again. A run killed before its cleanup (SIGKILL)
# leaves hidden folders in the tool cache or the download cache (.<folder>.*,
# .refused.<folder>.*) and its work folder in $TMPDIR/prometheus-tools-<uid>/:
# the next run that installs deletes them when no other run is at work there
# (each holds a lock, .prometheus-tools.lock, meanwhile).
#
# Environment:
#   PROMETHEUS_BIN_DIR   (line 2) use this folder instead (must hold
#                        `prometheus` and `promtool`, version >= 2.43);
#                        nothing is downloaded.
#   PROMETHEUS3_BIN_DIR  (line 3) the same for a 3.x.
#   PROMCC_TOOLS_DIR     tool cache folder (default: <repo root>/.tools).
#   PROMCC_TOOLS_CACHE   download cache folder (see above).
#   PROMCC_DEBIAN_MIRROR Debian mirror URI to use instead of the one derived
#                        from /etc/apt/sources.list.d (rarely needed).
#   PROMCC_DEBIAN_SUITES (line 2) the suites to look in, in order, instead of
#                        "trixie"; PROMCC_DEBIAN_SUITES3 (line 3) instead of
#                        "forky sid" (for a renamed suite, or to try the
#                        fallback: PROMCC_DEBIAN_SUITES3="trixie forky").
#
# Why not Debian 12's own prometheus (2.42): it is built without Kubernetes
# service discovery; trixie's 2.53.3 and forky's 3.x have it (checked after
# unpacking: promtool must accept a kubernetes_sd_configs block). The
# binaries are Go, linked only against libc (>= 2.34; bookworm has 2.36), so
# the .debs are simply unpacked - their package dependencies are irrelevant
# here. promtool is its own binary package (same source, same version), so
# both `prometheus` and `promtool` are fetched.
#
# How: `apt-get update` / `apt-get download` with a completely separate apt
# configuration per suite (own sources file, lists dir, cache dir, empty
# status file, no preferences) living in a temp dir; the machine's /etc/apt
# and /var/lib/apt state are never modified. The mirror is the machine's own
# Debian entry (the one whose Suites contain `bookworm`), with the suites
# above and component `main`. No host name is hard-coded.
#
# Trust: the repository is NOT marked Trusted=yes, and a machine's apt settings
# that allow unsigned or weakly signed repositories or unauthenticated packages
# (Acquire::Allow*, APT::Get::AllowUnauthenticated) are overridden for the
# private apt configuration. apt verifies the suite's
# InRelease signature against the same keyring the machine uses for bookworm
# (its Signed-By, normally /usr/share/keyrings/debian-archive-keyring.gpg),
# then the Packages index hash and the .deb SHA256 as usual; the SHA-256 the
# index gives is compared with the file's once more and recorded for the
# download cache. This works on
# bookworm because debian-archive-keyring 2023.3+deb12u2 (a bookworm stable
# update) already carries the trixie archive and release keys, and trixie's
# InRelease is additionally signed with the bookworm archive key, so even an
# older bookworm keyring verifies it; forky's and sid's InRelease are signed
# with the bookworm and the trixie archive keys. If verification fails the
# script stops with an error instead of weakening the check.
set -euo pipefail

LINE=${1:-2}
COMPONENT=main

log() { printf 'prometheus-tools: %s\n' "$*" >&2; }
die() { printf 'prometheus-tools: ERROR: %s\n' "$*" >&2; exit 1; }
# none_offered: no suite offers what this line takes and nothing is cached (exit 3)
none_offered() { printf 'prometheus-tools: ERROR: %s\n' "$*" >&2; exit 3; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=prometheus-tools-installed.sh
. "$script_dir/prometheus-tools-installed.sh"

case "$LINE" in
    2)
        # wanted upstream version: the tested 2.x (app/.../tested-prometheus.properties)
        TESTED_VERSION=$(tested_version 2)
        PROM_VERSION=$TESTED_VERSION
        MIN_VERSION=2.43      # oldest acceptable in PROMETHEUS_BIN_DIR (the features we need)
        DEFAULT_SUITES=trixie
        SUITES_VAR=PROMCC_DEBIAN_SUITES
        CACHE_NAME=prometheus-$PROM_VERSION
        OVERRIDE_VAR=PROMETHEUS_BIN_DIR
        ;;
    3)
        PROM_VERSION=         # whichever 3.x the suites offer
        TESTED_VERSION=$(tested_version 3)   # preferred, and warned about when not offered
        MIN_VERSION=3.0
        DEFAULT_SUITES="forky sid"
        SUITES_VAR=PROMCC_DEBIAN_SUITES3
        CACHE_NAME=prometheus-3
        OVERRIDE_VAR=PROMETHEUS3_BIN_DIR
        ;;
    *)
        printf 'prometheus-tools: ERROR: unknown release line "%s"; usage: %s [2|3]\n' \
            "$LINE" "$0" >&2
        exit 2
        ;;
esac

# version_ge A B: true if A >= B (upstream versions like 2.53.3)
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# version_fits V: true if upstream version V is one this release line accepts
# from an own folder ($OVERRIDE_VAR)
version_fits() {
    version_ge "$1" "$MIN_VERSION" || return 1
    if [ "$LINE" = 3 ]; then [ "${1%%.*}" = 3 ]; fi
}
wanted() {
    if [ "$LINE" = 3 ]; then echo "3.x"; else echo ">= $MIN_VERSION"; fi
}
# fetch_fits V: true if upstream version V is one this line takes from Debian:
# line 2 the 2.53 series from 2.53.3 on, line 3 any 3.x
fetch_fits() {
    if [ "$LINE" = 3 ]; then [ "${1%%.*}" = 3 ]; return; fi
    [ "${1%.*}" = "${PROM_VERSION%.*}" ] && version_ge "$1" "$PROM_VERSION"
}
fetch_wanted() {
    if [ "$LINE" = 3 ]; then
        echo "3.x"
    else
        echo "$PROM_VERSION (or a later ${PROM_VERSION%.*}.x)"
    fi
}
# upstream_of PKGVER: the upstream version of a Debian version (1:2.53.3+ds1-2 -> 2.53.3)
upstream_of() { printf '%s\n' "$1" | sed -E 's/^[0-9]+://; s/[+~-].*//'; }

# version_in: the upstream version in the output of `prometheus --version` on stdin
version_in() { sed -n 's/^[a-z]*, version \([0-9][0-9.]*\).*/\1/p' | head -n1; }
# tool_version BIN: print upstream version from `BIN --version`
tool_version() { timeout -k 5 60 "$1" --version 2>&1 </dev/null | version_in; }

# ---------------------------------------------------------------- override
if [ -n "${!OVERRIDE_VAR:-}" ]; then
    dir=${!OVERRIDE_VAR}
    [ -d "$dir" ] || die "$OVERRIDE_VAR=$dir is not a directory"
    dir=$(cd "$dir" && pwd)
    for t in prometheus promtool; do
        [ -x "$dir/$t" ] || die "$OVERRIDE_VAR=$dir has no executable '$t'"
        v=$(tool_version "$dir/$t") || true
        [ -n "$v" ] || die "could not read the version of $dir/$t (does '$t --version' run?)"
        version_fits "$v" || die "$dir/$t is version $v; need $(wanted) (Kubernetes SD)"
    done
    log "using $OVERRIDE_VAR=$dir"
    printf '%s\n' "$dir"
    exit 0
fi

# ---------------------------------------------------------------- fast path
repo_root=$(cd "$script_dir/.." && pwd)
tools_dir=${PROMCC_TOOLS_DIR:-$repo_root/.tools}
dest=$tools_dir/$CACHE_NAME
bin=$dest/bin
stamp=$dest/.complete

if [ -f "$stamp" ]; then
    problem=$(install_problem)
    if [ -z "$problem" ]; then
        warn_if_untested "$(sed -n 's/^package_version=//p' "$stamp")"
        printf '%s\n' "$bin"
        exit 0
    fi
    log "WARNING: $dest is installed but $problem; installing it again"
fi

# ---------------------------------------------------------------- slow path
for c in dpkg-deb sha256sum; do
    command -v "$c" >/dev/null 2>&1 \
        || die "'$c' not found: this script needs a Debian-based system. Elsewhere, install Prometheus $(wanted) yourself and set $OVERRIDE_VAR to its bin folder."
done
read -r -a SUITES <<< "${!SUITES_VAR:-$DEFAULT_SUITES}"
[ ${#SUITES[@]} -gt 0 ] || die "$SUITES_VAR names no suite"

mkdir -p "$tools_dir"
tools_dir=$(cd "$tools_dir" && pwd)
dest=$tools_dir/$CACHE_NAME
bin=$dest/bin
stamp=$dest/.complete
# the stage folders (.$CACHE_NAME.XXXXXX) of runs killed before their cleanup
hold_and_sweep "$tools_dir" ".$CACHE_NAME.*"
# an installed folder that failed its check above: moved aside whole (a concurrent run never
# sees it half deleted), unless another run has installed it again since
if [ -f "$stamp" ]; then
    if [ -z "$(install_problem)" ]; then
        log "$dest was installed again by another run"
        printf '%s\n' "$bin"
        exit 0
    fi
    aside=$(mktemp -u "$tools_dir/.$CACHE_NAME.broken.XXXXXX")
    if mv -T "$dest" "$aside" 2>/dev/null; then rm -rf "$aside"; fi
    [ ! -f "$stamp" ] || die "could not move the broken $dest out of the way"
fi

if [ -n "${PROMCC_TOOLS_CACHE:-}" ]; then
    cache_root=$PROMCC_TOOLS_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    cache_root=$XDG_CACHE_HOME/promcc-tools
elif [ -n "${HOME:-}" ]; then
    cache_root=$HOME/.cache/promcc-tools
else
    cache_root=
fi
cache_dir=${cache_root:+$cache_root/$CACHE_NAME}

# the private apt state and the unpacked packages: under $TMPDIR, which apt's unprivileged
# _apt download user can traverse (a home folder holding the clone may not be), in a folder of
# this user's where the work folders of killed runs are swept as above
tmp_root=${TMPDIR:-/tmp}/prometheus-tools-$(id -u)
if mkdir -p -m 0755 "$tmp_root" 2>/dev/null && [ ! -L "$tmp_root" ] && [ -O "$tmp_root" ]; then
    hold_and_sweep "$tmp_root" "work.*"
    work=$(mktemp -d "$tmp_root/work.XXXXXX")
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/prometheus-tools.XXXXXX")   # someone else's: not swept
fi
chmod 0755 "$work"   # apt's unprivileged _apt download user must traverse it
stage=
cleanup() {
    rm -rf "$work"
    if [ -n "$stage" ]; then rm -rf "$stage"; fi
}
trap cleanup EXIT
discard_stage() {
    if [ -n "$stage" ]; then rm -rf "$stage"; fi
    stage=
}

# --- unpack, check and publish ----------------------------------------------
# unpack_and_check DEBS PKGVER FROM: unpack the .debs in folder DEBS into a new
# stage folder and check the tools there: they run, report a version this line
# takes, and promtool accepts kubernetes_sd_configs. Sets $refusal to why not,
# or to nothing if they pass (it returns 0 either way, so that set -e holds
# inside it), and $refusal_broken to 1 if the files are broken or the tools do
# not run here (a failure, never read as "none offered"), else to nothing.
refusal=
refusal_broken=
# broken WHY: refuse the files unpack_and_check checks as broken or not running here
broken() { refusal=$1; refusal_broken=1; }
unpack_and_check() {
    local debs=$1 pkgver=$2 from=$3 root deb t v vv sd
    refusal=
    refusal_broken=
    root=$(mktemp -d "$work/root.XXXXXX")
    for deb in "$debs"/*.deb; do
        [ -e "$deb" ] || { broken "$debs holds no .deb file"; return 0; }
        if ! dpkg-deb -x "$deb" "$root" 2>"$work/dpkg.err"; then
            broken "$deb cannot be unpacked: $(head -n1 "$work/dpkg.err")"
            return 0
        fi
    done
    stage=$(mktemp -d "$tools_dir/.$CACHE_NAME.XXXXXX")
    chmod 0755 "$stage"
    mkdir -p "$stage/bin" "$stage/share/doc"
    for t in prometheus promtool; do
        if [ ! -f "$root/usr/bin/$t" ]; then
            broken "prometheus $pkgver ($from) has no usr/bin/$t"
            return 0
        fi
        install -m 0755 "$root/usr/bin/$t" "$stage/bin/$t"
        if ! v=$(timeout -k 5 60 "$stage/bin/$t" --version 2>&1 </dev/null | head -n1); then
            broken "$t $pkgver ($from) does not run on this machine: $v"
            return 0
        fi
        log "$v"
        vv=$(printf '%s\n' "$v" | version_in)   # not run again: a second run could fail
        if ! fetch_fits "$vv"; then
            broken "$t $pkgver ($from) reports version '$vv'; need $(fetch_wanted)"
            return 0
        fi
        if [ -d "$root/usr/share/doc/$t" ]; then
            cp -r "$root/usr/share/doc/$t" "$stage/share/doc/$t"   # copyright/licence
        fi
    done
    # A build without Kubernetes service discovery (as Debian 12's 2.42 is) has a
    # promtool that refuses a kubernetes_sd_configs block; promcc's jobs use them.
    cat > "$work/kubernetes-sd.yml" <<'EOF'
scrape_configs:
  - job_name: kubernetes-sd-probe
    kubernetes_sd_configs:
      - role: pod
        api_server: https://127.0.0.1:6443
EOF
    if ! sd=$(timeout -k 5 60 "$stage/bin/promtool" check config --syntax-only \
            "$work/kubernetes-sd.yml" 2>&1 </dev/null); then
        printf '%s\n' "$sd" | sed 's/^/prometheus-tools: promtool: /' >&2
        refusal="prometheus $pkgver ($from) lacks Kubernetes service discovery: its promtool"
        refusal+=" refuses kubernetes_sd_configs"
        return 0
    fi
    printf '%s\n' "$pkgver" > "$stage/version"
    printf 'package_version=%s\nsource=%s\n' "$pkgver" "$from" > "$stage/.complete"
}

# publish: move the checked stage folder into place, print its bin folder, exit 0.
# Atomic; if a concurrent run finished first, keep its result.
publish() {
    if [ ! -f "$stamp" ]; then
        rm -rf "$dest"    # leftover of an incomplete install
        if mv -T "$stage" "$dest" 2>/dev/null; then
            stage=
        elif [ ! -f "$stamp" ]; then
            die "could not move $stage to $dest"
        fi
    fi
    [ -f "$stamp" ] || die "internal error: $stamp missing after install"
    log "installed into $bin"
    printf '%s\n' "$bin"
    exit 0
}

# shellcheck source=prometheus-tools-cache.sh
. "$script_dir/prometheus-tools-cache.sh"
# the folders of runs killed before their cleanup: a copy being kept, a refused copy being deleted
if [ -n "$cache_root" ] && mkdir -p "$cache_root" 2>/dev/null; then
    hold_and_sweep "$cache_root" ".$CACHE_NAME.*" ".refused.$CACHE_NAME.*"
fi
install_from_cache   # returns only if there is no usable cache

# shellcheck source=prometheus-tools-apt.sh
. "$script_dir/prometheus-tools-apt.sh"
offered=()   # why each suite's prometheus was not taken, for the refusal
offer_broken=   # set if a suite's offer was broken or did not run here
for suite in "${SUITES[@]}"; do
    fetch_from_suite "$suite"   # exits, the bin folder printed, once one is taken
    offered+=("$refusal")
    if [ -n "$refusal_broken" ]; then offer_broken=1; fi
done
# a version offered that fails here is a failure, not "none offered" (exit 3, a skip)
if [ -n "$offer_broken" ]; then
    die "prometheus $(fetch_wanted) is offered but failed its checks here:" \
        "$(printf '%s; ' "${offered[@]}" | sed 's/; $//')"
fi
none_offered "no prometheus $(fetch_wanted) with Kubernetes service discovery to be had:" \
    "$(printf '%s; ' "${offered[@]}")and none in the download cache" \
    "${cache_dir:-(none: HOME is not set)}. Set $OVERRIDE_VAR to the bin folder of one, or" \
    "$SUITES_VAR to the suites to look in."
