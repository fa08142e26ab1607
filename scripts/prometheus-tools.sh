#!/usr/bin/env bash
# prometheus-tools.sh - provide `prometheus` and `promtool` in a project-local
# tool cache and print the bin dir as the LAST line of stdout:
#
#     BIN=$(scripts/prometheus-tools.sh | tail -1)      # 2.53.3 (the default)
#     BIN3=$(scripts/prometheus-tools.sh 3 | tail -1)   # the 3.x of Debian testing
#     "$BIN/promtool" check config my.yml
#
# The argument picks the release line: `2` (the default) is 2.53.3 from
# Debian 13 ("trixie"), into .tools/prometheus-2.53.3/bin; `3` is the 3.x of
# Debian's testing suite ("forky"; 3.5.3, of the 3.5 LTS, when written), into
# .tools/prometheus-3/bin, its Debian package version in
# .tools/prometheus-3/version. A suite offering another major version, or a
# build without Kubernetes service discovery, is refused, naming the version.
#
# Progress messages go to stderr. Safe to run repeatedly: once the cache is
# complete it exits immediately without touching the network.
#
# Environment:
#   PROMETHEUS_BIN_DIR   (line 2) use this folder instead (must hold
#                        `prometheus` and `promtool`, version >= 2.43);
#                        nothing is downloaded.
#   PROMETHEUS3_BIN_DIR  (line 3) the same for a 3.x.
#   PROMCC_TOOLS_DIR     tool cache folder (default: <repo root>/.tools).
#   PROMCC_DEBIAN_MIRROR Debian mirror URI to use instead of the one derived
#                        from /etc/apt/sources.list.d (rarely needed).
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
# configuration (own sources file, lists dir, cache dir, empty status file,
# no preferences) living in a temp dir; the machine's /etc/apt and
# /var/lib/apt state are never modified. The mirror is the machine's own
# Debian entry (the one whose Suites contain `bookworm`), with suite `trixie`
# or `forky` and component `main`. No host name is hard-coded.
#
# Trust: the repository is NOT marked Trusted=yes. apt verifies the suite's
# InRelease signature against the same keyring the machine uses for bookworm
# (its Signed-By, normally /usr/share/keyrings/debian-archive-keyring.gpg),
# then the Packages index hash and the .deb SHA256 as usual. This works on
# bookworm because debian-archive-keyring 2023.3+deb12u2 (a bookworm stable
# update) already carries the trixie archive and release keys, and trixie's
# InRelease is additionally signed with the bookworm archive key, so even an
# older bookworm keyring verifies it; forky's InRelease is signed with the
# bookworm and the trixie archive keys. If verification fails the script
# stops with an error instead of weakening the check.
set -euo pipefail

LINE=${1:-2}
COMPONENT=main
case "$LINE" in
    2)
        PROM_VERSION=2.53.3   # wanted upstream version
        MIN_VERSION=2.43      # oldest acceptable (first with the features we need)
        SUITE=trixie
        CACHE_NAME=prometheus-$PROM_VERSION
        OVERRIDE_VAR=PROMETHEUS_BIN_DIR
        ;;
    3)
        PROM_VERSION=         # whichever 3.x the suite offers
        MIN_VERSION=3.0
        SUITE=forky
        CACHE_NAME=prometheus-3
        OVERRIDE_VAR=PROMETHEUS3_BIN_DIR
        ;;
    *)
        printf 'prometheus-tools: ERROR: unknown release line "%s"; usage: %s [2|3]\n' \
            "$LINE" "$0" >&2
        exit 2
        ;;
esac

log() { printf 'prometheus-tools: %s\n' "$*" >&2; }
die() { printf 'prometheus-tools: ERROR: %s\n' "$*" >&2; exit 1; }

