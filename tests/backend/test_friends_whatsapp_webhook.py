"""The Friends' WhatsApp number: verification, signatures, batches in order, duplicates,
signing up over WhatsApp, and Meta's delivery statuses written on the outbox rows."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time

import pytest

from backend.adapters.orm import Friend, InboxEvent, OutboxMessage, SupportAlert
from backend.config import Settings
from product.languages import LANGUAGES, OWN_NAMES
from tests.backend.clock import backend
from tests.backend.conftest import FakeRasa
from tests.backend.test_friends_whatsapp_fakes import (
    WA_SECRET,
    WA_VERIFY,
    FakeWhatsApp,
    eventually,
    fake_whatsapp,
    list_reply,
    post_wa,
    reply,
    rows,
    signed,
    status,
    text,
    wa_body,
    wa_settings,
)

__all__ = ["fake_whatsapp"]  # the fixture, used by name

ANNA = "41791234567"
PATH = "/webhooks/friends/whatsapp"
# Statuses are timed from now: older than 48 hours they would be replays (freshness.py).
T0 = int(time.time())


@pytest.fixture
def settings(db_url: str, fake_whatsapp: FakeWhatsApp, fake_rasa: FakeRasa) -> Settings:
    return wa_settings(db_url, fake_whatsapp, fake_rasa)


@pytest.mark.sqlite_only
async def test_meta_verifies_the_webhook_with_the_verify_token(settings: Settings) -> None:
    async with backend(settings) as client:
        query = {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY, "hub.challenge": "42"}
        ok = await client.get(PATH, params=query)
        assert (ok.status, await ok.text()) == (200, "42")
        wrong = await client.get(PATH, params=query | {"hub.verify_token": "guess"})
        assert wrong.status == 403


@pytest.mark.sqlite_only
async def test_without_whatsapp_settings_the_webhook_says_it_is_not_configured(
    settings: Settings,
) -> None:
    bare = dataclasses.replace(
        settings,
        friends_whatsapp_phone_number_id="",
        friends_whatsapp_access_token="",
        friends_whatsapp_app_secret="",
        friends_whatsapp_verify_token="",
    )
    async with backend(bare) as client:
        query = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "42"}
        got = await client.get(PATH, params=query)
        assert got.status == 503 and "not configured" in (await got.json())["error"]
        raw = json.dumps(wa_body([text(ANNA, "Hallo")])).encode()
        posted = await client.post(PATH, data=raw, headers=signed(raw, ""))
        assert posted.status == 503 and "not configured" in (await posted.json())["error"]
        # The Messenger webhook is as before.
        assert (await client.get("/healthz")).status == 200


async def test_a_wrong_signature_is_refused_and_nothing_is_stored(
    settings: Settings, fake_whatsapp: FakeWhatsApp
) -> None:
    async with backend(settings) as client:
        assert await post_wa(client, wa_body([text(ANNA, "Hallo")]), secret="not-it") == 403
        raw = json.dumps(wa_body([text(ANNA, "Hallo")])).encode()
        unsigned = await client.post(PATH, data=raw, headers={"Content-Type": "application/json"})
        assert unsigned.status == 403
        # Signed but not a WhatsApp body, or not JSON at all: 400 with the reason.
        page = await client.post(
            PATH, data=b'{"object": "page"}', headers=signed(b'{"object": "page"}')
        )
        assert page.status == 400 and "not a WhatsApp body" in (await page.json())["error"]
        junk = await client.post(PATH, data=b"\xff{", headers=signed(b"\xff{"))
        assert junk.status == 400
        big = b"{" + b" " * (1024 * 1024) + b"}"
        assert (await client.post(PATH, data=big, headers=signed(big))).status == 413
        await asyncio.sleep(0.3)
        assert await rows(settings.database_url, InboxEvent) == []
        assert fake_whatsapp.sent == []
        # The right signature over the same bytes is accepted and answered.
        assert await post_wa(client, wa_body([text(ANNA, "Hallo")]), secret=WA_SECRET) == 200
        [welcome] = await fake_whatsapp.wait(ANNA, 1)
        assert "Willkommen" in welcome.text
        assert welcome.reply_ids == [f"SIGNUP_LANG:{code}" for code in LANGUAGES]


async def test_a_batch_is_handled_in_meta_order_whatever_its_ids(
    settings: Settings, fake_whatsapp: FakeWhatsApp
) -> None:
    # The ids sort the other way round: the inbox must keep the batch's order, not theirs.
    batch = [
        text(ANNA, "Hello", id="wamid.C-first"),
        reply(ANNA, "SIGNUP_LANG:en", "English", id="wamid.B-second"),
        text(ANNA, "Anna Smith", id="wamid.A-third"),
    ]
    async with backend(settings) as client:
        assert await post_wa(client, wa_body(batch)) == 200
        welcome, ask_name, ask_code = await fake_whatsapp.wait(ANNA, 3)
    assert "Willkommen" in welcome.text
    assert "first and last name" in ask_name.text
    assert "Anna" in ask_code.text and "postal code" in ask_code.text
    events = await rows(settings.database_url, InboxEvent)
    assert {e.sender_id for e in events} == {f"wa-{ANNA}"}
    assert all(e.handled_at is not None for e in events)


async def test_a_message_delivered_twice_is_answered_once(
    settings: Settings, fake_whatsapp: FakeWhatsApp
) -> None:
    body = wa_body([text(ANNA, "Hallo", id="wamid.twice")])
    async with backend(settings) as client:
        assert await post_wa(client, body) == 200
        await fake_whatsapp.wait(ANNA, 1)
        assert await post_wa(client, body) == 200  # Meta's redelivery
        # And again in a batch with a new message: only the new one is answered.
        again = wa_body([text(ANNA, "Hallo", id="wamid.twice"), reply(ANNA, "SIGNUP_LANG:de")])
        assert await post_wa(client, again) == 200
        _, ask_name = await fake_whatsapp.wait(ANNA, 2)
        await asyncio.sleep(0.5)
    assert "Vor- und Nachnamen" in ask_name.text
    assert len(fake_whatsapp.to(ANNA)) == 2
    assert [e.key for e in await rows(settings.database_url, InboxEvent)].count(
        "mid:wamid.twice"
    ) == 1


class WaPhone:
    """A person writing to the Friends' WhatsApp number, one message at a time."""

    def __init__(self, client, fake: FakeWhatsApp, wa_id: str) -> None:  # type: ignore[no-untyped-def]
        self.client, self.fake, self.wa_id = client, fake, wa_id
        self.seen = 0

    async def send(self, message: dict, expect: int = 1) -> list:  # type: ignore[type-arg]
        assert await post_wa(self.client, wa_body([message])) == 200
        got = await self.fake.wait(self.wa_id, self.seen + expect)
        new = got[self.seen :]
        self.seen += expect
        return new


