"""`make demo` and `make run`: bring up every techfriends process and stop them on Ctrl-C.

demo: local secrets, SQLite under var/, postal codes from GEONAMES_DIR (or ../shared/data/geonames),
      demo Friends, and the Messenger simulator standing in for Meta (MESSENGER_GRAPH_URL points
      at it, so nothing leaves the machine).
run:  the same services without simulator and demo data, configured only from the environment
      (and .env); refuses to start while a required secret is missing.
prod-like: the production topology on this machine (tools/prodlike.py): PostgreSQL, Redis,
      two of each server behind a reverse proxy, with the demo's secrets, Friends and simulator.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from backend.config import load_environment
from tools.stack import PY, ROOT, Stack

# Needed whatever the channels: the action server (internal token) and onboarding tools
# (admin token) call the backend with these,
# the backend calls Rasa with the last.
API_SECRETS = ("BACKEND_API_TOKEN", "BACKEND_ADMIN_TOKEN", "RASA_TOKEN")
# `make run` also needs these: /metrics answers only with its token there (issue 21, point 7).
RUN_SECRETS = (*API_SECRETS, "METRICS_TOKEN")
# What `make run` sets unless the environment says otherwise: the console's cookies are
# Secure (a deployment is behind TLS; CONSOLE_SECURE_COOKIES=0 to say it is not).
RUN_DEFAULTS = {"CONSOLE_SECURE_COOKIES": "1"}


@dataclass(frozen=True)
class Channel:
    """A door to customers or Friends: configured once any of its settings is set, and then
    every one of them is needed (half a channel only fails later, at the first message)."""

    name: str
    settings: tuple[str, ...]
    for_customers: bool


MESSENGER_CUSTOMERS = Channel(
    "Messenger (customers)",
    ("CUSTOMER_PAGE_ACCESS_TOKEN", "CUSTOMER_APP_SECRET", "CUSTOMER_VERIFY_TOKEN"),
    for_customers=True,
)
MESSENGER_FRIENDS = Channel(
    "Messenger (Friends)",
    ("FRIENDS_PAGE_ACCESS_TOKEN", "FRIENDS_APP_SECRET", "FRIENDS_VERIFY_TOKEN"),
    for_customers=False,
)
WHATSAPP_CUSTOMERS = Channel(
    "WhatsApp (customers)",
    (
        "CUSTOMER_WHATSAPP_PHONE_NUMBER_ID",
        "CUSTOMER_WHATSAPP_ACCESS_TOKEN",
        "CUSTOMER_WHATSAPP_APP_SECRET",
        "CUSTOMER_WHATSAPP_VERIFY_TOKEN",
    ),
    for_customers=True,
)
WHATSAPP_FRIENDS = Channel(
    "WhatsApp (Friends)",
    (
        "FRIENDS_WHATSAPP_PHONE_NUMBER_ID",
        "FRIENDS_WHATSAPP_ACCESS_TOKEN",
        "FRIENDS_WHATSAPP_APP_SECRET",
        "FRIENDS_WHATSAPP_VERIFY_TOKEN",
    ),
    for_customers=False,
)
WEBCHAT = Channel("web chat", ("WEBCHAT_SECRET",), for_customers=True)
CHANNELS = (MESSENGER_CUSTOMERS, MESSENGER_FRIENDS, WHATSAPP_CUSTOMERS, WHATSAPP_FRIENDS, WEBCHAT)
# Setting one of these (besides the channel's own settings) also says the web chat is wanted.
WEBCHAT_HINTS = ("WEBCHAT_ALLOWED_ORIGINS",)

# Local-only values for the demo: they protect nothing that leaves this machine.
DEMO_SECRETS = {
    "CUSTOMER_PAGE_ACCESS_TOKEN": "demo-customer-page-token",
    "CUSTOMER_APP_SECRET": "demo-customer-app-secret",
    "CUSTOMER_VERIFY_TOKEN": "demo-customer-verify",
    "FRIENDS_PAGE_ACCESS_TOKEN": "demo-friends-page-token",
    "FRIENDS_APP_SECRET": "demo-friends-app-secret",
    "FRIENDS_VERIFY_TOKEN": "demo-friends-verify",
    "BACKEND_API_TOKEN": "demo-api-token",
    "BACKEND_ADMIN_TOKEN": "demo-admin-token",
    "RASA_TOKEN": "demo-rasa-token",
    "WEBCHAT_SECRET": "demo-webchat-secret",
}
# Both WhatsApp numbers, played by the simulator (its default phone number ids). Not in the
# prod-like topology: its Rasa servers would each keep their own SQLite WhatsApp store.
DEMO_WHATSAPP = {
    "CUSTOMER_WHATSAPP_PHONE_NUMBER_ID": "109000000000001",
    "CUSTOMER_WHATSAPP_ACCESS_TOKEN": "demo-customer-whatsapp-token",
    "CUSTOMER_WHATSAPP_APP_SECRET": "demo-customer-whatsapp-secret",
    "CUSTOMER_WHATSAPP_VERIFY_TOKEN": "demo-customer-whatsapp-verify",
    "FRIENDS_WHATSAPP_PHONE_NUMBER_ID": "109000000000002",
    "FRIENDS_WHATSAPP_ACCESS_TOKEN": "demo-friends-whatsapp-token",
    "FRIENDS_WHATSAPP_APP_SECRET": "demo-friends-whatsapp-secret",
    "FRIENDS_WHATSAPP_VERIFY_TOKEN": "demo-friends-whatsapp-verify",
}
# The demo site (simulator, :8090) and pages the backend serves (:8000) may open the web chat.
DEMO_WEBCHAT_ORIGINS = (
    "http://127.0.0.1:8090,http://localhost:8090,http://127.0.0.1:8000,http://localhost:8000"
)
CREDENTIALS = ROOT / "bot" / "credentials.yml"
WEBCHAT_CHANNEL = "bot.webchat_channel.WebchatInput:"
SHARED_GEONAMES = ROOT.parent / "shared" / "data" / "geonames"
# The demo's support console login; a real deployment creates accounts with create-staff.
DEMO_STAFF = ("support@demo.techfriends", "demo-console-password")


def _backend(env: dict[str, str], *args: str) -> int:
    """Run a backend command; its exit code. The backend says itself what went wrong (e.g. one
    line about DATABASE_URL), so a failure ends make demo/run without a second traceback."""
    return subprocess.run([str(PY), "-m", "backend", *args], cwd=ROOT, env=env).returncode


def _demo_staff(env: dict[str, str]) -> None:
    email, password = DEMO_STAFF
    # Refused (and harmless) when the account exists from an earlier demo run.
    subprocess.run(
        [str(PY), "-m", "backend", "create-staff", "--email", email, "--role", "admin"],
        cwd=ROOT,
        env={**env, "CONSOLE_STAFF_PASSWORD": password},
        check=False,
        capture_output=True,
    )


def webchat_enabled(credentials: Path = CREDENTIALS) -> bool:
    """Whether the Rasa server runs the web chat (its line in bot/credentials.yml)."""
    lines = credentials.read_text(encoding="utf-8").splitlines()
    return any(line.strip() == WEBCHAT_CHANNEL for line in lines)


# Every setting `make run` may ask for (all channels configured).
REQUIRED_FOR_RUN = RUN_SECRETS + tuple(name for c in CHANNELS for name in c.settings)


def configured(env: Mapping[str, str], webchat_on: bool | None = None) -> list[Channel]:
    """The channels this deployment offers: those with any of their settings set. The web chat
    also counts while bot/credentials.yml runs it: without its secret it would refuse every
    visitor, so a deployment that offers it must not start half-working."""
    on = webchat_enabled() if webchat_on is None else webchat_on
    found = []
    for channel in CHANNELS:
        hints = channel.settings + (WEBCHAT_HINTS if channel is WEBCHAT else ())
        if any(env.get(name) for name in hints) or (channel is WEBCHAT and on):
            found.append(channel)
    return found


def run_problems(env: Mapping[str, str], webchat_on: bool | None = None) -> list[str]:
    """What keeps `make run` from starting, one line each; empty when nothing does."""
    channels = configured(env, webchat_on)
    missing = [name for name in RUN_SECRETS if not env.get(name)]
    missing += [name for c in channels for name in c.settings if not env.get(name)]
    problems = []
    if missing:
        problems.append(
            "make run needs these settings (environment or .env): " + ", ".join(missing)
        )
    if not any(c.for_customers for c in channels):
        problems.append(
            "no channel for customers is configured: set the settings of Messenger "
            "(CUSTOMER_PAGE_*), WhatsApp (CUSTOMER_WHATSAPP_*) or the web chat (WEBCHAT_SECRET)"
        )
    if not any(not c.for_customers for c in channels):
        problems.append(
            "no channel for the Friends is configured: set the settings of Messenger "
            "(FRIENDS_PAGE_*, FRIENDS_APP_SECRET, FRIENDS_VERIFY_TOKEN) or WhatsApp "
            "(FRIENDS_WHATSAPP_*)"
        )
    # The missing names last: the line a person reads first when the output is short.
    return problems[1:] + problems[:1] if missing else problems


def running_lines(env: Mapping[str, str], rasa: str, backend: str) -> list[str]:
    """Where each configured channel's traffic goes (nothing about a channel not configured)."""
    channels = configured(env)
    lines = [f"  Rasa server          {rasa}"]
    if MESSENGER_CUSTOMERS in channels:
        lines.append(f"  customers' Messenger {rasa}/webhooks/messenger/webhook")
    if WHATSAPP_CUSTOMERS in channels:
        lines.append(f"  customers' WhatsApp  {rasa}/webhooks/whatsapp/webhook")
    if WEBCHAT in channels and webchat_enabled():
        origins = env.get("WEBCHAT_ALLOWED_ORIGINS")
        lines.append(f"  web chat (socket.io) {rasa}/socket.io  (origins {origins})")
    lines.append(f"  backend              {backend}")
    if MESSENGER_FRIENDS in channels:
        lines.append(f"  Friends' Messenger   {backend}/webhooks/friends")
    if WHATSAPP_FRIENDS in channels:
        lines.append(f"  Friends' WhatsApp    {backend}/webhooks/friends/whatsapp")
        lines.append("  WhatsApp templates   python -m backend whatsapp-templates (submit to Meta)")
    return lines


