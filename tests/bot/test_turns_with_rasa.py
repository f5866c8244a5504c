"""No customer turn is dropped silently, and the bot works on a bounded number at once.

The real Rasa server (trained model) with our channel, the real action server and backend, and
the simulator's fake Graph API; between Rasa and the action server sits a proxy in this test
that forwards, answers 500, refuses connections (the action server down) or holds calls longer
than the action call timeout, and counts the calls running at once. Every turn calls the action
server (action_validate_slot_mappings sets the language on every message), so the calls in
flight are the turns being worked on.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from simulator.graph_client import fetch_calls, wait_for_calls
from simulator.webhook_bodies import encode_signed, page_body, text_event
from tests.bot.test_channel_with_rasa import SECRETS, stack_ports, started_stack
from tests.e2e.conversation import question
from tools.postgres import free_port
from tools.stack import Service, Stack

CONCURRENT_TURNS = 2
CALL_TIMEOUT_SECONDS = 3
APOLOGY = ("ich erreiche unser System gerade nicht", "I cannot reach our system right now")
TURN_SECONDS = 120.0
RASA_START_SECONDS = 400.0


@dataclass
class ActionProxy:
    """Between Rasa and the action server: forwards, or fails the way it is told to."""

    target: str
    port: int = field(default_factory=free_port)
    mode: str = "forward"  # forward | error | hang
    failures: int = 0  # calls still to fail in the current mode (-1: every call)
    delay: float = 0.0  # seconds every forwarded call is held
    in_flight: int = 0
    most_in_flight: int = 0
    calls: int = 0
    failed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def fail(self, mode: str, count: int = -1) -> None:
        with self._lock:
            self.mode, self.failures = mode, count

    def heal(self) -> None:
        self.fail("forward", 0)

    def reset_counts(self) -> None:
        with self._lock:
            self.most_in_flight = self.in_flight
            self.calls = self.failed = 0

    def _failing(self) -> str | None:
        with self._lock:
            self.calls += 1
            if self.mode == "forward" or self.failures == 0:
                return None
            if self.failures > 0:
                self.failures -= 1
            self.failed += 1
            return self.mode

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def start(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy._enter()
                try:
                    status, data = self._outcome(body)
                finally:
                    # Out of flight before Rasa can have the answer: it may start the next
                    # turn's call the moment it does.
                    proxy._leave()
                self._answer(status, data)

            def _outcome(self, body: bytes) -> tuple[int, bytes]:
                failing = proxy._failing()
                if failing == "error":
                    return 500, b'{"error": "internal"}'
                if failing == "hang":
                    time.sleep(CALL_TIMEOUT_SECONDS + 2)
                    return 500, b'{"error": "too late"}'
                if proxy.delay:
                    time.sleep(proxy.delay)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() in ("content-type", "content-encoding")
                }
                request = urllib.request.Request(proxy.target, body, headers, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=60) as answer:
                        return answer.status, answer.read()
                except urllib.error.HTTPError as exc:
                    return exc.code, exc.read()

            def _answer(self, status: int, data: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # Rasa gave up on this call (its timeout) or was killed

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """The action server is down: connections are refused until start()."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@dataclass
class Running:
    rasa_url: str
    graph_url: str
    store_path: Path
    proxy: ActionProxy
    stack: Stack

    def rasa(self) -> Service:
        return next(s for s in self.stack.services if s.name == "rasa")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Running]:
    work = tmp_path_factory.mktemp("turns")
    ports = stack_ports()
    proxy = ActionProxy(f"http://127.0.0.1:{ports['ACTIONS']}/webhook")
    proxy.start()
    settings = {
        "ACTION_ENDPOINT_URL": proxy.url,
        "MESSENGER_CONCURRENT_TURNS": str(CONCURRENT_TURNS),
        "MESSENGER_TURN_RETRY_SECONDS": "1",
        "ACTION_CALL_TIMEOUT_SECONDS": str(CALL_TIMEOUT_SECONDS),
    }
    try:
        with started_stack(work, template_db, ports, RASA_START_SECONDS, settings) as started:
            env, stack, simulator_url = started
            yield Running(
                env["RASA_URL"],
                f"{simulator_url}/graph",
                Path(env["MESSENGER_STORE_PATH"]),
                proxy,
                stack,
            )
    finally:
        proxy.stop()


@pytest.fixture(autouse=True)
def healed(running: Running) -> Iterator[None]:
    running.proxy.heal()
    running.proxy.delay = 0.0
    # A call held past Rasa's timeout by the test before is still at the proxy for a moment.
    deadline = time.monotonic() + 2 * CALL_TIMEOUT_SECONDS + 5
    while running.proxy.in_flight and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running.proxy.in_flight == 0, "calls of the test before never ended"
    running.proxy.reset_counts()
    yield
    running.proxy.heal()
    running.proxy.delay = 0.0
    if running.proxy._server is None:
        running.proxy.start()


async def _write(running: Running, *messages: tuple[str, str]) -> int:
    """Customers write (psid, text), one webhook each, all at once; returns the Graph API seq
    after which their answers are recorded."""
    _, since = await fetch_calls(running.graph_url, since=0)
    async with aiohttp.ClientSession() as http:
        for psid, said in messages:
            raw, headers = encode_signed(
                page_body("customer-page", [text_event(psid, "customer-page", said)]),
                SECRETS["CUSTOMER_APP_SECRET"],
            )
            async with http.post(
                f"{running.rasa_url}/webhooks/messenger/webhook", data=raw, headers=headers
            ) as response:
                assert response.status == 200, await response.text()
    return since


