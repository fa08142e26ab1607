# prometheus-tools-apt.sh - the Debian download of scripts/prometheus-tools.sh,
# sourced by it (not run on its own): a private apt configuration per suite on
# the machine's own Debian mirror, the version a suite offers, and its .deb
# files downloaded and checked against the suite's signed package index.
#
# It uses the caller's SUITES, COMPONENT, PROM_VERSION, TESTED_VERSION, CACHE_NAME,
# OVERRIDE_VAR, work, log, die, wanted, fetch_fits, fetch_wanted, upstream_of,
# unpack_and_check, store_in_cache, discard_stage, publish, refusal and
# refusal_broken.

for c in apt-get apt-cache; do
    command -v "$c" >/dev/null 2>&1 \
        || die "'$c' not found: this script needs a Debian-based system. Elsewhere, install Prometheus $(wanted) yourself and set $OVERRIDE_VAR to its bin folder."
done

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
log "mirror: $mirror (suites ${SUITES[*]}, component $COMPONENT)${keyring:+, keyring $keyring}"


# every apt call is bounded (apt's own timeouts are per connection, not per command)
APT_TIMEOUT=${APT_TIMEOUT:-600}
apt-get() { timeout "$APT_TIMEOUT" apt-get "$@"; }
apt-cache() { timeout 120 apt-cache "$@"; }
show_warnings() { grep -E '^(W|E):' "$1" | sed 's/^/prometheus-tools: apt: /' >&2 || true; }

# apt_private SUITE: a separate apt configuration for SUITE in its own folder
# $aptw of $work, with the suite's package index fetched; sets aptw and apt_opts
apt_private() {
    local suite=$1
    aptw=$work/apt-$suite
    mkdir -p "$aptw/etc/preferences.d" "$aptw/lists/partial" "$aptw/cache/archives/partial" \
        "$aptw/dl"
    : > "$aptw/status"
    {
        printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\n' "$mirror" "$suite" "$COMPONENT"
        if [ -n "$keyring" ]; then printf 'Signed-By: %s\n' "$keyring"; fi
    } > "$aptw/etc/$suite.sources"
    # Passed with -c, so it is read after /etc/apt/apt.conf.d (whose proxy and
    # similar settings still apply); the #clear lines stop the machine's
    # update hooks (PackageKit, appstream, ...) from firing on our private update,
    # and the Allow* lines keep a machine's setting that allows unsigned or weakly
    # signed repositories or unauthenticated packages from weakening our checks.
    cat > "$aptw/apt.conf" <<EOF
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
Dir::Etc::sourcelist "$aptw/etc/$suite.sources";
Dir::Etc::sourceparts "-";
Dir::Etc::preferences "$aptw/etc/preferences";
Dir::Etc::preferencesparts "$aptw/etc/preferences.d";
Dir::State "$aptw";
Dir::State::Lists "$aptw/lists";
Dir::State::status "$aptw/status";
Dir::State::extended_states "$aptw/extended_states";
Dir::Cache "$aptw/cache";
Dir::Cache::archives "$aptw/cache/archives";
Dir::Cache::pkgcache "$aptw/cache/pkgcache.bin";
Dir::Cache::srcpkgcache "$aptw/cache/srcpkgcache.bin";
APT::Default-Release "";
Acquire::AllowInsecureRepositories "false";
Acquire::AllowWeakRepositories "false";
Acquire::AllowDowngradeToInsecureRepositories "false";
APT::Get::AllowUnauthenticated "false";
EOF
    # As root, apt downloads as the unprivileged user _apt; let it write there.
    if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
        chown -R _apt "$aptw/lists/partial" "$aptw/cache/archives/partial" "$aptw/dl"
    fi
    apt_opts=(-c "$aptw/apt.conf" -q)
    log "fetching the $suite package index into a private apt state ($aptw) ..."
    if ! apt-get "${apt_opts[@]}" --error-on=any update </dev/null >"$aptw/update.log" 2>&1; then
        cat "$aptw/update.log" >&2
        die "apt-get update of $mirror $suite failed (see above). If it is a signature (NO_PUBKEY) error, the machine's Debian keyring lacks the $suite keys: upgrade debian-archive-keyring from bookworm (2023.3+deb12u2 or later)."
    fi
    show_warnings "$aptw/update.log"
}

# madison PACKAGE: the versions of PACKAGE in the suite of apt_opts, one a line.
# apt-cache's failures (a timeout says nothing) are named by the callers: set -e
# alone would end silently
madison() {
    apt-cache "${apt_opts[@]}" madison "$1" </dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}'
}

