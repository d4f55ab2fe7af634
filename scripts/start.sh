#!/usr/bin/env bash
# One command to start learning: set up mlkata, create your workspace the first time
# (default ~/mlkata-workspace, or the folder given), and open watch mode in it. Every
# step shows its progress; quitting watch mode prints the command to come back.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${MLKATA_VENV:-$repo/.venv}"
workspace="${1:-${MLKATA_WORKSPACE:-$HOME/mlkata-workspace}}"

come_back="bash $repo/scripts/start.sh"
[ -n "${1:-}" ] && come_back="$come_back $(printf '%q' "$1")"
export MLKATA_COME_BACK="$come_back"

bash "$repo/scripts/setup.sh"
if [ ! -d "$workspace/.mlkata" ]; then
    "$venv/bin/mlkata" init "$workspace" >/dev/null
    echo "Created your workspace in $workspace" >&2
fi
echo "Opening watch mode in $workspace (mlkata itself is $venv/bin/mlkata)." >&2
cd "$workspace"
exec "$venv/bin/mlkata" watch
