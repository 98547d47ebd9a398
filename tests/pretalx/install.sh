#!/usr/bin/env bash
# Install a real pretalx into its own virtualenv, for the pretalx integration tests.
#
#   bash tests/pretalx/install.sh            # venv at <repo>/.pretalx-venv
#   SALLE_PRETALX_VENV=/some/dir bash tests/pretalx/install.sh
#
# Only needs PyPI. Idempotent: does nothing when that venv already imports the pinned pretalx.
# Never touches the system Python or salle's own .venv.
set -euo pipefail

PRETALX_VERSION="${SALLE_PRETALX_VERSION:-2025.2.2}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="${SALLE_PRETALX_VENV:-$REPO/.pretalx-venv}"
PYTHON="${SALLE_PRETALX_BASE_PYTHON:-python3}"

installed_version() {
  [ -x "$VENV/bin/python" ] || return 1
  "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as m
import pretalx, faker, freezegun  # noqa: F401  (all three must import)
print(m.version("pretalx"))
PY
}

if v="$(installed_version)" && [ "$v" = "$PRETALX_VERSION" ]; then
  echo "pretalx $v already installed in $VENV"
  exit 0
fi

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
# Plain PyPI wheels; no system packages, no node build (the API needs no static files).
# (This machine's pip.conf names local mirror folders that may be absent: hide pip's warnings about them.)
quiet_pip() { "$VENV/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
quiet_pip install --quiet --upgrade pip wheel
quiet_pip install --quiet "pretalx==$PRETALX_VERSION" Faker freezegun

v="$(installed_version)" || { echo "pretalx does not import in $VENV" >&2; exit 1; }
echo "pretalx $v installed in $VENV in $(( $(date +%s) - start ))s"