def _texts_to(calls: list[dict[str, Any]], psid: str) -> list[dict[str, Any]]:
    return [
        c
        for c in calls
        if c["path"].endswith("/me/messages")
        and (c["body"].get("recipient") or {}).get("id") == psid
        and "message" in c["body"]
    ]


def _text(call: dict[str, Any]) -> str:
    return str((call["body"].get("message") or {}).get("text") or "")


async def _until_asked(running: Running, psid: str, since: int) -> list[dict[str, Any]]:
    """The bot's messages to psid after `since`, up to its first question or apology."""

    def done(call: dict[str, Any]) -> bool:
        return bool(_texts_to([call], psid)) and (
            question(call) is not None or any(a in _text(call) for a in APOLOGY)
        )

    await wait_for_calls(running.graph_url, done, TURN_SECONDS, since=since)
    calls, _ = await fetch_calls(running.graph_url, since=since)
    return _texts_to(calls, psid)


def _open_turns(running: Running) -> int:
    with sqlite3.connect(running.store_path) as db:
        return int(db.execute("SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL").fetchone()[0])


async def _until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} after {seconds:.0f} s"
        await asyncio.sleep(0.2)


async def _user_texts(running: Running, psid: str) -> list[str]:
    await _until(lambda: _open_turns(running) == 0, TURN_SECONDS, "turns still open")
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{running.rasa_url}/conversations/{psid}/tracker",
            params={"token": SECRETS["RASA_TOKEN"]},
        ) as response,
    ):
        assert response.status == 200, await response.text()
        tracker = await response.json()
    return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


async def _to_the_postal_code(running: Running, psid: str) -> None:
    since = await _write(running, (psid, "Hallo"))
    asked = [question(c) for c in await _until_asked(running, psid, since)]
    assert "category" in asked, asked
    since = await _write(running, (psid, "Mein Fernseher findet keine Sender mehr"))
    asked = [question(c) for c in await _until_asked(running, psid, since)]
    assert asked[-1] == "postal_code", asked


@pytest.mark.parametrize("failure", ["error", "down", "hang"])
async def test_an_action_failing_mid_form_gets_an_apology_and_the_answer_counts_when_repeated(
    running: Running, failure: str
) -> None:
    psid = f"turns-mid-form-{failure}"
    await _to_the_postal_code(running, psid)
    if failure == "down":
        running.proxy.stop()
    else:
        running.proxy.fail(failure)  # the first run of the turn and the one retry
    try:
        since = await _write(running, (psid, "60311"))
        answers = await _until_asked(running, psid, since)
    finally:
        if failure == "down":
            running.proxy.start()
        running.proxy.heal()
    assert [_text(c) for c in answers if any(a in _text(c) for a in APOLOGY)], answers
    assert all(question(c) is None for c in answers), "the form went on without the action"
    if failure != "down":
        assert running.proxy.failed == 2, "one retry after the first failure"
    # Nothing half-done: Rasa saved nothing of the failed turn.
    assert "60311" not in await _user_texts(running, psid)
    since = await _write(running, (psid, "60311"))
    asked = [question(c) for c in await _until_asked(running, psid, since)]
    assert asked and asked[-1] in ("place", "package", "street"), asked
    assert (await _user_texts(running, psid)).count("60311") == 1


async def test_one_failed_action_call_is_retried_and_the_customer_never_notices(
    running: Running,
) -> None:
    psid = "turns-retried"
    await _to_the_postal_code(running, psid)
    running.proxy.fail("error", 1)
    since = await _write(running, (psid, "60311"))
    answers = await _until_asked(running, psid, since)
    assert running.proxy.failed == 1
    assert not [c for c in answers if any(a in _text(c) for a in APOLOGY)], answers
    assert question(answers[-1]) in ("place", "package", "street"), [_text(c) for c in answers]
    assert (await _user_texts(running, psid)).count("60311") == 1


async def test_more_customers_than_turns_at_once_are_all_answered(running: Running) -> None:
    customers = [f"turns-crowd-{n}" for n in range(CONCURRENT_TURNS + 5)]
    running.proxy.delay = 1.0  # every action call: a slow action server
    since = await _write(running, *((psid, "Hallo") for psid in customers))
    for psid in customers:
        asked = [question(c) for c in await _until_asked(running, psid, since)]
        assert "category" in asked, (psid, asked)
    assert running.proxy.most_in_flight == CONCURRENT_TURNS, running.proxy.most_in_flight


async def test_turns_waiting_for_their_turn_are_answered_once_after_a_kill(
    running: Running,
) -> None:
    customers = [f"turns-killed-{n}" for n in range(CONCURRENT_TURNS + 4)]
    running.proxy.delay = 20.0  # the first turns hold their calls; the rest wait behind them
    since = await _write(running, *((psid, "Hallo") for psid in customers))
    await _until(
        lambda: running.proxy.in_flight >= CONCURRENT_TURNS,
        TURN_SECONDS,
        "the first turns never reached the action server",
    )
    assert _open_turns(running) == len(customers)
    rasa = running.rasa()
    assert rasa.process is not None
    os.killpg(rasa.process.pid, signal.SIGKILL)
    rasa.process.wait(timeout=30)
    running.proxy.delay = 0.0
    rasa.start()
    await _until(lambda: rasa.exited() is not None or rasa.healthy(), RASA_START_SECONDS, "Rasa")
    assert rasa.exited() is None, rasa.tail()
    for psid in customers:
        await _until_asked(running, psid, since)
    await _until(lambda: _open_turns(running) == 0, TURN_SECONDS, "turns still open")
    calls, _ = await fetch_calls(running.graph_url, since=since)
    for psid in customers:
        welcomes = [c for c in _texts_to(calls, psid) if question(c) == "category"]
        assert len(welcomes) == 1, (psid, [_text(c) for c in _texts_to(calls, psid)])