async def test_a_friend_signs_up_over_whatsapp_and_is_told_offers_come_here(
    settings: Settings, fake_whatsapp: FakeWhatsApp
) -> None:
    async with backend(settings) as client:
        phone = WaPhone(client, fake_whatsapp, ANNA)
        [welcome] = await phone.send(text(ANNA, "Guten Tag"))
        # Five languages: more than WhatsApp's three buttons, so a list with a row each.
        assert welcome.kind == "interactive" and welcome.body["interactive"]["type"] == "list"
        choices = welcome.body["interactive"]["action"]["sections"][0]["rows"]
        assert [row["title"] for row in choices] == [OWN_NAMES[code] for code in LANGUAGES]
        [ask_name] = await phone.send(reply(ANNA, "SIGNUP_LANG:de", "Deutsch"))
        assert "Vor- und Nachnamen" in ask_name.text
        [ask_code] = await phone.send(text(ANNA, "Anna Schmidt"))
        assert "Postleitzahl" in ask_code.text
        [radius] = await phone.send(text(ANNA, "10115"))
        # Five distances do not fit three buttons: a list, every choice kept.
        assert radius.body["interactive"]["type"] == "list"
        assert radius.body["interactive"]["action"]["button"] == "Auswählen"
        assert "RADIUS:15" in radius.reply_ids and len(radius.reply_ids) == 5
        [skills] = await phone.send(list_reply(ANNA, "RADIUS:15", "15 km"))
        assert skills.body["interactive"]["type"] == "list" and len(skills.reply_ids) == 7
        [more] = await phone.send(list_reply(ANNA, "SKILL:computer", "Computer"))
        assert more.reply_ids[0] == "SKILLS_DONE"
        [languages] = await phone.send(list_reply(ANNA, "SKILLS_DONE", "Fertig"))
        # Five languages and "Alle": a list, each row within WhatsApp's 24 characters.
        assert languages.body["interactive"]["type"] == "list"
        choices = languages.body["interactive"]["action"]["sections"][0]["rows"]
        assert choices[-1]["title"] == "Alle" and len(choices) == len(LANGUAGES) + 1
        assert all(len(row["title"]) <= 24 for row in choices)
        [ask_phone] = await phone.send(list_reply(ANNA, "LANGS:de,en", "Deutsch"))
        assert "Telefonnummer" in ask_phone.text
        [consent] = await phone.send(text(ANNA, "0171 2345678"))
        assert consent.reply_ids == ["CONSENT:yes", "NO"]
        channel, intro, question = await phone.send(reply(ANNA, "CONSENT:yes"), expect=3)
    assert "hier auf WhatsApp" in channel.text and "tagelang" in channel.text
    assert "Quiz" in intro.text
    assert question.reply_ids and all(i.startswith("QUIZ:") for i in question.reply_ids)
    [friend] = await rows(settings.database_url, Friend)
    assert (friend.messenger_id, friend.name, friend.status) == (
        f"wa-{ANNA}",
        "Anna Schmidt",
        "applicant",
    )


