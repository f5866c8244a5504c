"""The action server down when a customer taps Confirm: the customer is told the request was
not sent, and after a retry there is exactly one job — never two, never a half-created one.
Down mid-form: the customer is asked to write again, and the answer counts once written again.

Two ways to be down: stopped before the tap, and killed while its POST of the job is waiting
at a frozen backend (the backend then creates the job the dead action never hears of; the
retry carries the same Idempotency-Key and must get that job back, not a second one).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from typing import Any

import pytest

from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import (
    FRANKFURT_TV_CUSTOMER,
    Call,
    Chat,
    Customer,
    api,
    book,
    playing,
    question,
    quick_replies,
    text,
)
from tools.stack import Service

pytestmark = pytest.mark.faults

API_TOKEN = SECRETS["BACKEND_API_TOKEN"]
RESTART_SECONDS = 300
NOT_SENT = ("noch nicht abgeschickt", "has not been sent")
TRY_AGAIN = ("ich erreiche unser System gerade nicht", "I cannot reach our system right now")


class AtConfirm(Exception):
    """Raised instead of tapping Confirm under the summary, so the test decides what happens."""


class StopsAtConfirm(Chat):
    async def deliver_tap(self, title: str, payload: str) -> None:
        if payload == "/affirm" and self.summary_shown:
            self.transcript.pop()  # not tapped after all
            raise AtConfirm
        await super().deliver_tap(title, payload)

    async def wait_until(self, until: Any) -> list[Call]:
        calls = await super().wait_until(until)
        asked = [q for c in calls if (q := question(c))]
        self.summary_shown = bool(asked) and asked[-1] == "summary"
        return calls

    summary_shown = False


class AtStreet(Exception):
    """Raised instead of answering the street question, so the test decides what happens."""


class StopsAtStreet(Chat):
    async def deliver_text(self, message: str) -> None:
        if self.asked == "street":
            self.transcript.pop()  # not written after all
            raise AtStreet
        await super().deliver_text(message)

    async def wait_until(self, until: Any) -> list[Call]:
        calls = await super().wait_until(until)
        asked = [q for c in calls if (q := question(c))]
        self.asked = asked[-1] if asked else None
        return calls

    asked: str | None = None


def _customer(psid: str) -> Customer:
    return playing(FRANKFURT_TV_CUSTOMER, psid)


async def _up_to_the_summary(system: System, psid: str) -> StopsAtConfirm:
    chat = StopsAtConfirm(system, psid)
    with pytest.raises(AtConfirm):
        await book(system, _customer(psid), chat)
    chat.summary_shown = False  # from here on the test taps itself
    return chat


def _service(system: System, name: str) -> Service:
    return next(s for s in system.stack.services if s.name == name)


def _kill(service: Service) -> None:
    assert service.process is not None
    os.killpg(service.process.pid, signal.SIGKILL)
    service.process.wait(timeout=30)


def _start(service: Service) -> float:
    started = time.monotonic()
    service.start()
    while not service.healthy():
        assert service.exited() is None, f"{service.name} exited:\n{service.tail()}"
        assert time.monotonic() - started < RESTART_SECONDS, service.tail()
        time.sleep(0.5)
    return time.monotonic() - started


async def _jobs(system: System, psid: str) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = await api(
        system, "GET", f"/api/v1/jobs?customer_psid={psid}", API_TOKEN
    )
    return jobs


def _told_not_sent(calls: list[Call]) -> Call:
    told = [c for c in calls if any(words in text(c) for words in NOT_SENT)]
    assert told, "the customer was not told the request did not go out"
    assert "/affirm" in quick_replies(told[-1]) or "/affirm" in str(told[-1]["body"])
    return told[-1]


async def _retry_books_one_job(system: System, chat: StopsAtConfirm, psid: str) -> str:
    calls = await chat.send_tap(
        "Nochmal versuchen", "/affirm", lambda c: question(c) == "submitted"
    )
    confirmation = next(text(c) for c in calls if question(c) == "submitted")
    jobs = await _jobs(system, psid)
    assert len(jobs) == 1, f"{len(jobs)} jobs after the retry: {jobs}"
    assert jobs[0]["reference"] in confirmation
    # Complete, not half-created: what the customer confirmed is all there.
    assert jobs[0]["postal_code"] == "60311" and jobs[0]["customer"]["phone"]
    return str(jobs[0]["reference"])


async def test_action_server_stopped_before_confirm(system: System) -> None:
    psid = "faults-actions-stopped"
    chat = await _up_to_the_summary(system, psid)
    actions = _service(system, "actions")
    await asyncio.to_thread(_kill, actions)
    try:
        calls = await chat.send_tap(
            "Ja", "/affirm", lambda c: any(words in text(c) for words in NOT_SENT)
        )
        _told_not_sent(calls)
        assert await _jobs(system, psid) == [], "nothing is created while the actions are down"
    finally:
        restart = await asyncio.to_thread(_start, actions)
    reference = await _retry_books_one_job(system, chat, psid)
    print(f"\nactions stopped at Confirm: told, restarted in {restart:.0f} s, {reference} once")


async def test_action_server_killed_while_its_post_waits_at_the_backend(system: System) -> None:
    psid = "faults-actions-killed"
    chat = await _up_to_the_summary(system, psid)
    actions, backend = _service(system, "actions"), _service(system, "backend")
    assert backend.process is not None
    # Frozen, the backend still accepts the connection (the kernel does): the action's POST
    # is sent and waits for an answer that comes only after the action server is gone.
    os.killpg(backend.process.pid, signal.SIGSTOP)
    try:
        await chat.deliver_tap("Ja", "/affirm")
        await asyncio.sleep(4.0)
        await asyncio.to_thread(_kill, actions)
    finally:
        os.killpg(backend.process.pid, signal.SIGCONT)
    try:
        calls = await chat.wait_until(lambda c: any(words in text(c) for words in NOT_SENT))
        _told_not_sent(calls)
        # The backend may have made the job from the orphaned POST: then it is the one.
        orphaned = await _jobs(system, psid)
        assert len(orphaned) <= 1, orphaned
    finally:
        restart = await asyncio.to_thread(_start, actions)
    reference = await _retry_books_one_job(system, chat, psid)
    if orphaned:
        assert orphaned[0]["reference"] == reference, "the retry made a second job"
    print(
        f"\nactions killed mid-POST: told, job from the dead POST: {bool(orphaned)}, "
        f"restarted in {restart:.0f} s, {reference} once"
    )


async def test_action_server_stopped_mid_form(system: System) -> None:
    psid = "faults-actions-mid-form"
    chat = StopsAtStreet(system, psid)
    with pytest.raises(AtStreet):
        await book(system, _customer(psid), chat)
    chat.asked = None  # from here on the test writes itself
    actions = _service(system, "actions")
    await asyncio.to_thread(_kill, actions)
    try:
        calls = await chat.send_text(
            "Zeil 10", lambda c: any(words in text(c) for words in TRY_AGAIN)
        )
        assert not [q for c in calls if (q := question(c))], "the form went on without actions"
    finally:
        restart = await asyncio.to_thread(_start, actions)
    calls = await chat.send_text("Zeil 10", lambda c: question(c) not in (None, "street"))
    asked = [q for c in calls if (q := question(c))]
    assert asked[-1] in ("time", "name", "phone", "consent", "summary"), chat.transcript
    assert await _jobs(system, psid) == []
    print(f"\nactions stopped mid-form: asked to write again, restarted in {restart:.0f} s")
