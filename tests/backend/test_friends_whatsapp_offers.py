"""Offers to Friends on WhatsApp: the template outside the 24-hour window and a claim with its
button; each class of Meta's error codes as the outbox meets it (with a fake Cloud API); the
Messenger message shapes as WhatsApp bodies."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.messenger import button_message, postback_button, quick_replies, text_message
from backend.adapters.orm import Friend, Offer, OutboxMessage, SupportAlert
from backend.adapters.whatsapp import WhatsAppClient
from backend.config import Settings
from backend.services import outbox
from backend.services.outbox import FRIENDS_PAGE
from backend.whatsapp.offer_template import OFFER_PARAMETERS, offer_template
from messenger_platform.send_policy import OutsideWindowError, RateLimiter
from tests.backend.clock import MovableClock, backend, clocked
from tests.backend.conftest import FakeRasa, admin_headers
from tests.backend.helpers import create_job, get_job
from tests.backend.test_friends_whatsapp_fakes import (
    PHONE_ID,
    WA_TOKEN,
    FakeWhatsApp,
    eventually,
    fake_whatsapp,
    post_wa,
    rows,
    status,
    template_button,
    text,
    wa_body,
    wa_settings,
)
from whatsapp_platform.from_messenger import convert

__all__ = ["fake_whatsapp"]  # the fixture, used by name

ANNA = "41791234567"
ANNA_ID = f"wa-{ANNA}"
ANNA_FRIEND = {
    "name": "Anna Schmidt",
    "messenger_id": ANNA_ID,
    "postal_code": "10117",
    "country": "DE",
    "radius_km": 15,
    "skills": ["internet_wifi", "computer"],
    "languages": ["de", "en"],
    "status": "active",
}


@pytest.fixture
def settings(db_url: str, fake_whatsapp: FakeWhatsApp, fake_rasa: FakeRasa) -> Settings:
    return wa_settings(db_url, fake_whatsapp, fake_rasa)


async def _add_anna(client: Any) -> int:
    response = await client.post("/api/v1/friends", json=ANNA_FRIEND, headers=admin_headers())
    assert response.status == 201, await response.text()
    return int((await response.json())["id"])


def _offer_of(reference: str) -> Any:
    return lambda body: reference in str(body)


async def test_a_friend_silent_for_three_days_gets_the_template_and_claims_with_its_button(
    settings: Settings, fake_whatsapp: FakeWhatsApp
) -> None:
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        friend_id = await _add_anna(client)
        assert await post_wa(client, wa_body([text(ANNA, "online")])) == 200
        [greeting] = await fake_whatsapp.wait(ANNA, 1)
        assert "Sie sind online" in greeting.text
        clock.advance(days=3)  # no word from Anna since: Messenger could not reach her

        reference = (await create_job(client))["reference"]
        _, offer = await fake_whatsapp.wait(ANNA, 2)
        assert offer.kind == "template", [(s.kind, s.text) for s in fake_whatsapp.sent]
        template = offer.body["template"]
        assert (template["name"], template["language"]["code"]) == ("friend_offer", "de")
        params = {p["parameter_name"]: p["text"] for p in template["components"][0]["parameters"]}
        assert params["reference"] == reference and params["place"] == "10115 Berlin"
        assert params["category"] and params["payout"] == "39,20 €"
        assert offer.template_payloads == [f"CLAIM:{reference}", f"DECLINE:{reference}"]

        async def offer_sent() -> list[Offer]:
            return [o for o in await rows(settings.database_url, Offer) if o.status == "sent"]

        [sent] = await eventually(offer_sent)
        assert sent.friend_id == friend_id

        # Anna taps "Annehmen" on the template: Meta reports a `button` message.
        tapped = template_button(ANNA, f"CLAIM:{reference}", "Annehmen")
        assert await post_wa(client, wa_body([tapped])) == 200
        await fake_whatsapp.wait(ANNA, 4)  # the day's greeting, then the job is hers
        won = [s for s in fake_whatsapp.to(ANNA) if f"Der Auftrag {reference} gehört" in s.text]
        assert won and won[0].reply_ids == [
            f"CONTACTED:{reference}",
            f"DONE:{reference}",
            f"HANDBACK:{reference}",
        ]
        assert (await get_job(client, reference))["status"] == "assigned"
    [offer_row] = await rows(settings.database_url, Offer)
    assert offer_row.status == "won"


async def test_inside_the_window_the_offer_has_buttons_and_131047_sends_the_template(
    settings: Settings, fake_whatsapp: FakeWhatsApp
) -> None:
    async with backend(settings) as client:
        await _add_anna(client)
        assert await post_wa(client, wa_body([text(ANNA, "online")])) == 200
        await fake_whatsapp.wait(ANNA, 1)
        # The window closed at Meta a moment before ours did: the interactive offer is refused.
        fake_whatsapp.fail(400, 131047, when=lambda b: b["type"] == "interactive")
        reference = (await create_job(client))["reference"]
        _, template = await fake_whatsapp.wait(ANNA, 2)
    refused = [s for s in fake_whatsapp.sent if not s.ok]
    assert len(refused) == 1 and reference in refused[0].text
    assert refused[0].reply_ids == [f"CLAIM:{reference}", f"DECLINE:{reference}"]
    assert template.kind == "template" and f"CLAIM:{reference}" in template.template_payloads
    [row] = [r for r in await rows(settings.database_url, OutboxMessage) if r.offer_id]
    assert row.sent_at is not None and row.fallback is None and "131047" in row.error
    assert row.body["type"] == "template" and row.attempts == 2
    assert [o.status for o in await rows(settings.database_url, Offer)] == ["sent"]


# The outbox meeting each class of error (the app's own sender kept out: role "web").


@dataclasses.dataclass
class Rig:
    settings: Settings
    fake: FakeWhatsApp
    clock: MovableClock
    transport: outbox.Transport
    friend_id: int

    async def queue(self, message: dict[str, Any], template: bool = False) -> None:
        engine = make_engine(self.settings.database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                params = dict.fromkeys(OFFER_PARAMETERS, "x") | {"reference": "TF-TEST"}
                payloads = ["CLAIM:TF-TEST", "DECLINE:TF-TEST"]
                body = offer_template(ANNA, "de", params, payloads)
                await outbox.enqueue(
                    session,
                    FRIENDS_PAGE,
                    ANNA_ID,
                    message,
                    self.clock(),
                    template=body if template else None,
                )
                await session.commit()
        finally:
            await engine.dispose()

    async def round(self) -> int:
        engine = make_engine(self.settings.database_url)
        try:
            return await outbox.deliver_due(
                make_sessionmaker(engine),
                FRIENDS_PAGE,
                self.transport,
                RateLimiter(),
                now=self.clock,
                backoff=lambda attempts: 0.0,
            )
        finally:
            await engine.dispose()

    async def row(self) -> OutboxMessage:
        [row] = await rows(self.settings.database_url, OutboxMessage)
        return row


@pytest.fixture
async def rig(settings: Settings, fake_whatsapp: FakeWhatsApp) -> AsyncIterator[Rig]:
    clock = MovableClock()
    web_only = dataclasses.replace(clocked(settings, clock), role="web")
    async with backend(web_only) as client:
        friend_id = await _add_anna(client)
        # Anna writes: her window opens (stored, and left unhandled: no worker here).
        assert await post_wa(client, wa_body([text(ANNA, "Hallo")])) == 200
    async with aiohttp.ClientSession() as http:
        client = WhatsAppClient(http, fake_whatsapp.url, "v21.0", PHONE_ID, WA_TOKEN)

        async def messenger(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            raise AssertionError(f"a WhatsApp Friend's message went to Messenger: {body}")

        transport = outbox.transport(messenger, client.post)
        yield Rig(web_only, fake_whatsapp, clock, transport, friend_id)


async def test_131047_without_a_template_fails_the_message(rig: Rig) -> None:
    rig.fake.fail(400, 131047)
    await rig.queue(text_message("Danke!"))
    assert await rig.round() == 0
    row = await rig.row()
    assert row.failed_at is not None and "131047" in row.error
    assert await rig.round() == 0 and len(rig.fake.sent) == 1
    assert await rows(rig.settings.database_url, SupportAlert) == []


async def test_131026_fails_and_asks_support_to_phone_the_friend(rig: Rig) -> None:
    rig.fake.fail(400, 131026)
    await rig.queue(text_message("Danke!"))
    assert await rig.round() == 0
    row = await rig.row()
    assert row.failed_at is not None and row.attempts == 1
    [alert] = await rows(rig.settings.database_url, SupportAlert)
    assert (alert.kind, alert.friend_id) == ("friend_not_reachable", rig.friend_id)
    assert alert.detail["friend"] == "Anna Schmidt" and "131026" in alert.detail["error"]
    assert await rig.round() == 0 and len(rig.fake.sent) == 1


@pytest.mark.parametrize("code", [130429, 131056])
async def test_rate_limits_are_waited_out_and_the_message_goes_later(rig: Rig, code: int) -> None:
    rig.fake.fail(400, code, times=2)
    await rig.queue(text_message("Danke!"))
    assert await rig.round() == 0
    row = await rig.row()
    assert row.failed_at is None and row.sent_at is None and str(code) in row.error
    assert await rig.round() == 0  # still limited
    assert await rig.round() == 1
    row = await rig.row()
    assert row.sent_at is not None and row.attempts == 3 and row.wa_message_id
    assert [s.ok for s in rig.fake.sent] == [False, False, True]
    assert await rows(rig.settings.database_url, SupportAlert) == []


async def test_rate_limits_wait_longer_than_failures() -> None:
    """errors.retry_in: a rate limit (131056: one message per 6 s to a person) backs off from
    6 seconds, Meta's failure from 1 (jitter aside)."""
    row = OutboxMessage(body={"messaging_product": "whatsapp"}, attempts=0, fallback=None)
    limited, _ = outbox.whatsapp_outcome(row, 400, {"error": {"code": 131056}}, lambda n: 1.0)
    failed, _ = outbox.whatsapp_outcome(row, 500, {"error": {"code": 131000}}, lambda n: 1.0)
    assert limited.result == failed.result == "retry"
    top = outbox.whatsapp_outcome(row, 400, {"error": {"code": 131056}})[0].retry_in
    assert timedelta(0) <= top <= timedelta(seconds=6)