def demo_env() -> dict[str, str]:
    env = load_environment()
    for key, value in (DEMO_SECRETS | DEMO_WHATSAPP).items():
        env.setdefault(key, value)
    if not env.get("WEBCHAT_ALLOWED_ORIGINS"):
        env["WEBCHAT_ALLOWED_ORIGINS"] = DEMO_WEBCHAT_ORIGINS
    # Plain http on this machine: the only place the console's cookies are not Secure.
    env["CONSOLE_SECURE_COOKIES"] = "0"
    sim_port = int(env.get("SIMULATOR_PORT") or 8090)
    env["MESSENGER_GRAPH_URL"] = f"http://127.0.0.1:{sim_port}/graph"
    # Customers' e-mail goes to the simulator's mail server (shown at /mail), never out.
    env["SMTP_URL"] = f"smtp://127.0.0.1:{int(env.get('SIMULATOR_SMTP_PORT') or 8025)}"
    if not env.get("GEONAMES_DIR") and SHARED_GEONAMES.is_dir():
        env["GEONAMES_DIR"] = str(SHARED_GEONAMES)
    return env


def run_env() -> dict[str, str]:
    """The environment of `make run`: the deployment's, with RUN_DEFAULTS where it is silent."""
    env = load_environment()
    for key, value in RUN_DEFAULTS.items():
        if not env.get(key):
            env[key] = value
    return env


