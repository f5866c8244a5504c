"""Our Messenger channel inside the real Rasa server (trained model, action server, backend)
with the simulator's fake Graph API: the locale from the profile decides the first answer, a
hand-off pauses the bot (Rasa keeps logging what the customer writes, answers nothing, and the
typing bubble goes away), and support's `resume` event brings the bot back.

The model is models/techfriends.tar.gz (`make model`); TECHFRIENDS_MODEL points elsewhere.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import tools.stack
from actions.backend_client import BackendClient
from actions.jobs import build_job_request, idempotency_key
from simulator.graph_client import fetch_calls, wait_for_calls
from simulator.webhook_bodies import encode_signed, page_body, text_event
from tools.postgres import free_port
from tools.stack import ROOT, Stack

SECRETS = {
    "CUSTOMER_PAGE_ACCESS_TOKEN": "channel-customer-page-token",
    "CUSTOMER_APP_SECRET": "channel-customer-secret",
    "CUSTOMER_VERIFY_TOKEN": "channel-customer-verify",
    "FRIENDS_PAGE_ACCESS_TOKEN": "channel-friends-page-token",
    "FRIENDS_APP_SECRET": "channel-friends-secret",
    "FRIENDS_VERIFY_TOKEN": "channel-friends-verify",
    "BACKEND_API_TOKEN": "channel-api-token",
    "BACKEND_ADMIN_TOKEN": "channel-admin-token",
    "RASA_TOKEN": "channel-rasa-token",
}
TOKEN = SECRETS["CUSTOMER_PAGE_ACCESS_TOKEN"]
# One turn on two shared cores while other suites run can take a while.
TURN_SECONDS = 90.0


def _free_port() -> int:
    return free_port()


@dataclass
class Running:
    rasa_url: str
    graph_url: str
    simulator_url: str
    store_path: Path
    backend_url: str


def _wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} not healthy after {seconds:.0f}s")


def stack_ports() -> dict[str, int]:
    return {name: free_port() for name in ("RASA", "ACTIONS", "BACKEND", "SIMULATOR")}


@contextmanager
def started_stack(
    work: Path,
    template_db: Path,
    ports: dict[str, int],
    start_timeout: float,
    extra_env: dict[str, str] | None = None,
) -> Iterator[tuple[dict[str, str], Stack, str]]:
    """The simulator, then Rasa, actions and backend on their own files in `work` (the backend
    database copied from the template); yields the environment, the stack and the simulator's
    URL, and stops everything afterwards."""
    model = Path(os.environ.get("TECHFRIENDS_MODEL") or tools.stack.MODEL)
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make model` (make test does)")
    shutil.copy(template_db, work / "backend.db")
    simulator_url = f"http://127.0.0.1:{ports['SIMULATOR']}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in SECRETS},
        **SECRETS,
        **{f"{name}_PORT": str(port) for name, port in ports.items()},
        "BACKEND_URL": f"http://127.0.0.1:{ports['BACKEND']}",
        "RASA_URL": f"http://127.0.0.1:{ports['RASA']}",
        "MESSENGER_GRAPH_URL": f"{simulator_url}/graph",
        "MESSENGER_GRAPH_VERSION": "v21.0",
        "DATABASE_URL": f"sqlite+aiosqlite:///{work / 'backend.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{work / 'tracker.db'}",
        "MESSENGER_STORE_PATH": str(work / "messenger-customers.db"),
        **(extra_env or {}),
    }
    logs = work / "logs"
    logs.mkdir()
    with (logs / "simulator.log").open("wb") as log:
        simulator = subprocess.Popen(
            [sys.executable, "-m", "simulator", "--port", str(ports["SIMULATOR"])],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    stack = Stack(env, logs)
    original_model = tools.stack.MODEL
    tools.stack.MODEL = model  # read by Stack.build
    try:
        _wait_healthy(f"{simulator_url}/healthz", simulator, 60)
        stack.build()
        stack.start(timeout=start_timeout)
        yield env, stack, simulator_url
    finally:
        tools.stack.MODEL = original_model
        stack.stop()
        simulator.terminate()
        simulator.wait(timeout=10)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Running]:
    work = tmp_path_factory.mktemp("channel")
    with started_stack(work, template_db, stack_ports(), 400) as (env, _, simulator_url):
        yield Running(
            env["RASA_URL"],
            f"{simulator_url}/graph",
            simulator_url,
            Path(env["MESSENGER_STORE_PATH"]),
            env["BACKEND_URL"],
        )


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _say(http: aiohttp.ClientSession, running: Running, psid: str, text: str) -> int:
    """The customer writes; returns the seq after which the bot's answer will be recorded."""
    _, since = await fetch_calls(running.graph_url, since=0)
    raw, headers = encode_signed(
        page_body("customer-page", [text_event(psid, "customer-page", text)]),
        SECRETS["CUSTOMER_APP_SECRET"],
    )
    async with http.post(
        f"{running.rasa_url}/webhooks/messenger/webhook", data=raw, headers=headers
    ) as response:
        assert response.status == 200, await response.text()
    return since


