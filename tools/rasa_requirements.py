"""Print Rasa 3.6.21's own dependency list as pip requirements, evaluated for Linux + Python 3.10.

Why: Rasa declares Python <3.11, so pip refuses it on 3.11, and `--ignore-requires-python`
lets pip pick numpy/scipy/matplotlib releases that do not build. Installing Rasa's declared
dependencies (as if on 3.10) with matplotlib relaxed, then rasa itself with `--no-deps`,
resolves to wheels that exist for 3.11. This script regenerates that list from the wheel's
METADATA; the result is pinned in bot/requirements.lock, which is what installs use.

Usage: python tools/rasa_requirements.py path/to/rasa-3.6.21-py3-none-any.whl
"""

from __future__ import annotations

import sys
import zipfile

from packaging.markers import Marker
from packaging.requirements import Requirement

ENV = {
    "python_version": "3.10",
    "python_full_version": "3.10.13",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "implementation_name": "cpython",
    "os_name": "posix",
}
SKIP = {"rasa-sdk"}
RELAX = {"matplotlib": "matplotlib>=3.6,<3.7"}


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = zf.read(name).decode()
    for line in meta.splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        req = Requirement(line.split(":", 1)[1].strip())
        if req.marker is not None:
            env = dict(ENV, extra="spacy")
            if not Marker(str(req.marker)).evaluate(env):
                continue
        key = req.name.lower().replace("_", "-")
        if key in SKIP:
            continue
        req.marker = None
        print(RELAX.get(key, str(req)))


if __name__ == "__main__":
    main(sys.argv[1])