async def test_a_broken_template_alerts_and_is_never_tried_again(rig: Rig) -> None:
    rig.clock.advance(hours=25)  # outside the window: only the template may go
    rig.fake.fail(400, 132000)
    offer = button_message("Neuer Auftrag", [postback_button("Annehmen", "CLAIM:TF-TEST")])
    await rig.queue(offer, template=True)
    assert (await rig.row()).body["type"] == "template"
    assert await rig.round() == 0
    row = await rig.row()
    assert row.failed_at is not None and "132000" in row.error
    [alert] = await rows(rig.settings.database_url, SupportAlert)
    assert alert.kind == "whatsapp_template_broken" and alert.detail["template"] == "friend_offer"
    rig.clock.advance(hours=1)
    assert await rig.round() == 0 and len(rig.fake.sent) == 1


async def test_outside_the_window_a_message_without_template_is_refused(rig: Rig) -> None:
    rig.clock.advance(hours=25)
    with pytest.raises(OutsideWindowError):
        await rig.queue(text_message("Erinnerung"))
    assert await rows(rig.settings.database_url, OutboxMessage) == []


@pytest.mark.parametrize("status", [500, 503])
async def test_meta_failing_is_retried(rig: Rig, status: int) -> None:
    rig.fake.fail(status, None)
    await rig.queue(quick_replies("Online?", [("Ja", "GO_ONLINE"), ("Nein", "GO_OFFLINE")]))
    assert await rig.round() == 0
    assert (await rig.row()).failed_at is None
    assert await rig.round() == 1
    sent = rig.fake.sent[-1]
    assert sent.ok and sent.reply_ids == ["GO_ONLINE", "GO_OFFLINE"]


