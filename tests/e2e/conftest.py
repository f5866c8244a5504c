"""The whole system as processes: trained Rasa model, action server, backend, and the
Messenger and WhatsApp simulator, whose fake Graph API (under /graph) stands in for Meta.

Started once per test session (Rasa takes about half a minute to load); each test uses its
own customer and Friend ids, so tests do not see each other's conversations. The simulator
plays Meta for every test, so the browser test sees the same Graph calls the others assert on.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.messenger_store import MessengerStore
from messenger_platform.events import InboundEvent
from simulator.webhook_bodies import encode_signed, page_body
from tests.webchat.browser import browser  # noqa: F401 (chromium, for the browser tests)
from tools.prodlike import ProdLike
from tools.stack import MODEL, ROOT, Stack

CRASHED_SENDER = "e2e-before-restart"
SECRETS = {
    "CUSTOMER_PAGE_ACCESS_TOKEN": "e2e-customer-page-token",
    "CUSTOMER_APP_SECRET": "e2e-customer-secret",
    "CUSTOMER_VERIFY_TOKEN": "e2e-customer-verify",
    "FRIENDS_PAGE_ACCESS_TOKEN": "e2e-friends-page-token",
    "FRIENDS_APP_SECRET": "e2e-friends-secret",
    "FRIENDS_VERIFY_TOKEN": "e2e-friends-verify",
    "BACKEND_API_TOKEN": "e2e-api-token",
    "BACKEND_ADMIN_TOKEN": "e2e-admin-token",
    "RASA_TOKEN": "e2e-rasa-token",
    # WhatsApp: the customers' number (Rasa) and the Friends' number (backend); the simulator's
    # fake Graph checks the tokens per number and signs its webhooks with the secrets.
    "CUSTOMER_WHATSAPP_PHONE_NUMBER_ID": "109000000000101",
    "CUSTOMER_WHATSAPP_ACCESS_TOKEN": "e2e-customer-whatsapp-token",
    "CUSTOMER_WHATSAPP_APP_SECRET": "e2e-customer-whatsapp-secret",
    "CUSTOMER_WHATSAPP_VERIFY_TOKEN": "e2e-customer-whatsapp-verify",
    "FRIENDS_WHATSAPP_PHONE_NUMBER_ID": "109000000000202",
    "FRIENDS_WHATSAPP_ACCESS_TOKEN": "e2e-friends-whatsapp-token",
    "FRIENDS_WHATSAPP_APP_SECRET": "e2e-friends-whatsapp-secret",
    "FRIENDS_WHATSAPP_VERIFY_TOKEN": "e2e-friends-whatsapp-verify",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class System:
    rasa_url: str
    backend_url: str
    graph_url: str
    simulator_url: str
    env: dict[str, str]
    log_dir: Path
    stack: Stack  # to stop, kill or restart one process (crash tests)


def stack_system(stack: Stack, graph_url: str, simulator_url: str) -> System:
    """The end-to-end helpers' view of a started Stack."""
    env = stack.env
    return System(
        env["RASA_URL"], env["BACKEND_URL"], graph_url, simulator_url, env, stack.log_dir, stack
    )


def as_system(prod: ProdLike) -> System:
    """The end-to-end helpers' view of the prod-like topology: Rasa and the backend are both
    the proxy. Its Stack stops no single process; the helpers only want the URLs."""
    stack = Stack(prod.env, prod.log_dir)
    return System(
        prod.url, prod.url, prod.graph_url, prod.simulator_url, prod.env, prod.log_dir, stack
    )


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[System]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make model` (make test does)")
    work = tmp_path_factory.mktemp("e2e")
    log_dir = Path(os.environ.get("E2E_LOG_DIR") or work / "logs")
    shutil.copy(template_db, work / "backend.db")
    ports = {name: free_port() for name in ("RASA", "ACTIONS", "BACKEND", "SIMULATOR")}
    simulator_url = f"http://127.0.0.1:{ports['SIMULATOR']}"
    graph_url = f"{simulator_url}/graph"
    env = {
        **{k: v for k, v in os.environ.items() if k not in SECRETS},
        **SECRETS,
        "RASA_PORT": str(ports["RASA"]),
        "ACTIONS_PORT": str(ports["ACTIONS"]),
        "BACKEND_PORT": str(ports["BACKEND"]),
        "SIMULATOR_PORT": str(ports["SIMULATOR"]),
        # Known before the stack starts: the simulator posts the webhooks to them.
        "BACKEND_URL": f"http://127.0.0.1:{ports['BACKEND']}",
        "RASA_URL": f"http://127.0.0.1:{ports['RASA']}",
        "MESSENGER_GRAPH_URL": graph_url,
        "MESSENGER_GRAPH_VERSION": "v21.0",
        "DATABASE_URL": f"sqlite+aiosqlite:///{work / 'backend.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{work / 'tracker.db'}",
        "MESSENGER_STORE_PATH": str(work / "messenger-customers.db"),
        "WHATSAPP_STORE_PATH": str(work / "whatsapp-customers.db"),
        # The website chat: the sample site (the simulator's /site) is the allowed page.
        "WEBCHAT_SECRET": "e2e-webchat-secret",
        "WEBCHAT_ALLOWED_ORIGINS": simulator_url,
    }
    log_dir.mkdir(parents=True, exist_ok=True)
    graph_log = (log_dir / "simulator.log").open("wb")
    graph = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--port", str(ports["SIMULATOR"])],
        cwd=ROOT,
        env=env,
        stdout=graph_log,
        stderr=subprocess.STDOUT,
    )
    # What a Rasa server killed after acknowledging a message (before answering) leaves behind.
    crashed = MessengerStore(Path(env["MESSENGER_STORE_PATH"]))
    event = InboundEvent(CRASHED_SENDER, "customer-page", 1, "text", text="Hallo", mid="m_crashed")
    crashed.store_inbound([(event.dedupe_key, event.sender_id, event.to_json())])
    crashed.close()
    stack = Stack(env, log_dir)
    try:
        stack.build()
        stack.start(timeout=400)
        yield stack_system(stack, graph_url, simulator_url)
    finally:
        stack.stop()
        graph.terminate()
        graph.wait(timeout=10)
        graph_log.close()
        # Keep the logs where CI can find them when something failed.
        artifacts = ROOT / "test-artifacts" / "e2e-logs"
        artifacts.mkdir(parents=True, exist_ok=True)
        for log in log_dir.glob("*.log"):
            shutil.copy(log, artifacts / log.name)


async def post_customer_webhook(
    system: System, events: list[dict[str, object]], secret: str | None = None
) -> int:
    """POST a signed customers' page webhook to the Rasa server; returns the status."""
    raw, headers = encode_signed(
        page_body("customer-page", events), secret or SECRETS["CUSTOMER_APP_SECRET"]
    )
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{system.rasa_url}/webhooks/messenger/webhook", data=raw, headers=headers) as r,
    ):
        return r.status
