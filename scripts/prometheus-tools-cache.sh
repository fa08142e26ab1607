# prometheus-tools-cache.sh - the download cache of scripts/prometheus-tools.sh,
# sourced by it (not run on its own): the .deb files a release line was
# installed from, kept outside the clone with the SHA-256 the signed package
# index gave for each, so that a fresh clone installs them without the network.
#
#   <cache>/<folder>/*.deb       as downloaded
#   <cache>/<folder>/SHA256SUMS  "<sha256>  <file>" per .deb (sha256sum -c format)
#   <cache>/<folder>/origin      package_version=, source= (mirror, suite), fetched=
#
# It uses the caller's cache_root, cache_dir, CACHE_NAME, log, die,
# unpack_and_check, discard_stage, publish, warn_if_untested, refusal and refusal_broken.

# cache_problem: why the cached folder cannot be taken; prints nothing if it can.
# Its SHA256SUMS is only as good as the folder: one another user can write (a
# cache under /tmp, say) could hold their .debs with matching sums.
cache_problem() {
    local listed present out foreign
    foreign=$(find "$cache_dir" -maxdepth 1 \( ! -user "$(id -u)" -o -perm /022 \) \
        -printf '%f ' 2>&1)
    if [ -n "$foreign" ]; then
        echo "${foreign% } owned by another user or writable by group or others"
        return 0
    fi
    if [ ! -f "$cache_dir/SHA256SUMS" ] || [ ! -f "$cache_dir/origin" ]; then
        echo "it has no SHA256SUMS or no origin record"
        return 0
    fi
    listed=$(awk '{print $2}' "$cache_dir/SHA256SUMS" | sort | paste -sd' ' -)
    present=$(find "$cache_dir" -maxdepth 1 -name '*.deb' -printf '%f\n' | sort | paste -sd' ' -)
    if [ -z "$listed" ] || [ "$listed" != "$present" ]; then
        echo "it holds the .deb files '$present' where its SHA256SUMS lists '$listed'"
        return 0
    fi
    if ! out=$(cd "$cache_dir" && LC_ALL=C sha256sum --quiet --strict -c SHA256SUMS 2>&1); then
        out=$(printf '%s\n' "$out" | grep -v '^sha256sum: WARNING' | paste -sd' ' -)
        echo "$out (a file's SHA-256 is not the one recorded at its download)"
    fi
}

# install_from_cache: install this line from the cache, and exit, if the cache
# holds a copy that passes its checks; fail (exit 1), keeping it, if its files
# match their SHA-256 but do not unpack or run here; otherwise return, after
# deleting a copy that fails the checks
install_from_cache() {
    local problem pkgver from aside
    if [ -z "$cache_dir" ] || [ ! -e "$cache_dir" ]; then
        return 0
    fi
    problem=$(cache_problem)
    if [ -z "$problem" ]; then
        pkgver=$(sed -n 's/^package_version=//p' "$cache_dir/origin")
        from="download cache $cache_dir, from $(sed -n 's/^source=//p' "$cache_dir/origin")"
        log "installing prometheus $pkgver from the download cache $cache_dir (every file matches" \
            "the SHA-256 recorded at its download)"
        unpack_and_check "$cache_dir" "$pkgver" "$from"
        if [ -z "$refusal" ]; then
            warn_if_untested "$pkgver"
            publish
        fi
        # the files are the ones the signed index named: tools that do not run here are this
        # machine's failure, kept and reported, never a cache to drop (and then, with Debian
        # moved on, "none to be had", a skip)
        if [ -n "$refusal_broken" ]; then
            die "$refusal. The download cache $cache_dir matches the SHA-256 recorded at its" \
                "download and is kept; delete it to fetch what Debian offers now."
        fi
        problem=$refusal
        discard_stage
    fi
    log "WARNING: refusing the download cache $cache_dir: $problem; deleting it and fetching again"
    # moved aside first: a concurrent run never sees it half deleted
    aside=$(mktemp -u "$cache_root/.refused.$CACHE_NAME.XXXXXX")
    mv -T "$cache_dir" "$aside" 2>/dev/null || true
    rm -rf "$aside"
    [ ! -e "$cache_dir" ] || die "could not delete the refused download cache $cache_dir"
}

# store_in_cache DEBS PKGVER FROM: keep the checked .debs of folder DEBS with their
# SHA256SUMS in the cache; atomic, and a copy another run kept first stays. A
# cache that cannot be written is warned about, never a failure.
store_in_cache() {
    local debs=$1 pkgver=$2 from=$3 tmp
    if [ -z "$cache_root" ]; then
        log "WARNING: neither HOME nor PROMCC_TOOLS_CACHE is set: the .deb files are not kept"
        return 0
    fi
    if ! mkdir -p "$cache_root" 2>/dev/null \
            || ! tmp=$(mktemp -d "$cache_root/.$CACHE_NAME.XXXXXX" 2>/dev/null); then
        log "WARNING: cannot write into the download cache $cache_root: the .deb files are not kept"
        return 0
    fi
    chmod 0755 "$tmp"
    if ! cp "$debs"/*.deb "$debs/SHA256SUMS" "$tmp/" 2>/dev/null \
            || ! printf 'package_version=%s\nsource=%s\nfetched=%s\n' "$pkgver" "$from" \
                "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$tmp/origin" \
            || ! chmod 0644 "$tmp"/*; then   # whatever the umask: cache_problem refuses g+w, o+w
        rm -rf "$tmp"
        log "WARNING: cannot write into the download cache $cache_root: the .deb files are not kept"
        return 0
    fi
    if [ ! -e "$cache_dir" ] && mv -T "$tmp" "$cache_dir" 2>/dev/null; then
        log "kept the .deb files in the download cache $cache_dir"
    else
        rm -rf "$tmp"   # another run kept its copy first
    fi
}