async def test_a_failed_status_for_131047_sends_the_stored_template(
    settings: Settings, fake_whatsapp: FakeWhatsApp
) -> None:
    async with backend(settings) as client:
        await _add_anna(client)
        assert await post_wa(client, wa_body([text(ANNA, "online")])) == 200
        await fake_whatsapp.wait(ANNA, 1)
        reference = (await create_job(client))["reference"]
        _, offer = await fake_whatsapp.wait(ANNA, 2)
        assert offer.kind == "interactive"

        async def offer_row() -> list[OutboxMessage]:
            found = await rows(settings.database_url, OutboxMessage)
            return [r for r in found if r.offer_id and r.wa_message_id]

        [row] = await eventually(offer_row)
        # Accepted, then not delivered: Meta says the window had closed.
        failed = status(row.wa_message_id, "failed", ANNA, code=131047)
        assert await post_wa(client, wa_body(statuses=[failed])) == 200
        _, _, template = await fake_whatsapp.wait(ANNA, 3)
        assert template.kind == "template" and f"CLAIM:{reference}" in template.template_payloads

        async def resent() -> list[OutboxMessage]:
            found = await rows(settings.database_url, OutboxMessage, id=row.id)
            return [r for r in found if r.sent_at and r.wa_message_id != row.wa_message_id]

        [again] = await eventually(resent)
    assert again.wa_status is None and "131047" in again.wa_error and again.fallback is None


