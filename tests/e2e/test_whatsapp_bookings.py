"""Bookings over WhatsApp (issue 16), played through the simulator's WhatsApp phones.

A customer books in German and one in English: the bot offers the number they write from
("Can the technician call you on +49 …?" → yes) instead of asking for one, a photo sent during
the booking is fetched from the fake Graph's media URL and stored by the backend, and the job
says channel "whatsapp", the phone in E.164 and the stored photo. A Friend on WhatsApp who has
not written for three days still gets the offer, as the `friend_offer` template (free text
would be refused with 131047), and claims it with the template's button.

Needs the bot's WhatsApp channel (H1), the dialogue's phone offer and photo turns (H2), the
media API (H3), Friends on WhatsApp (H4) and the templates (H6).
"""

from __future__ import annotations

from typing import Any

import aiohttp

from simulator.whatsapp_phone import MEDIA_DIR
from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import Call, Customer, api, text
from tests.e2e.whatsapp_chat import (
    WhatsAppBooking,
    WhatsAppChat,
    book_on_whatsapp,
    digits,
    set_last_inbound,
    template_payloads,
    template_text,
)

API = SECRETS["BACKEND_API_TOKEN"]
ADMIN = SECRETS["BACKEND_ADMIN_TOKEN"]


async def _the_job(system: System, wa_id: str, booking: WhatsAppBooking) -> dict[str, Any]:
    jobs = await api(system, "GET", f"/api/v1/jobs?channel=whatsapp&customer_id=wa-{wa_id}", API)
    assert len(jobs) == 1, jobs
    job: dict[str, Any] = jobs[0]
    assert job["reference"] in booking.confirmation
    return job


async def _photo_is_stored(system: System, job: dict[str, Any]) -> None:
    [stored] = job["image_urls"]
    assert stored.startswith(f"{system.backend_url}/media/"), stored
    async with aiohttp.ClientSession() as http, http.get(stored) as response:
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        assert await response.read() == (MEDIA_DIR / "router.jpg").read_bytes()


def _offered(booking: WhatsAppBooking, wa_id: str, words: str) -> None:
    """The bot offered the WhatsApp number (in whatever grouping), never asked for one."""
    assert "phone" not in booking.turns, booking.chat.transcript
    offer = "\n".join(text(c) for c in booking.turns["phone_offer"])
    assert wa_id in digits(offer), offer
    assert words in offer, offer


async def test_a_german_customer_books_on_whatsapp_with_its_number_and_a_photo_and_a_friend_silent_for_three_days_claims_by_template(  # noqa: E501
    system: System,
) -> None:
    # Leipzig: away from the other tests' Friends, so only this Friend is offered the job.
    friend_wa = "4915200000101"
    friend = {
        "name": "Wanda Wassermann",
        "messenger_id": f"wa-{friend_wa}",
        "postal_code": "04109",
        "country": "DE",
        "radius_km": 15,
        "skills": ["internet_wifi"],
        "languages": ["de"],
        "status": "active",
    }
    await api(system, "POST", "/api/v1/friends", ADMIN, json=friend)
    # The Friend last wrote three days ago: free text cannot reach her, only templates.
    await set_last_inbound(system, "friends", friend_wa, hours_ago=72)

    wa_id = "4917600000101"
    chat = WhatsAppChat(system, wa_id, "Gisela Gruber")
    customer = Customer(
        psid=f"wa-{wa_id}",
        greeting="Guten Tag",
        description="Mein Router blinkt rot und das Internet ist weg",
        category="internet_wifi",
        postal_code="04109",
        city="Leipzig",
        package="quick_help",
        street="Petersstraße 10",
        time="morgen Nachmittag",
        name="Gisela Gruber",
        phone="",  # never asked: WhatsApp gives it
    )
    booking = await book_on_whatsapp(chat, customer)

    _offered(booking, wa_id, "Kann der Techniker Sie unter")
    assert "photo" in booking.turns  # thanked for, and the booking went on
    job = await _the_job(system, wa_id, booking)
    assert job["channel"] == "whatsapp"
    assert job["customer"]["phone"] == f"+{wa_id}"
    assert job["customer"]["id"] == f"wa-{wa_id}"
    assert job["customer"]["language"] == "de"
    await _photo_is_stored(system, job)
    reference = job["reference"]

    # The offer: a template (the window is closed), with the claim as a quick reply.
    friend_chat = WhatsAppChat(system, friend_wa, "Wanda Wassermann", number="friends")

    def is_offer(call: Call) -> bool:
        payloads = template_payloads({"body": call["whatsapp"]})
        return call["whatsapp"].get("type") == "template" and any(reference in p for p in payloads)

    offer = next(c for c in await friend_chat.wait_until(is_offer) if is_offer(c))
    claim = next(p for p in template_payloads({"body": offer["whatsapp"]}) if "CLAIM" in p)
    assert reference in claim
    assert offer["whatsapp"]["template"]["name"] == "friend_offer"
    assert template_text({"body": offer["whatsapp"]}).strip() != "friend_offer"  # filled in
    # No free text went out as if the window were open (or, if tried, Meta refused it).
    assert all(c["answer"]["error"]["code"] == 131047 for c in await friend_chat.refused())

    # A tap on the template's button: a `button` message, which also opens her window.
    won = await friend_chat.send_tap("Annehmen", claim, lambda c: reference in text(c))
    assert any(c["whatsapp"].get("type") != "template" for c in won)
    job = await api(system, "GET", f"/api/v1/jobs/{reference}", API)
    assert job["assigned_friend"]["messenger_id"] == f"wa-{friend_wa}"
    # The customer hears who is coming, on WhatsApp.
    await chat.wait_until(lambda c: "Wanda" in text(c))


async def test_an_english_customer_books_on_whatsapp_with_its_uk_number(system: System) -> None:
    # Dresden: no Friend of any test near, so the job waits for one.
    wa_id = "447911123456"
    chat = WhatsAppChat(system, wa_id, "Oliver Bennett")
    customer = Customer(
        psid=f"wa-{wa_id}",
        greeting="Hello there",
        description="My printer has stopped printing",
        category="printer",
        postal_code="01067",
        city="Dresden",
        package="quick_help",
        street="Wilsdruffer Straße 12",
        time="tomorrow morning",
        name="Oliver Bennett",
        phone="",
        locale="en_GB",
    )
    booking = await book_on_whatsapp(chat, customer)

    _offered(booking, wa_id, "Can the technician call you on")
    assert "photo" in booking.turns
    job = await _the_job(system, wa_id, booking)
    assert job["channel"] == "whatsapp"
    assert job["customer"]["phone"] == f"+{wa_id}"
    assert job["customer"]["language"] == "en"
    await _photo_is_stored(system, job)
    # Every message the bot sent was within Meta's limits and the window.
    assert await chat.refused() == []


async def test_a_voice_message_gets_a_kind_reply_and_the_bot_asks_for_text(
    system: System,
) -> None:
    wa_id = "4917600000102"
    chat = WhatsAppChat(system, wa_id, "Herbert Hall")
    await chat.send_text("Guten Tag", lambda c: bool(text(c)))

    said = await chat.send_voice(lambda c: "Sprachnachricht" in text(c))

    # Thanked for, and asked for a short text instead (the recording goes to the technician).
    reply = next(text(c) for c in said if "Sprachnachricht" in text(c))
    assert "Textnachricht" in reply
    assert await chat.refused() == []