async def test_delivery_statuses_are_written_on_each_message_and_never_go_back(
    settings: Settings, fake_whatsapp: FakeWhatsApp
) -> None:
    bruno = "4915112345678"
    async with backend(settings) as client:
        assert await post_wa(client, wa_body([text(ANNA, "Hallo"), text(bruno, "Hi")])) == 200
        await fake_whatsapp.wait(ANNA, 1)
        await fake_whatsapp.wait(bruno, 1)

        async def both_sent() -> list[OutboxMessage]:
            found = await rows(settings.database_url, OutboxMessage)
            return found if all(r.wa_message_id for r in found) and len(found) == 2 else []

        to_anna, to_bruno = sorted(
            await eventually(both_sent), key=lambda r: r.recipient != f"wa-{ANNA}"
        )
        anna_id, bruno_id = to_anna.wa_message_id, to_bruno.wa_message_id
        statuses = [
            status(anna_id, "sent", ANNA, ts=T0),
            status(anna_id, "delivered", ANNA, ts=T0 + 1),
            status(bruno_id, "sent", bruno, ts=T0 + 1),
            status(anna_id, "read", ANNA, ts=T0 + 5),
            status(anna_id, "delivered", ANNA, ts=T0 + 1),  # late: read stays
            status("wamid.nobody-knows", "read", ANNA),  # not ours: ignored
        ]
        assert await post_wa(client, wa_body(statuses=statuses)) == 200
        # Bruno has blocked the number meanwhile: 131026, support must phone him.
        failed = status(bruno_id, "failed", bruno, code=131026, ts=T0 + 9)
        assert await post_wa(client, wa_body(statuses=[failed])) == 200
        assert await post_wa(client, wa_body(statuses=[failed])) == 200  # redelivered
    [anna_row] = await rows(settings.database_url, OutboxMessage, recipient=f"wa-{ANNA}")
    [bruno_row] = await rows(settings.database_url, OutboxMessage, recipient=f"wa-{bruno}")
    assert anna_row.wa_status == "read" and anna_row.wa_status_at.timestamp() == T0 + 5
    assert anna_row.failed_at is None and anna_row.sent_at is not None
    assert bruno_row.wa_status == "failed" and "131026" in bruno_row.wa_error
    assert bruno_row.failed_at is not None
    [alert] = await rows(settings.database_url, SupportAlert)
    assert alert.kind == "friend_not_reachable"
    assert alert.detail["recipient"] == f"wa-{bruno}" and "131026" in alert.detail["error"]