def _ports(urls: list[str]) -> str:
    return ", :".join(u.rsplit(":", 1)[1] for u in urls)


def prod_like() -> int:
    from tools.postgres import PostgresUnavailable
    from tools.prodlike import start_prod_like

    env = demo_env()
    secrets = {key: env[key] for key in DEMO_SECRETS}
    print("starting the prod-like topology (two Rasa servers load their model: about a minute) …")
    try:
        prod = start_prod_like(fresh=False, secrets=secrets, fixed_ports=True)
    except (RuntimeError, PostgresUnavailable) as exc:
        print(exc)
        return 1
    _backend(prod.env, "load-demo-friends")
    _demo_staff(prod.env)
    rasa, actions, backends = (
        _ports(prod.rasa_urls),
        _ports(prod.action_urls),
        _ports(prod.backend_urls),
    )
    print(f"""
techfriends prod-like is running; everything from outside goes through the proxy:
  proxy                {prod.url}
    customers' webhook {prod.url}/webhooks/messenger/webhook  (Rasa :{rasa})
    Friends' webhook   {prod.url}/webhooks/friends  (backends :{backends})
    API, console       {prod.url}/api/v1/openapi.json, {prod.url}/console/
  action servers       :{actions} (Rasa calls them through the proxy)
  Messenger simulator  {prod.simulator_url}/
  proxy statistics     {prod.admin_url}/stats
  PostgreSQL           {prod.database_urls["backend"]} (+ _tracker, _messenger)
  Redis lock store     {prod.redis_url}
  logs                 {prod.log_dir}/
  demo login           {DEMO_STAFF[0]} / {DEMO_STAFF[1]}
Press Ctrl-C to stop.""")
    code = prod.watch()
    print("stopped.")
    return code


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.run")
    parser.add_argument("mode", choices=("demo", "run", "prod-like"))
    args = parser.parse_args()
    log_dir = ROOT / "var" / "logs"
    if args.mode == "prod-like":
        return prod_like()

    if args.mode == "demo":
        env = demo_env()
        if not env.get("GEONAMES_DIR"):
            print("Set GEONAMES_DIR to a folder with DE.txt, AT.txt, CH.txt (see README).")
            return 2
        code = _backend(env, "import-postcodes") or _backend(env, "load-demo-friends")
        if code:
            return code
        _demo_staff(env)
    else:
        env = run_env()
        problems = run_problems(env)
        if problems:
            print("\n".join(problems))
            return 2
        code = _backend(env, "migrate")
        if not code and env.get("GEONAMES_DIR"):
            code = _backend(env, "import-postcodes")
        if code:
            return code

    stack = Stack(env, log_dir, with_simulator=args.mode == "demo")
    stack.build()
    print("starting techfriends (Rasa needs about half a minute to load its model) …")
    try:
        stack.start()
    except RuntimeError as exc:
        print(exc)
        return 1
    e = stack.env
    rasa = f"http://127.0.0.1:{stack.port('RASA_PORT', 5005)}"
    backend = f"http://127.0.0.1:{stack.port('BACKEND_PORT', 8000)}"
    print("\ntechfriends is running:")
    if args.mode == "demo":
        site = f"http://127.0.0.1:{stack.port('SIMULATOR_PORT', 8090)}/site"
        print(f"  website with chat    {site}  (the widget: {backend}/webchat/widget.js)")
        print(f"  Messenger simulator  http://127.0.0.1:{stack.port('SIMULATOR_PORT', 8090)}/")
        print(f"  customers' e-mail    http://127.0.0.1:{stack.port('SIMULATOR_PORT', 8090)}/mail")
    print("\n".join(running_lines(e, rasa, backend)))
    print(f"  action server        http://127.0.0.1:{stack.port('ACTIONS_PORT', 5055)}")
    print(f"  API documentation    {backend}/api/v1/openapi.json")
    print(f"  support console      {backend}/console/", end="")
    print(f"  (demo login {DEMO_STAFF[0]} / {DEMO_STAFF[1]})" if args.mode == "demo" else "")
    print(f"  logs                 {log_dir.relative_to(ROOT)}/")
    if args.mode == "demo":
        print(f"  API token (demo)     {e['BACKEND_API_TOKEN']}")
    print("Press Ctrl-C to stop.")
    code = stack.watch()
    print("stopped.")
    return code


if __name__ == "__main__":
    sys.exit(main())
