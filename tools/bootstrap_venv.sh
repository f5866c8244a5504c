#!/usr/bin/env bash
# Build .venv (backend and dev tools) from requirements.lock, on Python 3.11 or newer.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(tools/find_python.sh 3.11 3.12 3.13 3.14 || true)
if [ -z "$python" ]; then
  echo "bootstrap: .venv needs Python 3.11 or newer; install one (e.g. apt-get install python3.11-venv)" >&2
  exit 1
fi
# Installing over an existing .venv keeps it usable while the lock changes.
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip --disable-pip-version-check -q install -r requirements.lock
.venv/bin/python -m pip --disable-pip-version-check -q install --no-deps -e .
touch .venv/.installed