# Messenger's shapes as WhatsApp bodies (whatsapp_platform/from_messenger.py)


def test_many_chips_become_several_lists_and_none_is_lost() -> None:
    chips = [(f"Choice {n}", f"C:{n}") for n in range(13)]
    first, second = convert(ANNA, quick_replies("Which?", chips), "Choose")
    assert first["interactive"]["type"] == "list" and first["interactive"]["body"]["text"] == (
        "Which? (1/2)"
    )
    ids = [
        r["id"]
        for b in (first, second)
        for s in b["interactive"]["action"].get("sections", [])
        for r in s["rows"]
    ] + [b["reply"]["id"] for b in second["interactive"]["action"].get("buttons", [])]
    assert ids == [payload for _, payload in chips]


def test_links_go_into_the_text_and_a_long_text_goes_before_the_question() -> None:
    message = button_message(
        "Terms",
        [
            {"type": "web_url", "title": "Read", "url": "https://techfriends.example/terms"},
            postback_button("I agree", "CONSENT:yes"),
        ],
    )
    [body] = convert(ANNA, message, "Choose")
    assert body["interactive"]["body"]["text"] == "Terms\nRead: https://techfriends.example/terms"
    long = quick_replies("Lorem ipsum. " * 120, [("Yes", "Y")])
    *texts, question = convert(ANNA, long, "Choose")
    assert texts and all(t["type"] == "text" for t in texts)
    assert question["interactive"]["type"] == "button"
    image = {"attachment": {"type": "image", "payload": {"url": "https://x.example/a.jpg"}}}
    assert convert(ANNA, image, "Choose") == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": ANNA,
            "type": "image",
            "image": {"link": "https://x.example/a.jpg"},
        }
    ]
    with pytest.raises(ValueError):
        convert(
            ANNA, {"attachment": {"type": "template", "payload": {"template_type": "generic"}}}, "x"
        )


async def test_whatsapp_friends_are_offered_jobs_without_checking_in(
    settings: Settings, fake_whatsapp: FakeWhatsApp
) -> None:
    """Never having written at all (added by support), a WhatsApp Friend still gets the
    offer, as the template; the same Friend on Messenger would be "not reachable"."""
    async with backend(settings) as client:
        await _add_anna(client)
        reference = (await create_job(client))["reference"]
        [offer] = await fake_whatsapp.wait(ANNA, 1)
    assert offer.kind == "template" and offer.template_payloads[0] == f"CLAIM:{reference}"
    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as session:
        assert await session.scalar(select(Friend.messenger_id)) == ANNA_ID
    await engine.dispose()


async def test_the_graph_client_fetches_media_within_the_size_limit(
    fake_whatsapp: FakeWhatsApp,
) -> None:
    photo = b"\xff\xd8\xff\xe0" + b"x" * 1000
    fake_whatsapp.media["m1"] = (photo, "image/jpeg")
    async with aiohttp.ClientSession() as http:
        client = WhatsAppClient(http, fake_whatsapp.url, "v21.0", PHONE_ID, WA_TOKEN)
        assert await client.media("m1") == (photo, "image/jpeg")
        assert await client.media("m1", max_bytes=100) is None  # too big: not downloaded
        assert await client.media("unknown") is None
        wrong = WhatsAppClient(http, fake_whatsapp.url, "v21.0", PHONE_ID, "wrong-token")
        assert await wrong.media("m1") is None
        status, answer = await wrong.post({"to": ANNA, "type": "text"})
        assert status == 401 and answer["error"]["code"] == 190
        gone = WhatsAppClient(http, "http://127.0.0.1:9", "v21.0", PHONE_ID, WA_TOKEN)
        status, answer = await gone.post({"to": ANNA, "type": "text"})
        assert status == 0 and "no answer" in answer["error"]["message"]
