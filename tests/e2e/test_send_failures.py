"""The bot's answers when Meta's Send API fails, with the fake Graph API answering errors:
a transient error is retried until the answer is out, in order and once; a permanent one is
recorded and never retried."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from simulator.graph_client import clear_faults, fetch_calls, inject_faults
from tests.e2e.conftest import System
from tests.e2e.conversation import Call, Chat, is_message, question, text


@pytest.fixture
async def faults_cleared(system: System) -> AsyncIterator[None]:
    yield
    # Faults are global to the fake: never leave one behind for the next test.
    await clear_faults(system.graph_url)


async def _messages(system: System, psid: str) -> list[Call]:
    calls, _ = await fetch_calls(system.graph_url, recipient=psid)
    return [c for c in calls if is_message(c)]


def _delivered_category_question(call: Call) -> bool:
    return question(call) == "category" and call["status"] == 200


async def test_meta_briefly_unavailable_the_answer_still_arrives_in_order_and_once(
    system: System, faults_cleared: None
) -> None:
    sender = "e2e-meta-down"
    # Code 2, "service temporarily unavailable", for the next two messages.
    await inject_faults(system.graph_url, 2, status=503, applies_to="messages")
    chat = Chat(system, sender)
    await chat.send_text("Hallo", _delivered_category_question)

    messages = await _messages(system, sender)
    failed = [text(c) for c in messages if c["fault"]]
    delivered = [text(c) for c in messages if c["status"] == 200]
    assert failed, "the fault was meant for this conversation"
    assert set(failed) <= set(delivered)  # each failed message went out later …
    assert len(delivered) == len(set(delivered)), delivered  # … once
    welcome = next(i for i, t in enumerate(delivered) if "automatische Assistent" in t)
    areas = next(i for i, t in enumerate(delivered) if "Womit können wir" in t)
    assert welcome < areas  # a retried message is never overtaken


async def test_a_message_meta_refuses_for_good_is_not_retried(
    system: System, faults_cleared: None
) -> None:
    sender = "e2e-meta-refuses"
    refusal = {"code": 551, "message": "(#551) This person isn't available right now."}
    await inject_faults(system.graph_url, 1, status=400, error=refusal, applies_to="messages")
    chat = Chat(system, sender)
    await chat.send_text("Hallo", _delivered_category_question)
    # One person's messages go out in order, so a retry of the refused one would come before
    # the answer to the next message.
    await chat.send_text("Mein Drucker druckt nicht mehr", lambda c: question(c) == "postal_code")

    messages = await _messages(system, sender)
    refused = [c for c in messages if c["fault"]]
    assert len(refused) == 1 and refused[0]["status"] == 400
    assert [text(c) for c in messages].count(text(refused[0])) == 1
