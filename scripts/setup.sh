#!/usr/bin/env bash
# Create .venv in the repository and install mlkata into it (with the test tools when
# given "test"). Torch is pinned through constraints.txt. Safe to run again: it only
# reinstalls when pyproject.toml or constraints.txt changed, so a second run takes a
# moment. Each step says what it does and how long it took, on stderr.
#
# uv is used when it is installed (it is several times faster); otherwise pip. Either way
# the installed modules are byte-compiled in a step of their own, on every core at once
# (pip alone compiles them one by one), so that the first check does not pay for it.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${MLKATA_VENV:-$repo/.venv}"
extra="${1:-}"
python="${PYTHON:-python3}"
began=$SECONDS

say() { printf '%s\n' "$*" >&2; }

# Run a step, showing the seconds it has taken so far on a terminal, then how long it took.
step() {
    local what="$1"
    shift
    local started=$SECONDS
    if [ -t 2 ]; then
        "$@" &
        local pid=$!
        while kill -0 "$pid" 2>/dev/null; do
            printf '\r  %s … %d s' "$what" "$((SECONDS - started))" >&2
            sleep 1
        done
        if ! wait "$pid"; then
            printf '\n' >&2
            say "  $what failed."
            return 1
        fi
        printf '\r  %s … done in %d s\n' "$what" "$((SECONDS - started))" >&2
    else
        say "  $what …"
        "$@"
        say "  $what … done in $((SECONDS - started)) s"
    fi
}

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "mlkata needs Python 3.11 or newer; $("$python" --version 2>&1) was found."
    say "Set PYTHON=/path/to/python3.11 and run again."
    exit 1
fi

uv="$(command -v uv || true)"
[ -n "${MLKATA_NO_UV:-}" ] && uv=""

spec="."
[ -n "$extra" ] && spec=".[$extra]"
stamp="$venv/.mlkata-installed"
want="$(cat "$repo/pyproject.toml" "$repo/constraints.txt" | cksum) $spec"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
    exit 0  # up to date
fi

say "Setting up mlkata in $venv (first time: under a minute; torch is the big part)"
if [ ! -x "$venv/bin/python" ]; then
    if [ -n "$uv" ]; then
        step "creating the virtual environment (uv)" "$uv" venv --quiet --python "$python" "$venv"
    else
        step "creating the virtual environment" "$python" -m venv "$venv"
    fi
fi

what="installing mlkata, torch pinned by constraints.txt"
[ -n "$extra" ] && what="installing mlkata with $extra tools, torch pinned by constraints.txt"
if [ -n "$uv" ]; then
    step "$what (uv)" bash -c 'cd "$1" && "$2" pip install --quiet --python "$3/bin/python" -c constraints.txt -e "$4"' \
        _ "$repo" "$uv" "$venv" "$spec"
else
    step "$what (pip)" bash -c 'cd "$1" && "$2/bin/python" -m pip install --quiet --disable-pip-version-check --no-compile -c constraints.txt -e "$3"' \
        _ "$repo" "$venv" "$spec"
fi
site_packages="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
# A few packages ship files that are not Python 3 (templates, tests of old syntax): their
# errors are expected, so only the step's time is reported.
compile_all() { "$venv/bin/python" -m compileall -q -j 0 "$site_packages" "$repo/mlkata" "$repo/checks" >/dev/null 2>&1 || true; }
step "compiling the installed modules, mlkata and its checks (every core)" compile_all
echo "$want" > "$stamp"
say "Set up in $((SECONDS - began)) s."
