"""A PostgreSQL cluster of the fault tests' own, which they may stop, crash and restart.

Never the machine's server: initdb into a temporary folder, on a free port, with Debian's
binaries (tools/postgres.py finds them and runs them as an unprivileged user under root).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from tools import postgres


class PrivateCluster:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "server.log"
        self.server: postgres.Server | None = None

    def start(self) -> postgres.Server:
        """initdb (first time) and start; the port stays the same across restarts."""
        if self.server is None:
            self.server = postgres._private_server(self.directory)
            return self.server
        self._pg_ctl("start", "-w", "-o", self._options())
        return self.server

    def _options(self) -> str:
        assert self.server is not None
        sockets = self.directory / "sockets"
        return f"-p {self.server.port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"

    def _pg_ctl(self, *args: str) -> None:
        binaries = postgres.find_binaries()
        assert binaries is not None
        command = [str(binaries / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), *args]
        done = subprocess.run(
            postgres._as_owner(command, postgres._owner()),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"pg_ctl {args}: {done.stderr}\n{self.tail()}"

    def stop(self, mode: str = "fast") -> None:
        """`immediate` is a crash as far as the clients can tell: no goodbye, recovery on start."""
        self._pg_ctl("stop", "-w", "-m", mode)

    def restart(self, down_for: float = 0.0, mode: str = "fast") -> float:
        """Stop, stay down for `down_for` seconds, start; returns how long it was unreachable."""
        started = time.monotonic()
        self.stop(mode)
        time.sleep(down_for)
        self.start()
        return time.monotonic() - started

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""