async def _turn_done(running: Running, psid: str) -> None:
    """Wait until the channel has finished every turn of ``psid`` (it marks each received event
    handled after Rasa's last action), so the tracker read next is complete."""
    deadline = time.monotonic() + TURN_SECONDS
    while True:
        with sqlite3.connect(running.store_path) as db:
            open_turns = db.execute(
                "SELECT COUNT(*) FROM inbox WHERE sender = ? AND handled_at IS NULL", (psid,)
            ).fetchone()[0]
        if open_turns == 0:
            return
        assert time.monotonic() < deadline, f"{psid}: turn not finished in {TURN_SECONDS}s"
        await asyncio.sleep(0.1)


def _is_text_to(psid: str) -> Any:
    def check(call: dict[str, Any]) -> bool:
        body = call["body"]
        return (
            call["path"].endswith("/me/messages")
            and (body.get("recipient") or {}).get("id") == psid
            and "message" in body
        )

    return check


async def _answers(running: Running, psid: str, since: int) -> list[dict[str, Any]]:
    """The bot's messages to ``psid`` after ``since`` (waits for the first)."""
    return await wait_for_calls(running.graph_url, _is_text_to(psid), TURN_SECONDS, since=since)


def _text(call: dict[str, Any]) -> str:
    return str((call["body"].get("message") or {}).get("text") or "")


async def _tracker(http: aiohttp.ClientSession, running: Running, psid: str) -> dict[str, Any]:
    await _turn_done(running, psid)
    async with http.get(
        f"{running.rasa_url}/conversations/{psid}/tracker",
        params={"token": SECRETS["RASA_TOKEN"]},
    ) as response:
        assert response.status == 200, await response.text()
        tracker: dict[str, Any] = await response.json()
        return tracker


async def _set_profile(
    http: aiohttp.ClientSession, running: Running, psid: str, **fields: str
) -> None:
    async with http.put(f"{running.graph_url}/_control/profiles/{psid}", json=fields) as r:
        assert r.status == 200, await r.text()


async def test_an_english_phone_gets_an_english_welcome_for_a_tap_on_get_started(
    running: Running, http: aiohttp.ClientSession
) -> None:
    await _set_profile(http, running, "chan-en", first_name="Margaret", locale="en_GB")
    since = await _say(http, running, "chan-en", "/get_started")
    calls = await wait_for_calls(
        running.graph_url, _is_text_to("chan-en"), TURN_SECONDS, since=since
    )
    assert "automated assistant" in _text(calls[0])
    profile_lookups = [
        c
        for c in (await fetch_calls(running.graph_url))[0]
        if c["method"] == "GET" and c["path"].endswith("/chan-en")
    ]
    assert len(profile_lookups) == 1
    # German text wins over the English phone from then on.
    since = await _say(http, running, "chan-en", "Mein Drucker druckt nicht mehr")

    def asks_postal_code(call: dict[str, Any]) -> bool:
        return _is_text_to("chan-en")(call) and "Postleitzahl" in _text(call)

    await wait_for_calls(running.graph_url, asks_postal_code, TURN_SECONDS, since=since)
    lookups_after = [
        c
        for c in (await fetch_calls(running.graph_url))[0]
        if c["method"] == "GET" and c["path"].endswith("/chan-en")
    ]
    assert len(lookups_after) == 1  # asked once per sender


async def test_after_a_hand_off_the_bot_is_silent_until_support_resumes(
    running: Running, http: aiohttp.ClientSession
) -> None:
    psid = "chan-handoff"
    since = await _say(http, running, psid, "ich möchte mit einem Menschen sprechen")
    calls = await wait_for_calls(running.graph_url, _is_text_to(psid), TURN_SECONDS, since=since)
    assert "Menschen aus unserem Team" in _text(calls[0])
    tracker = await _tracker(http, running, psid)
    assert tracker["slots"]["handed_off"] is True
    assert tracker["events"][-1]["event"] in ("pause", "action")

    # Written while paused: logged for support, not answered, and the typing bubble goes away.
    since = await _say(http, running, psid, "hallo? ist da jemand?")

    def typing_off(call: dict[str, Any]) -> bool:
        body = call["body"]
        return (body.get("recipient") or {}).get("id") == psid and body.get(
            "sender_action"
        ) == "typing_off"

    await wait_for_calls(running.graph_url, typing_off, TURN_SECONDS, since=since)
    after, _ = await fetch_calls(running.graph_url, since=since)
    assert not [c for c in after if _is_text_to(psid)(c)]
    tracker = await _tracker(http, running, psid)
    assert tracker["latest_message"]["text"] == "hallo? ist da jemand?"
    assert tracker["paused"] is True

    # Support staff hand back (support console): Rasa's `resume` event, then `action_listen`
    # so that the next message starts a clean turn (the messages written while paused were
    # logged without one, and the rules expect a turn to start after action_listen).
    async with http.post(
        f"{running.rasa_url}/conversations/{psid}/tracker/events",
        params={"token": SECRETS["RASA_TOKEN"]},
        json=[{"event": "resume"}, {"event": "action", "name": "action_listen"}],
    ) as response:
        assert response.status == 200, await response.text()
    since = await _say(http, running, psid, "Hallo")
    calls = await wait_for_calls(running.graph_url, _is_text_to(psid), TURN_SECONDS, since=since)
    assert "automatische Assistent" in _text(calls[0])
    tracker = await _tracker(http, running, psid)
    assert tracker["paused"] is False
    assert tracker["slots"]["handed_off"] is False