# version_ge A B: true if A >= B (upstream versions like 2.53.3)
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# version_fits V: true if upstream version V is one this release line accepts
version_fits() {
    version_ge "$1" "$MIN_VERSION" || return 1
    if [ "$LINE" = 3 ]; then [ "${1%%.*}" = 3 ]; fi
}
wanted() {
    if [ "$LINE" = 3 ]; then echo "3.x"; else echo ">= $MIN_VERSION"; fi
}

# tool_version BIN: print upstream version from `BIN --version`
tool_version() {
    timeout 60 "$1" --version 2>&1 | sed -n 's/^[a-z]*, version \([0-9][0-9.]*\).*/\1/p' | head -n1
}

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
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
tools_dir=${PROMCC_TOOLS_DIR:-$repo_root/.tools}
dest=$tools_dir/$CACHE_NAME
bin=$dest/bin
stamp=$dest/.complete

if [ -f "$stamp" ] && [ -x "$bin/prometheus" ] && [ -x "$bin/promtool" ]; then
    printf '%s\n' "$bin"
    exit 0
fi

# ---------------------------------------------------------------- slow path
for c in apt-get apt-cache dpkg-deb; do
    command -v "$c" >/dev/null 2>&1 \
        || die "'$c' not found: this script needs a Debian-based system. Elsewhere, install Prometheus $(wanted) yourself and set $OVERRIDE_VAR to its bin folder."
done

mkdir -p "$tools_dir"
tools_dir=$(cd "$tools_dir" && pwd)
dest=$tools_dir/$CACHE_NAME
bin=$dest/bin
stamp=$dest/.complete

work=$(mktemp -d "${TMPDIR:-/tmp}/prometheus-tools.XXXXXX")
chmod 0755 "$work"   # apt's unprivileged _apt download user must traverse it
stage=
cleanup() {
    rm -rf "$work"
    if [ -n "$stage" ]; then rm -rf "$stage"; fi
}
trap cleanup EXIT

# --- find the machine's Debian bookworm mirror entry ----------------------
# Prints "URI<TAB>KEYRING" lines (KEYRING may be empty) for each entry of type
# `deb` whose suites include exactly `bookworm` (not -updates/-security).
find_mirrors() {
    local f
    shopt -s nullglob
    for f in /etc/apt/sources.list.d/*.sources; do
        awk '
            function flush(   n, i, u, s, t, ok, key) {
                if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no") {
                    ok = 0; n = split(suites, s, " ")
                    for (i = 1; i <= n; i++) if (s[i] == "bookworm") ok = 1
                    key = ""; if (signedby ~ /^\//) { split(signedby, t, " "); key = t[1] }
                    if (ok) { n = split(uris, u, " "); for (i = 1; i <= n; i++) print u[i] "\t" key }
                }
                types = suites = uris = signedby = enabled = ""; field = ""
            }
            /^#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]/ { next }                  # continuation line (e.g. inline key)
            {
                field = tolower($0); sub(/:.*/, "", field)
                val = $0; sub(/^[^:]*:[ \t]*/, "", val); gsub(/\t/, " ", val)
                if (field == "types") types = val
                else if (field == "suites") suites = val
                else if (field == "uris") uris = val
                else if (field == "signed-by") signedby = val
                else if (field == "enabled") enabled = val
            }
            END { flush() }
        ' "$f"
    done
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
        [ -f "$f" ] || continue
        awk '
            /^[ \t]*deb[ \t]/ {
                line = $0; sub(/#.*/, "", line); key = ""
                if (match(line, /\[[^]]*\]/)) {
                    opts = substr(line, RSTART + 1, RLENGTH - 2)
                    line = substr(line, 1, RSTART - 1) " " substr(line, RSTART + RLENGTH)
                    n = split(opts, o, " ")
                    for (i = 1; i <= n; i++) if (o[i] ~ /^signed-by=\//) { key = o[i]; sub(/^signed-by=/, "", key) }
                }
                n = split(line, w, " ")
                if (n >= 3 && w[3] == "bookworm") print w[2] "\t" key
            }
        ' "$f"
    done
    shopt -u nullglob
}