# pick_version VERSIONS: of the package versions a suite offers (one a line),
# the one to take: upstream $TESTED_VERSION if offered, else the first this line
# takes; nothing if none
pick_version() {
    local v
    while read -r v; do
        if [ "$(upstream_of "$v")" = "$TESTED_VERSION" ]; then echo "$v"; return 0; fi
    done <<< "$1"
    while read -r v; do
        if [ -n "$v" ] && fetch_fits "$(upstream_of "$v")"; then echo "$v"; return 0; fi
    done <<< "$1"
}

# download_debs SUITE PKGVER: download prometheus (and promtool, a package of its
# own in trixie and later) of version PKGVER into $aptw/dl, and write there the
# SHA256SUMS that the suite's signed index gives, checked against the files
download_debs() {
    local suite=$1 pkgver=$2 dl=$aptw/dl promtool_versions deb pkg sha actual n=0
    local pkgs=("prometheus=$pkgver")
    promtool_versions=$(madison promtool) \
        || die "apt-cache madison promtool failed or timed out (exit $?) on the $suite index"
    if printf '%s\n' "$promtool_versions" | grep -qxF "$pkgver"; then
        pkgs+=("promtool=$pkgver")
    fi
    log "downloading ${pkgs[*]} from $suite ..."
    if ! (cd "$dl" && apt-get "${apt_opts[@]}" download "${pkgs[@]}" </dev/null \
            >"$aptw/download.log" 2>&1); then
        cat "$aptw/download.log" >&2
        die "apt-get download ${pkgs[*]} from $suite failed (see above)"
    fi
    show_warnings "$aptw/download.log"
    : > "$aptw/SHA256SUMS"
    for deb in "$dl"/*.deb; do
        [ -e "$deb" ] || break
        pkg=$(dpkg-deb -f "$deb" Package)
        sha=$(apt-cache "${apt_opts[@]}" show "$pkg=$pkgver" </dev/null \
            | awk '/^SHA256:/ && s == "" {s = $2} END {print s}') \
            || die "apt-cache show $pkg=$pkgver failed or timed out (exit $?) on the $suite index"
        actual=$(sha256sum "$deb" | awk '{print $1}')
        if [ -z "$sha" ] || [ "$sha" != "$actual" ]; then
            die "$deb has SHA-256 $actual where the signed $suite index says '${sha}'"
        fi
        printf '%s  %s\n' "$sha" "${deb##*/}" >> "$aptw/SHA256SUMS"
        n=$((n + 1))
    done
    [ "$n" = "${#pkgs[@]}" ] || die "apt-get download ${pkgs[*]} left $n .deb files in $dl"
    mv "$aptw/SHA256SUMS" "$dl/SHA256SUMS"
}

# fetch_from_suite SUITE: if SUITE offers a prometheus this line takes and that
# passes unpack_and_check, keep its .debs in the download cache and publish it
# (exit 0); otherwise set $refusal to what SUITE offers and why it was not taken,
# and $refusal_broken as unpack_and_check does (nothing if no version fits)
fetch_from_suite() {
    local suite=$1 versions pkgver from
    refusal_broken=
    apt_private "$suite"
    versions=$(madison prometheus) \
        || die "apt-cache madison prometheus failed or timed out (exit $?) on the $suite index"
    if [ -z "$versions" ]; then
        refusal="$suite has no package prometheus"
        log "$refusal"
        return 0
    fi
    pkgver=$(pick_version "$versions")
    if [ -z "$pkgver" ]; then
        refusal="$suite offers prometheus $(printf '%s\n' "$versions" | paste -sd, -)"
        log "$refusal; need $(fetch_wanted)"
        return 0
    fi
    if [ -n "$PROM_VERSION" ] && [ "$(upstream_of "$pkgver")" != "$PROM_VERSION" ]; then
        log "WARNING: $suite offers prometheus $pkgver, not $PROM_VERSION; taking it (the same" \
            "${PROM_VERSION%.*} series). The tool cache folder is still named $CACHE_NAME."
    elif [ "$(upstream_of "$pkgver")" != "$TESTED_VERSION" ]; then
        log "WARNING: $suite offers prometheus $pkgver, not $TESTED_VERSION, the 3.x that" \
            "\`promcc version\` names as tested; taking it. Once the tests pass on it, make it" \
            "prometheus.3 in app/src/main/resources/io/promcc/app/tested-prometheus.properties" \
            "and the image of deploy/statefulset.yaml."
    fi
    download_debs "$suite" "$pkgver"
    from="$mirror $suite/$COMPONENT"
    unpack_and_check "$aptw/dl" "$pkgver" "$from"
    if [ -z "$refusal" ]; then
        store_in_cache "$aptw/dl" "$pkgver" "$from"
        publish
    fi
    log "passing over $suite: $refusal"
    discard_stage
}
