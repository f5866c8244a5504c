"""How the customers' webhook on the real Rasa server treats what Meta delivers: a process
killed with SIGKILL between the 200 and the answer, batches, oversized bodies, unknown events.

"Answered once" is proved without waiting for time to pass: one person's messages are answered
in the order they arrived (replays after a restart first), so once the answer to a follow-up
message is there, any duplicate answer to the earlier one would be there too.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import aiohttp

from simulator.graph_client import fetch_calls
from simulator.webhook_bodies import encode_signed, page_body, text_event
from tests.e2e.conftest import SECRETS, System, post_customer_webhook
from tests.e2e.conversation import Chat, is_message, question, text
from tools.stack import Service

RESTART_SECONDS = 400


def _service(system: System, name: str) -> Service:
    return next(s for s in system.stack.services if s.name == name)


def _signal_group(service: Service, sig: signal.Signals) -> None:
    assert service.process is not None
    os.killpg(service.process.pid, sig)


def _restart(service: Service) -> None:
    service.start()
    deadline = time.monotonic() + RESTART_SECONDS
    while not service.healthy():
        code = service.exited()
        assert code is None, f"{service.name} exited with {code}:\n{service.tail()}"
        assert time.monotonic() < deadline, f"{service.name} not healthy:\n{service.tail()}"
        time.sleep(0.5)


async def _messages_to(system: System, psid: str) -> list[str]:
    calls, _ = await fetch_calls(system.graph_url, recipient=psid)
    return [text(c) for c in calls if is_message(c)]


async def test_killed_between_the_200_and_the_answer_it_answers_once_after_restart(
    system: System,
) -> None:
    rasa, actions = _service(system, "rasa"), _service(system, "actions")
    sender = "e2e-kill-9"
    # Every turn begins with action_validate_slot_mappings on the action server. With that
    # process stopped, the turn stalls at its first step, before it sends anything: the kill
    # lands after the acknowledgement and before the answer, by construction, not by timing.
    _signal_group(actions, signal.SIGSTOP)
    try:
        hello = text_event(sender, "customer-page", "Hallo", mid="m_e2e_kill_9")
        assert await post_customer_webhook(system, [hello]) == 200
        _signal_group(rasa, signal.SIGKILL)
        assert rasa.process is not None
        await asyncio.to_thread(rasa.process.wait, 30)
        assert rasa.process.returncode == -signal.SIGKILL
    finally:
        _signal_group(actions, signal.SIGCONT)
    assert await _messages_to(system, sender) == []  # nothing answered before the kill

    await asyncio.to_thread(_restart, rasa)
    # Meta redelivers what it thinks was lost; the stored copy is recognised.
    assert await post_customer_webhook(system, [hello]) == 200
    chat = Chat(system, sender)
    welcome = await chat.wait_until(lambda c: question(c) == "category")
    assert any("automatische Assistent" in text(c) for c in welcome)
    await chat.send_text("Mein Drucker druckt nicht mehr", lambda c: question(c) is not None)

    said = await _messages_to(system, sender)
    welcomes = [t for t in said if "automatische Assistent" in t]
    assert len(welcomes) == 1, said
    assert len(said) == len(set(said)), said


async def test_three_events_in_one_post_are_all_answered_in_order(system: System) -> None:
    sender = "e2e-batch"
    events = [
        text_event(sender, "customer-page", "Hallo"),
        text_event(sender, "customer-page", "Mein WLAN bricht ständig ab"),
        text_event(sender, "customer-page", "10115"),
    ]
    assert await post_customer_webhook(system, events) == 200
    chat = Chat(system, sender)
    await chat.wait_until(lambda c: question(c) == "package")
    calls, _ = await fetch_calls(system.graph_url, recipient=sender)
    asked = [q for c in calls if is_message(c) and (q := question(c))]
    assert asked == ["category", "postal_code", "package"], chat.transcript


async def test_a_body_over_one_mebibyte_is_refused_and_never_answered(system: System) -> None:
    sender = "e2e-huge"
    huge = text_event(sender, "customer-page", "Hallo " + "x" * (2 * 1024 * 1024))
    raw, headers = encode_signed(page_body("customer-page", [huge]), SECRETS["CUSTOMER_APP_SECRET"])
    assert len(raw) > 2 * 1024 * 1024
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{system.rasa_url}/webhooks/messenger/webhook", data=raw, headers=headers
        ) as response,
    ):
        assert response.status == 400
    # Still healthy, and the refused message left nothing to answer before the next one.
    chat = Chat(system, sender)
    await chat.send_text("Hallo", lambda c: question(c) == "category")
    said = await _messages_to(system, sender)
    assert len([t for t in said if "automatische Assistent" in t]) == 1, said


async def test_unknown_events_and_receipts_are_acknowledged_and_ignored(system: System) -> None:
    sender = "e2e-noise"
    base = {"sender": {"id": sender}, "recipient": {"id": "customer-page"}, "timestamp": 1}
    noise = [
        {**base, "reaction": {"mid": "m_x", "action": "react", "emoji": "👍"}},
        {**base, "game_play": {"game_id": "1", "score": 3}},
        {**base, "delivery": {"mids": ["m_x"], "watermark": 1}},
        {**base, "read": {"watermark": 1}},
        {**base, "message": {"mid": "m_echo", "is_echo": True, "text": "Hallo"}},
    ]
    assert await post_customer_webhook(system, noise) == 200
    chat = Chat(system, sender)
    await chat.send_text("Hallo", lambda c: question(c) == "category")
    said = await _messages_to(system, sender)
    # Only "Hallo" was answered: a welcome and the areas, nothing for the noise before it.
    assert len([t for t in said if "automatische Assistent" in t]) == 1, said
    assert len(said) == len(set(said)), said