async def test_three_messages_not_understood_in_a_row_reach_a_person(
    running: Running, http: aiohttp.ClientSession
) -> None:
    psid = "chan-fallback"
    answers = []
    for text in ("qwrtz plmkn", "xjq vbnm zzt", "qqq wvx jjk"):
        since = await _say(http, running, psid, text)
        calls = await wait_for_calls(
            running.graph_url, _is_text_to(psid), TURN_SECONDS, since=since
        )
        answers.append(_text(calls[0]))
    assert "nicht verstanden" in answers[0]
    assert "Menschen aus unserem Team" in answers[2]
    assert (await _tracker(http, running, psid))["paused"] is True


async def _trigger(
    http: aiohttp.ClientSession, running: Running, psid: str, intent: str, **entities: str
) -> int:
    """The backend's news, sent as the backend does (backend/adapters/rasa.py)."""
    _, since = await fetch_calls(running.graph_url, since=0)
    async with http.post(
        f"{running.rasa_url}/conversations/{psid}/trigger_intent",
        params={"output_channel": "messenger", "token": SECRETS["RASA_TOKEN"]},
        json={"name": intent, "entities": entities},
    ) as response:
        assert response.status == 200, await response.text()
    return since


async def test_news_in_a_fresh_conversation_reach_an_english_customer_in_english(
    running: Running, http: aiohttp.ClientSession
) -> None:
    """No tracker for this customer yet (as after a tracker store restart): the bot learns the
    language from the job and every piece of news arrives in English."""
    psid = "chan-news-en"
    start = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    slots = {
        "description": "My wifi keeps dropping",
        "category": "internet_wifi",
        "country": "DE",
        "postal_code": "10115",
        "package": "quick_help",
        "street": "Invalidenstraße 1",
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(hours=4)).isoformat(),
        "customer_name": "Margaret Smith",
        "phone": "+491719876543",
        "language": "en",
    }
    request = build_job_request(slots, psid)
    client = BackendClient(running.backend_url, SECRETS["BACKEND_API_TOKEN"])
    reference = str((await client.create_job(request, idempotency_key(psid, request)))["reference"])
    # The customer wrote once (Messenger only lets the page answer within 24 hours of that),
    # then the tracker starts afresh: no slots, no earlier message, German by default.
    since = await _say(http, running, psid, "Hello")
    await _answers(running, psid, since)
    await _tracker(http, running, psid)
    async with http.post(
        f"{running.rasa_url}/conversations/{psid}/tracker/events",
        params={"token": SECRETS["RASA_TOKEN"]},
        json=[{"event": "restart"}, {"event": "action", "name": "action_listen"}],
    ) as response:
        assert response.status == 200, await response.text()
    assert (await _tracker(http, running, psid))["slots"]["language"] == "de"
    news = [
        ("EXTERNAL_friend_handed_back", {"friend_name": "Lena"}, "cannot come to you"),
        ("EXTERNAL_friend_missed_deadline", {}, "did not get in touch"),
        ("EXTERNAL_friend_assigned", {"friend_name": "Max"}, "has taken on your request"),
        ("EXTERNAL_nobody_found", {}, "no technician near you"),
        ("EXTERNAL_friend_contacted", {"friend_name": "Max"}, "Max has let us know"),
        ("EXTERNAL_job_cancelled", {"cancelled_by": "support"}, "has been cancelled"),
        ("EXTERNAL_job_completed", {"friend_name": "Max"}, "Glad that Max could help"),
    ]
    for intent, entities, expected in news:
        since = await _trigger(http, running, psid, intent, job_reference=reference, **entities)
        calls = await _answers(running, psid, since)
        assert expected in _text(calls[0]), (intent, _text(calls[0]))
        assert reference in _text(calls[0]) or intent == "EXTERNAL_job_completed"
    tracker = await _tracker(http, running, psid)
    assert tracker["slots"]["language"] == "en"
    assert tracker["active_loop"]["name"] == "rating_form"
    # "later" ends the rating politely; the job stays as it is.
    since = await _say(http, running, psid, "later")
    calls = await _answers(running, psid, since)
    assert "leave the rating" in _text(calls[0])
    tracker = await _tracker(http, running, psid)
    assert not tracker["active_loop"]
    job = await client.get_job(reference)
    assert job is not None and job["status"] != "cancelled"
