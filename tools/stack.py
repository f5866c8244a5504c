"""Start, watch and stop the techfriends processes: Rasa, actions, backend, simulator.

Used by `make demo`, `make run` and the end-to-end tests, so all three run the same thing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"
PY = ROOT / ".venv" / "bin" / "python"
MODEL = ROOT / "models" / "techfriends.tar.gz"

# The two WhatsApp Business numbers (issue 16): the customers' goes to the Rasa server, the
# Friends' to the backend; the simulator plays Meta for both. Every process gets the same
# environment, so these reach Rasa, the backend and the simulator alike; each number is
# optional and counts as configured once any of its settings is given.
WHATSAPP_SETTINGS = {
    number: tuple(
        f"{number.upper()}_WHATSAPP_{name}"
        for name in ("PHONE_NUMBER_ID", "ACCESS_TOKEN", "APP_SECRET", "VERIFY_TOKEN")
    )
    for number in ("customer", "friends")
}


def missing_whatsapp_settings(env: dict[str, str]) -> list[str]:
    """The settings a half-configured WhatsApp number still lacks; none for a number that is
    not configured at all (WhatsApp stays off for it)."""
    missing: list[str] = []
    for names in WHATSAPP_SETTINGS.values():
        given = [name for name in names if env.get(name)]
        if given:
            missing += [name for name in names if not env.get(name)]
    return missing


def endpoints_yaml(
    action_url: str, tracker_url: str, lock_store_url: str = "", action_token: bool = False
) -> str:
    """Rasa's endpoints file for an action server URL and an SQLAlchemy-style tracker URL.

    With `lock_store_url` (redis://host:port/db[?key_prefix=alphanumeric]) Rasa locks each
    conversation in Redis, which is what lets several Rasa servers share one tracker store: two
    messages of one sender that reach different servers are still processed one after the other.
    """
    parts = urlsplit(tracker_url)
    dialect = parts.scheme.split("+", 1)[0]
    lines = ["action_endpoint:", f'  url: "{action_url}"']
    if action_token:
        # The action server's shared token (bot/action_server_auth.py), read by Rasa from its
        # environment when it loads this file (unquoted: Rasa expands ${…} in plain scalars),
        # so the secret is never written here.
        lines += ["  headers:", "    Authorization: Bearer ${ACTION_SERVER_TOKEN}"]
    lines += [
        "tracker_store:",
        "  type: SQL",
        f'  dialect: "{dialect}"',
    ]
    if dialect == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = tracker_url.split(":///", 1)[1] if ":///" in tracker_url else "var/tracker.db"
        db = str(Path(path) if Path(path).is_absolute() else ROOT / path)
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        lines.append(f'  db: "{db}"')
    else:
        lines.append(f'  db: "{parts.path.lstrip("/") or "rasa"}"')
        lines.append(f'  url: "{parts.hostname or "127.0.0.1"}"')
        if parts.port:
            lines.append(f"  port: {parts.port}")
        if parts.username:
            lines.append(f'  username: "{unquote(parts.username)}"')
        if parts.password:
            lines.append(f'  password: "{unquote(parts.password)}"')
    if lock_store_url:
        lock = urlsplit(lock_store_url)
        if lock.scheme != "redis":
            raise ValueError(f"LOCK_STORE_URL must be redis://host:port/db, not {lock_store_url!r}")
        lines += [
            "lock_store:",
            '  type: "redis"',
            f'  url: "{lock.hostname or "127.0.0.1"}"',
            f"  port: {lock.port or 6379}",
            f"  db: {int(lock.path.lstrip('/') or 0)}",
            f'  key_prefix: "{parse_qs(lock.query).get("key_prefix", ["techfriends"])[0]}"',
        ]
        if lock.password:
            lines.append(f'  password: "{unquote(lock.password)}"')
    return "\n".join(lines) + "\n"


def process_env(env: dict[str, str]) -> dict[str, str]:
    """What every techfriends process gets on top of the configuration."""
    out = dict(env)
    out["PYTHONPATH"] = str(ROOT) + os.pathsep + out.get("PYTHONPATH", "")
    # Nothing may phone home: these machines have no internet, production need not either.
    out.setdefault("RASA_TELEMETRY_ENABLED", "false")
    out.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    out.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return out


def _service(
    kind: str, argv: list[str], env: dict[str, str], port: int, log_dir: Path, name: str, host: str
) -> Service:
    """One of our servers, healthy when its /healthz says it is `kind`."""
    return Service(
        name, argv, f"http://{host}:{port}/healthz", env, log_dir / f"{name}.log", kind=kind
    )


def actions_service(
    env: dict[str, str], port: int, log_dir: Path, name: str = "actions", host: str = "127.0.0.1"
) -> Service:
    argv = [str(BOT_PYTHON), "-m", "bot.action_server", "--host", host, "--port", str(port)]
    return _service("actions", argv, env, port, log_dir, name, host)


def backend_service(
    env: dict[str, str], port: int, log_dir: Path, name: str = "backend", host: str = "127.0.0.1"
) -> Service:
    argv = [str(PY), "-m", "backend", "serve"]
    return _service("backend", argv, {**env, "BACKEND_PORT": str(port)}, port, log_dir, name, host)


def rasa_service(
    env: dict[str, str],
    port: int,
    endpoints: Path,
    log_dir: Path,
    name: str = "rasa",
    host: str = "127.0.0.1",
) -> Service:
    # RASA_MODEL: another trained model (e.g. one trained to /tmp while models/ is busy).
    model = env.get("RASA_MODEL") or str(MODEL)
    argv = [str(BOT_PYTHON), "-m", "rasa", "run", "--enable-api"]
    argv += ["--auth-token", env.get("RASA_TOKEN", ""), "--model", model]
    argv += ["--credentials", str(ROOT / "bot" / "credentials.yml"), "--endpoints", str(endpoints)]
    argv += ["--port", str(port), "--interface", host]
    return _service("rasa", argv, env, port, log_dir, name, host)


def simulator_service(
    env: dict[str, str], port: int, log_dir: Path, name: str = "simulator", host: str = "127.0.0.1"
) -> Service:
    argv = [str(PY), "-m", "simulator", "--host", host, "--port", str(port)]
    return _service("simulator", argv, env, port, log_dir, name, host)


@dataclass
class Service:
    name: str
    argv: list[str]
    health_url: str
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    # What its /healthz says it is: a health check answered by another of our processes on
    # the same port must not count as this one being up.
    kind: str = ""

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        # Own process group: Ctrl-C in the terminal reaches us once, and we stop each group.
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                if response.status != 200:
                    return False
                if not self.kind:
                    return True
                return bool(json.loads(response.read()).get("service") == self.kind)
        except (urllib.error.URLError, OSError, ValueError, AttributeError):
            return False

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_healthy(services: list[Service], timeout: float) -> None:
    """Wait until every service answers its health URL; RuntimeError (with log tails) when one
    exits or the time is up. The caller stops what it started."""
    deadline = time.monotonic() + timeout
    waiting = list(services)
    while waiting:
        for service in list(waiting):
            code = service.exited()
            if code is not None:
                raise RuntimeError(
                    f"{service.name} exited with {code} while starting; "
                    f"log {service.log_path}:\n{service.tail()}"
                )
            if service.healthy():
                waiting.remove(service)
        if waiting and time.monotonic() > deadline:
            names = ", ".join(s.name for s in waiting)
            tails = "\n".join(f"--- {s.name}:\n{s.tail()}" for s in waiting)
            raise RuntimeError(f"not healthy after {timeout:.0f}s: {names}\n{tails}")
        if waiting:
            time.sleep(0.5)


def stop_all(services: list[Service], grace: float) -> None:
    """SIGTERM to each in this order, SIGKILL to those still running after `grace` seconds."""
    for service in services:
        service.stop(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for service in services:
        while service.exited() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if service.exited() is None:
            service.stop(signal.SIGKILL)
            if service.process is not None:
                service.process.wait(timeout=5)


def watch(services: list[Service], stop: Callable[[], None]) -> int:
    """Block until a service dies (its exit code) or Ctrl-C / SIGTERM (0); then `stop()`."""
    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    while not stopping:
        for service in services:
            code = service.exited()
            if code is not None:
                print(f"{service.name} stopped unexpectedly ({code}); see {service.log_path}")
                print(service.tail(20))
                stop()
                return code or 1
        time.sleep(0.5)
    stop()
    return 0


@dataclass
class Stack:
    env: dict[str, str]
    log_dir: Path
    with_simulator: bool = False
    services: list[Service] = field(default_factory=list)

    def port(self, name: str, default: int) -> int:
        return int(self.env.get(name) or default)

    def build(self) -> None:
        env = process_env(self.env)
        host = "127.0.0.1"
        rasa_port = self.port("RASA_PORT", 5005)
        actions_port = self.port("ACTIONS_PORT", 5055)
        backend_port = self.port("BACKEND_PORT", 8000)
        sim_port = self.port("SIMULATOR_PORT", 8090)
        # An empty value (as copied from .env.example) means "the default" too.
        env["BACKEND_URL"] = env.get("BACKEND_URL") or f"http://{host}:{backend_port}"
        env["RASA_URL"] = env.get("RASA_URL") or f"http://{host}:{rasa_port}"
        env["BACKEND_PORT"] = str(backend_port)
        action_url = env.get("ACTION_ENDPOINT_URL") or f"http://{host}:{actions_port}/webhook"
        tracker = env.get("TRACKER_STORE_URL") or "sqlite:///var/tracker.db"
        store = env.get("WHATSAPP_STORE_PATH")
        if store and not Path(store).is_absolute():
            # The bot and the backend (which reads the customers' window) open the same file.
            env["WHATSAPP_STORE_PATH"] = str(ROOT / store)
        self.env = env  # what the processes really get, defaults filled in
        endpoints = self.log_dir / "endpoints.yml"
        endpoints.parent.mkdir(parents=True, exist_ok=True)
        endpoints.write_text(
            endpoints_yaml(
                action_url,
                tracker,
                env.get("LOCK_STORE_URL", ""),
                action_token=bool(env.get("ACTION_SERVER_TOKEN")),
            )
        )

        self.services = [
            actions_service(env, actions_port, self.log_dir),
            backend_service(env, backend_port, self.log_dir),
            rasa_service(env, rasa_port, endpoints, self.log_dir),
        ]
        if self.with_simulator:
            self.services.append(simulator_service(env, sim_port, self.log_dir))

    def start(self, timeout: float = 300.0) -> None:
        if not self.services:
            self.build()
        for service in self.services:
            service.start()
        try:
            wait_healthy(self.services, timeout)
        except RuntimeError:
            self.stop()
            raise

    def watch(self) -> int:
        """Block until a service dies (its exit code) or we are told to stop (0)."""
        return watch(self.services, self.stop)

    def stop(self, grace: float = 10.0) -> None:
        stop_all(self.services, grace)
