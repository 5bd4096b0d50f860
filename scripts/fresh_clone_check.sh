#!/usr/bin/env bash
# Prove the README's first command on a fresh clone, as a newcomer would run it.
#
# Clones this repository's HEAD (what is committed, nothing else) into a temporary folder,
# sets it up exactly as `make serve` does (the build lock only: no test tools, no Node.js),
# then: `make build`; plain `mkdocs build --strict -f` from another folder; `make serve` on a
# free port, fetching the home page, a deep page, the bibliography and a download over HTTP,
# then stopping the server by its process group; `make dist`, checking the zip.
# A package the build path imports but only the test lock installs fails here, which no
# other test can see (they all run with the test lock installed).
#
# `make test` runs it first; the Pages workflow's build job runs it before it builds.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
# A CI container may run as another user than the checkout's owner: trust this one checkout.
git_here() { git -c safe.directory="$repo" -C "$repo" "$@"; }
commit=$(git_here rev-parse HEAD)
work=$(mktemp -d "${TMPDIR:-/tmp}/fresh-clone.XXXXXX")
clone="$work/clone"
server=""
started=$SECONDS
stage_started=$SECONDS

# The environment of whoever runs this must not leak into the newcomer's run.
unset SITE_URL DEV_ADDR USE_DIRECTORY_URLS SEARCH_ENABLED CITATION_CACHE_DIR VIRTUAL_ENV

cleanup() {
    if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
        kill -TERM -- "-$server" 2>/dev/null || true
    fi
    # Removing the clone's thousands of files can take longer than the check itself on
    # a busy disk; it goes on in the background while the next stage runs.
    nohup rm -rf "$work" >/dev/null 2>&1 &
}
trap cleanup EXIT

fail() {
    echo "fresh clone: FAILED: $*" >&2
    if [[ -f "$work/serve.log" ]]; then
        echo "--- make serve printed:" >&2
        tail -n 40 "$work/serve.log" >&2
    fi
    exit 1
}

stage() {
    echo "fresh clone: $1 ($((SECONDS - stage_started)) s)"
    stage_started=$SECONDS
}

# file:// makes git run its transport, which reads the HEAD of this very checkout (a
# worktree included), and copies only committed objects.
git -c safe.directory="$repo" clone --quiet --no-checkout "file://$repo" "$clone"
git -C "$clone" checkout --quiet --detach "$commit"
stage "cloned $commit"

make -C "$clone" --no-print-directory install >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "make install (the set-up of make serve)"; }
py="$clone/.venv/bin/python"
if "$py" -c "import pytest" 2>/dev/null || [[ -e "$clone/node_modules" ]]; then
    fail "the build environment holds test tools; it must hold the build lock only"
fi
stage "set up as make serve does: build lock only"

make -C "$clone" --no-print-directory build >"$work/build.log" 2>&1 \
    || { cat "$work/build.log" >&2; fail "make build"; }
[[ -f "$clone/site/index.html" && -f "$clone/site/downloads/references.bib" ]] \
    || fail "make build left no site/index.html or site/downloads/references.bib"
stage "make build"

(cd "$work" && NO_MKDOCS_2_WARNING=1 "$clone/.venv/bin/mkdocs" build --strict --quiet \
    -f clone/mkdocs.yml -d "$work/plain") || fail "mkdocs build --strict -f clone/mkdocs.yml"
[[ -f "$work/plain/downloads/entries/razzaque2015mindfulness.ris" \
    && -f "$work/plain/assets/figures/relationship-effects.svg" ]] \
    || fail "plain mkdocs build made no downloads or figures"
[[ ! -e "$clone/docs/downloads" ]] || fail "a build wrote into docs/downloads"
stage "plain mkdocs build --strict -f from another folder"

port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port/"
setsid make -C "$clone" --no-print-directory serve DEV_ADDR="127.0.0.1:$port" \
    >"$work/serve.log" 2>&1 &
server=$!
# fetch URL TEXT: the page answers 200 and holds TEXT (waits up to 180 s for the first build).
fetch() {
    "$py" - "$1" "$2" <<'PY'
import sys, time, urllib.request
url, needle = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 180
while True:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            body = answer.read().decode("utf-8")
        if needle in body:
            sys.exit(0)
        print(f"{url}: answered without {needle!r}", file=sys.stderr)
        sys.exit(1)
    except OSError as error:
        if time.monotonic() > deadline:
            print(f"{url}: no answer: {error}", file=sys.stderr)
            sys.exit(1)
        time.sleep(1)
PY
}
fetch "$base" "Mindful Alliance" || fail "make serve: home page"
fetch "${base}alliance/alliance-ruptures-and-repair/" "Ruptures and repair" \
    || fail "make serve: a deep page"
fetch "${base}references/" 'id="ref-razzaque2015mindfulness"' || fail "make serve: bibliography"
fetch "${base}downloads/references.bib" "@article{razzaque2015mindfulness" \
    || fail "make serve: a download"
kill -TERM -- "-$server"
wait "$server" 2>/dev/null || true
server=""
stage "make serve answered over HTTP (home, deep page, bibliography, download); stopped"

make -C "$clone" --no-print-directory dist >"$work/dist.log" 2>&1 \
    || { cat "$work/dist.log" >&2; fail "make dist"; }
"$py" - "$clone/dist" <<'PY' || fail "make dist: the zip"
import hashlib, sys, zipfile
from pathlib import Path
dist = Path(sys.argv[1])
zips = sorted(dist.glob("mindful-alliance-*.zip"))
if len(zips) != 1:
    sys.exit(f"{dist}: expected one zip, found {[z.name for z in zips]}")
archive = zips[0]
recorded = (dist / f"{archive.name}.sha256").read_text(encoding="utf-8").split()[0]
if hashlib.sha256(archive.read_bytes()).hexdigest() != recorded:
    sys.exit(f"{archive}: differs from its .sha256")
top = archive.name.removesuffix(".zip")
with zipfile.ZipFile(archive) as opened:
    if opened.testzip() is not None:
        sys.exit(f"{archive}: damaged")
    names = set(opened.namelist())
for needed in ("site/index.html", "site/references/index.html", "site/downloads/references.bib",
               "VERSION.txt", "INSTALL.txt", "server/csp.txt"):
    if f"{top}/{needed}" not in names:
        sys.exit(f"{archive}: no {top}/{needed}")
print(f"fresh clone: {archive.name}: {len(names)} files, checksum matches")
PY
stage "make dist"

echo "fresh clone: the README's build, serve and dist work with the build lock alone" \
    "($((SECONDS - started)) s)"
