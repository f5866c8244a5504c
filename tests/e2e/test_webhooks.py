"""The customers' webhook on the real Rasa server: authentication and de-duplication."""

from __future__ import annotations

import aiohttp

from simulator.graph_client import fetch_calls, wait_for_calls
from simulator.webhook_bodies import encode_signed, text_event
from tests.e2e.conftest import CRASHED_SENDER, SECRETS, System, post_customer_webhook
from tests.e2e.conversation import Chat, question, text

WEBHOOK = "/webhooks/messenger/webhook"


def _is_message(call: dict[str, object]) -> bool:
    return isinstance(call["body"], dict) and "message" in call["body"]


async def test_meta_verification_handshake(system: System) -> None:
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": SECRETS["CUSTOMER_VERIFY_TOKEN"],
        "hub.challenge": "1158201444",
    }
    async with aiohttp.ClientSession() as http:
        async with http.get(system.rasa_url + WEBHOOK, params=params) as ok:
            assert (ok.status, await ok.text()) == (200, "1158201444")
        params["hub.verify_token"] = "guess"
        async with http.get(system.rasa_url + WEBHOOK, params=params) as wrong:
            assert wrong.status == 403


async def test_forged_or_malformed_deliveries_are_refused_and_not_answered(system: System) -> None:
    forger, honest = "e2e-forger", "e2e-honest"
    hello = [text_event(forger, "customer-page", "Hallo")]
    assert await post_customer_webhook(system, hello, secret="not-the-secret") == 403
    junk, headers = encode_signed({"object": "page", "entry": 1}, SECRETS["CUSTOMER_APP_SECRET"])
    async with aiohttp.ClientSession() as http:
        async with http.post(system.rasa_url + WEBHOOK, data=b"{}") as unsigned:
            assert unsigned.status == 403
        async with http.post(system.rasa_url + WEBHOOK, data=junk, headers=headers) as bad:
            assert bad.status == 400
    # A signed greeting from someone else proves the bot is answering at all …
    assert (
        await post_customer_webhook(system, [text_event(honest, "customer-page", "Hallo")]) == 200
    )
    await wait_for_calls(system.graph_url, _is_message, 90, recipient=honest)
    # … and the forger got nothing.
    assert (await fetch_calls(system.graph_url, recipient=forger))[0] == []


async def test_a_redelivered_message_is_answered_once(system: System) -> None:
    sender = "e2e-redelivery"
    event = text_event(sender, "customer-page", "Hallo", mid="m_e2e_redelivery_1")
    for _ in range(3):
        assert await post_customer_webhook(system, [event]) == 200
    # One person's messages are answered in arrival order, so once the next message is
    # answered, a duplicate turn for the redeliveries would have shown up before it.
    chat = Chat(system, sender)
    await chat.send_text("Mein Drucker druckt nicht mehr", lambda c: question(c) == "postal_code")
    calls, _ = await fetch_calls(system.graph_url, recipient=sender)
    texts = [text(c) for c in calls if _is_message(c)]
    assert len([t for t in texts if "automatische Assistent" in t]) == 1, texts
    assert len(texts) == len(set(texts)), texts


async def test_a_message_acknowledged_before_a_crash_is_answered_after_the_restart(
    system: System,
) -> None:
    # The fixture left a stored, unanswered "Hallo" behind, as a killed process would.
    await wait_for_calls(system.graph_url, _is_message, 90, recipient=CRASHED_SENDER)
