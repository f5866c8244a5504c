"""Add Python 3.10 pins to bot/requirements.lock (which is frozen from a Python 3.11 .venv-bot).

Some releases frozen on 3.11 need Python >=3.11, and Rasa itself wants matplotlib<3.6 (relaxed
for 3.11, where 3.5 has no wheels). This resolves the lock with plain pip on 3.10, relaxing each
pin pip refuses, then writes both pins with `python_version` markers, plus the 3.10-only
backports. Needs a 3.10 venv with pip: `python3.10 -m venv /tmp/v310`.

    python tools/lock_bot_py310.py /tmp/v310/bin/pip
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "bot" / "requirements.lock"
RASA = ["rasa==3.6.21", "rasa-sdk==3.6.2"]
REFUSED = (
    re.compile(r"No matching distribution found for ([A-Za-z0-9_.\-]+)=="),
    re.compile(r"Cannot install ([A-Za-z0-9_.\-]+)=="),
)


def norm(name: str) -> str:
    return name.lower().replace("_", "-")


def pins_of(lines: list[str]) -> list[tuple[str, str]]:
    """Unconditional pins of the lock (3.11 side); marker lines from an earlier run are dropped."""
    pins = []
    for line in lines:
        if line.startswith("#") or "==" not in line:
            continue
        spec, _, marker = line.partition(";")
        if marker and '< "3.11"' in marker:
            continue
        name, version = spec.strip().split("==")
        pins.append((name, version))
    return pins


def resolve_py310(pip: str, pins: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    relaxed: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        reqs, report = Path(tmp) / "reqs.txt", Path(tmp) / "report.json"
        while True:
            reqs.write_text(
                "".join(f"{n}\n" if norm(n) in relaxed else f"{n}=={v}\n" for n, v in pins)
            )
            run = subprocess.run(
                [
                    pip,
                    "install",
                    "--dry-run",
                    "-q",
                    "--ignore-installed",
                    "--report",
                    str(report),
                    "-r",
                    str(reqs),
                    *RASA,
                ],
                capture_output=True,
                text=True,
            )
            if run.returncode == 0:
                break
            refused = next((m for r in REFUSED if (m := r.search(run.stderr))), None)
            if refused is None:
                sys.exit(run.stderr[-3000:])
            relaxed.add(norm(refused.group(1)))
            print("3.10 refuses the 3.11 pin of", refused.group(1))
        installed = json.loads(report.read_text())["install"]
    return {
        norm(i["metadata"]["name"]): (i["metadata"]["name"], i["metadata"]["version"])
        for i in installed
    }


def main() -> None:
    lines = LOCK.read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    pins = pins_of(lines)
    py310 = resolve_py310(sys.argv[1], pins)
    out = list(header)
    for name, version in pins:
        other = py310[norm(name)][1]
        if other == version:
            out.append(f"{name}=={version}")
        else:
            out.append(f'{name}=={version} ; python_version >= "3.11"')
            out.append(f'{name}=={other} ; python_version < "3.11"')
    known = {norm(n) for n, _ in pins} | {"rasa", "rasa-sdk"}
    for key, (name, version) in sorted(py310.items()):
        if key in known:
            continue
        # pip freeze leaves out setuptools and wheel, which Rasa pins; the rest are backports.
        marker = "" if key in ("setuptools", "wheel") else ' ; python_version < "3.11"'
        out.append(f"{name}=={version}{marker}")
    LOCK.write_text("\n".join(out) + "\n")
    print(f"wrote {LOCK}")


if __name__ == "__main__":
    main()