if [ -n "${PROMCC_DEBIAN_MIRROR:-}" ]; then
    mirror=$PROMCC_DEBIAN_MIRROR
    keyring=
else
    entry=$(find_mirrors | grep -v '^cdrom:' | head -n1 || true)
    [ -n "$entry" ] || die "no Debian 'bookworm' entry found in /etc/apt/sources.list.d (or /etc/apt/sources.list); cannot derive a mirror. Set PROMCC_DEBIAN_MIRROR to a Debian mirror URI, or $OVERRIDE_VAR to an existing Prometheus $(wanted)."
    mirror=${entry%%$'\t'*}
    keyring=${entry#*$'\t'}
fi
mirror=${mirror%/}
if [ -z "$keyring" ] && [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
fi
if [ -n "$keyring" ] && [ ! -r "$keyring" ]; then
    die "keyring $keyring (Signed-By of the bookworm entry) is not readable"
fi
log "mirror: $mirror (suite $SUITE, component $COMPONENT)${keyring:+, keyring $keyring}"

# --- separate apt configuration ------------------------------------------
mkdir -p "$work/etc/preferences.d" "$work/lists/partial" "$work/cache/archives/partial" "$work/dl"
: > "$work/status"
{
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\n' "$mirror" "$SUITE" "$COMPONENT"
    if [ -n "$keyring" ]; then printf 'Signed-By: %s\n' "$keyring"; fi
} > "$work/etc/$SUITE.sources"
# Passed with -c, so it is read after /etc/apt/apt.conf.d (whose proxy and
# similar settings still apply); the #clear lines stop the machine's
# update hooks (PackageKit, appstream, ...) from firing on our private update.
cat > "$work/apt.conf" <<EOF
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
Dir::Etc::sourcelist "$work/etc/$SUITE.sources";
Dir::Etc::sourceparts "-";
Dir::Etc::preferences "$work/etc/preferences";
Dir::Etc::preferencesparts "$work/etc/preferences.d";
Dir::State "$work";
Dir::State::Lists "$work/lists";
Dir::State::status "$work/status";
Dir::State::extended_states "$work/extended_states";
Dir::Cache "$work/cache";
Dir::Cache::archives "$work/cache/archives";
Dir::Cache::pkgcache "$work/cache/pkgcache.bin";
Dir::Cache::srcpkgcache "$work/cache/srcpkgcache.bin";
APT::Default-Release "";
EOF
# As root, apt downloads as the unprivileged user _apt; let it write there.
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
    chown -R _apt "$work/lists/partial" "$work/cache/archives/partial" "$work/dl"
fi
apt_opts=(-c "$work/apt.conf" -q)
# every apt call is bounded (apt's own timeouts are per connection, not per command)
APT_TIMEOUT=${APT_TIMEOUT:-600}
apt-get() { timeout "$APT_TIMEOUT" apt-get "$@"; }
apt-cache() { timeout 120 apt-cache "$@"; }
show_warnings() { grep -E '^(W|E):' "$1" | sed 's/^/prometheus-tools: apt: /' >&2 || true; }

log "fetching the $SUITE package index into a private apt state ($work) ..."
if ! apt-get "${apt_opts[@]}" --error-on=any update </dev/null >"$work/update.log" 2>&1; then
    cat "$work/update.log" >&2
    die "apt-get update of $mirror $SUITE failed (see above). If it is a signature (NO_PUBKEY) error, the machine's Debian keyring lacks the $SUITE keys: upgrade debian-archive-keyring from bookworm (2023.3+deb12u2 or later)."
fi
show_warnings "$work/update.log"

# --- choose the version ----------------------------------------------------
# apt-cache's failures (a timeout says nothing) are named here: set -e alone would end silently
madison() {
    apt-cache "${apt_opts[@]}" madison "$1" </dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}'
}
versions=$(madison prometheus) \
    || die "apt-cache madison prometheus failed or timed out (exit $?) on the $SUITE index"
[ -n "$versions" ] || die "package 'prometheus' not found in $mirror $SUITE/$COMPONENT"
pkgver=
if [ -n "$PROM_VERSION" ]; then
    pkgver=$(printf '%s\n' "$versions" | grep -E "^([0-9]+:)?${PROM_VERSION//./\\.}([+~-]|$)" | head -n1 || true)
fi
if [ -z "$pkgver" ]; then
    pkgver=$(apt-cache "${apt_opts[@]}" policy prometheus </dev/null | awk '/Candidate:/ {print $2}') \
        || die "apt-cache policy prometheus failed or timed out (exit $?) on the $SUITE index"
    upstream=$(printf '%s\n' "$pkgver" | sed -E 's/^[0-9]+://; s/[+~-].*//')
    version_fits "$upstream" \
        || die "$SUITE offers prometheus $pkgver${PROM_VERSION:+, not $PROM_VERSION}; need $(wanted)"
    if [ -n "$PROM_VERSION" ]; then
        log "WARNING: $SUITE offers prometheus $pkgver, not $PROM_VERSION; using it anyway (>= $MIN_VERSION). The cache folder is still named $CACHE_NAME."
    fi
fi
pkgs=("prometheus=$pkgver")
# trixie and forky ship promtool as a separate binary package of the same source
promtool_versions=$(madison promtool) \
    || die "apt-cache madison promtool failed or timed out (exit $?) on the $SUITE index"
if printf '%s\n' "$promtool_versions" | grep -qxF "$pkgver"; then
    pkgs+=("promtool=$pkgver")
fi

log "downloading ${pkgs[*]} ..."
if ! (cd "$work/dl" && apt-get "${apt_opts[@]}" download "${pkgs[@]}" </dev/null >"$work/download.log" 2>&1); then
    cat "$work/download.log" >&2
    die "apt-get download ${pkgs[*]} failed (see above)"
fi
show_warnings "$work/download.log"

# --- unpack and install into the cache -------------------------------------
mkdir -p "$work/root"
for deb in "$work"/dl/*.deb; do
    dpkg-deb -x "$deb" "$work/root"
done
stage=$(mktemp -d "$tools_dir/.$CACHE_NAME.XXXXXX")
chmod 0755 "$stage"
mkdir -p "$stage/bin" "$stage/share/doc"
for t in prometheus promtool; do
    [ -f "$work/root/usr/bin/$t" ] || die "the downloaded package(s) contain no usr/bin/$t"
    install -m 0755 "$work/root/usr/bin/$t" "$stage/bin/$t"
    v=$(timeout 60 "$stage/bin/$t" --version 2>&1 | head -n1) \
        || die "$t from $SUITE does not run on this machine: $v"
    log "$v"
    vv=$(tool_version "$stage/bin/$t")
    version_fits "$vv" || die "$t from $SUITE ($pkgver) reports version '$vv', need $(wanted)"
    if [ -d "$work/root/usr/share/doc/$t" ]; then
        cp -r "$work/root/usr/share/doc/$t" "$stage/share/doc/$t"   # copyright/licence
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
if ! sd=$(timeout 60 "$stage/bin/promtool" check config --syntax-only "$work/kubernetes-sd.yml" 2>&1); then
    printf '%s\n' "$sd" | sed 's/^/prometheus-tools: promtool: /' >&2
    die "prometheus $pkgver from $SUITE lacks Kubernetes service discovery: its promtool refuses kubernetes_sd_configs (see above)"
fi
printf '%s\n' "$pkgver" > "$stage/version"
printf 'package_version=%s\nsource=%s %s/%s\n' "$pkgver" "$mirror" "$SUITE" "$COMPONENT" > "$stage/.complete"

# Atomic publish; if a concurrent run finished first, keep its result.
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
