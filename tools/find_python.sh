#!/usr/bin/env bash
# Print the path of a Python interpreter whose version is one of the arguments (e.g. 3.11 3.12).
# Looks at python3, pythonX.Y and pyenv's installs; prints nothing and exits 1 when none fits.
set -u
wanted=("$@")
candidates=("${BOT_PYTHON:-}" python3)
for v in "${wanted[@]}"; do candidates+=("python$v"); done
for v in "${wanted[@]}"; do
  for p in "$HOME"/.pyenv/versions/"$v".*/bin/python"$v" /usr/bin/python"$v" /usr/local/bin/python"$v"; do
    candidates+=("$p")
  done
done
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || continue
  # pyenv shims exist for versions that are not active and fail when run, so ask the interpreter.
  version=$("$c" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
  for v in "${wanted[@]}"; do
    if [ "$version" = "$v" ]; then
      "$c" -c 'import sys; print(sys.executable)'
      exit 0
    fi
  done
done
exit 1
