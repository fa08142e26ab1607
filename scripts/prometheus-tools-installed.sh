# prometheus-tools-installed.sh - what scripts/prometheus-tools.sh knows of releases and of its
# own folders, sourced by it (not run on its own): the tested release of a line, the check of
# an installed tool folder, and the sweep of the temporary folders a killed run left.
#
# It uses the caller's script_dir, LINE, TESTED_VERSION, CACHE_NAME, dest, bin, stamp, log, die,
# version_in and upstream_of.

# tested_version LINE: the Prometheus release the tests run on for release line LINE, as
# `promcc version` names it, from the one place it is written down. Read as java.util.Properties
# reads it there: blanks before the key, "=", ":" or blanks between key and value, CR LF line
# ends, and the last of two definitions counts (an escape or a continued line is not expected).
tested_version() {
    local file=$script_dir/../app/src/main/resources/io/promcc/app/tested-prometheus.properties v
    [ -r "$file" ] || die "$file names no prometheus.$1 (it cannot be read)"
    v=$(sed -n -E "s/^[[:space:]]*prometheus\.$1([[:space:]]*[=:][[:space:]]*|[[:space:]]+)//p" \
        "$file" | tail -n1 | sed -E 's/[[:space:]]+$//')
    [ -n "$v" ] || die "$file names no prometheus.$1 (a release of line $1, such as $1.0.0)"
    [[ $v =~ ^$1\.[0-9]+\.[0-9]+$ ]] \
        || die "$file: prometheus.$1 is no release of line $1, found \"$v\""
    printf '%s\n' "$v"
}

# warn_if_untested PKGVER: warn when the folder holds Debian version PKGVER of another release
# than the tested one of its line: a download cache or tool folder kept since prometheus.N moved
# on, or a later 2.53.x Debian moved to. The tests run on it (no test fails for it).
warn_if_untested() {
    [ "$(upstream_of "$1")" != "$TESTED_VERSION" ] || return 0
    log "WARNING: $dest holds prometheus $1, not $TESTED_VERSION, the release of line $LINE that" \
        "\`promcc version\` names as tested; the tests run on it. Once they pass on it, make it" \
        "prometheus.$LINE in app/src/main/resources/io/promcc/app/tested-prometheus.properties;" \
        "or delete $dest and the download cache's $CACHE_NAME folder to take what Debian" \
        "offers now."
}

# install_problem: why the installed folder (its $stamp present) cannot be used; prints nothing
# if it can. Cheap enough for every run: each tool runs --version and must say the version the
# stamp records, so a tool deleted, truncated or made not executable since the install is
# found here, and installed again, rather than by tests failing confusingly.
install_problem() {
    local want t out status started
    want=$(upstream_of "$(sed -n 's/^package_version=//p' "$stamp")")
    for t in prometheus promtool; do
        if [ ! -f "$bin/$t" ]; then echo "its $t is missing"; return 0; fi
        if [ ! -x "$bin/$t" ]; then echo "its $t is not executable"; return 0; fi
        status=0 started=$SECONDS
        # killed 5 s after the TERM that ends it at 30 s, which a hung tool may ignore
        out=$(timeout -k 5 30 "$bin/$t" --version 2>&1 </dev/null) || status=$?
        if [ "$status" != 0 ] && [ $((SECONDS - started)) -ge 30 ]; then
            echo "its '$t --version' did not end within 30 s"
            return 0
        fi
        if [ "$status" != 0 ]; then
            echo "its '$t --version' fails (exit $status${out:+: $(printf '%s\n' "$out" \
                | head -n1)})"
            return 0
        fi
        if [ -z "$want" ] || [ "$(printf '%s\n' "$out" | version_in)" != "$want" ]; then
            echo "its '$t --version' says '$(printf '%s\n' "$out" | head -n1)', where the" \
                "install recorded version ${want:-(none)}"
            return 0
        fi
    done
}

# hold_and_sweep DIR PATTERN...: hold a shared lock on DIR/.prometheus-tools.lock for the rest
# of this run, having first deleted the folders matching PATTERN... in DIR (this run's kind of
# temporary folder) if no other run holds that lock. Every run holds it before it makes a
# temporary folder in DIR and until it ends, so a run that gets it exclusively is alone there:
# what it finds is what a run killed before its cleanup (SIGKILL, a power cut) left, whatever
# its age, and a run still working is never touched. Without flock, or with DIR not writable
# (a run makes no folder there then), nothing is swept; a leftover that cannot be deleted is
# warned about and left.
hold_and_sweep() {
    local dir=$1 fd left pattern out
    shift
    command -v flock >/dev/null 2>&1 || return 0
    { exec {fd}>>"$dir/.prometheus-tools.lock"; } 2>/dev/null || return 0
    if flock -n -x "$fd"; then
        for pattern in "$@"; do
            for left in "$dir"/$pattern; do
                [ -d "$left" ] && [ ! -L "$left" ] || continue
                log "removing $left, left by a run that was killed before it could clean up"
                # a leftover this run cannot delete (another user's, as a killed `sudo` run
                # leaves one) is no reason to fail: it was ignored before there was a sweep
                if ! out=$(rm -rf "$left" 2>&1); then
                    log "WARNING: could not remove $left: $(printf '%s\n' "$out" | head -n1)"
                fi
            done
        done
    fi
    # released and taken again (not atomic): a run sweeping in between finds none of ours yet
    flock -s -w 600 "$fd" || die "could not lock $dir/.prometheus-tools.lock within 600 s"
}
