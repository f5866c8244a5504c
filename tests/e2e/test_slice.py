"""The first end-to-end slice, every process real except Meta:

a customer writes in German through the signed Messenger webhook → the trained bot asks for the
problem, postal code, package (prices from the backend), street, time, name, phone and consent →
the action server posts the job to the backend → the backend offers it to the nearby Friends
through pymessenger → the first claim wins, the second Friend hears "already taken" → the
customer is told through the bot that a Friend will call.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from simulator.graph_client import fetch_calls, wait_for_calls
from simulator.webhook_bodies import text_event
from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import (
    FRIENDS_TOKEN,
    TURN_SECONDS,
    Chat,
    api,
    buttons,
    friends_tap,
    friends_webhook,
    quick_replies,
    text,
)

BERLIN = ZoneInfo("Europe/Berlin")


async def test_german_customer_books_and_the_first_friend_wins(system: System) -> None:
    admin = SECRETS["BACKEND_ADMIN_TOKEN"]
    for name, messenger_id, postal_code in (
        ("Anna Schmidt", "e2e-anna", "10117"),
        ("Jonas Weber", "e2e-jonas", "10405"),
        ("Max Fern", "e2e-munich", "80331"),  # too far away: must get no offer
    ):
        friend = {
            "name": name,
            "messenger_id": messenger_id,
            "postal_code": postal_code,
            "country": "DE",
            "radius_km": 15,
            "skills": ["internet_wifi"],
            "languages": ["de"],
            "status": "active",
        }
        await api(system, "POST", "/api/v1/friends", admin, json=friend)
        # Friends check in when they start their day: offers only reach an open 24-hour window.
        await friends_webhook(system, text_event(messenger_id, "friends-page", "online"))

    chat = Chat(system, "e2e-erika")
    # Wait for the turn's last message (the area question); the welcome comes before it.
    welcome = await chat.say("Hallo", "Womit können wir Ihnen helfen")
    assert any("automatische Assistent" in text(c) for c in welcome)
    assert any('/choose_category{"category":"internet_wifi"}' in quick_replies(c) for c in welcome)
    await chat.say("Mein WLAN bricht ständig ab", "Postleitzahl")
    offered_packages = await chat.say("10115", "Welches Paket")
    assert any("49,00 €" in text(c) for c in offered_packages)
    assert any('/inform{"package":"quick_help"}' in quick_replies(c) for c in offered_packages)
    await chat.tap("Schnelle Hilfe 49 €", '/inform{"package":"quick_help"}', "Hausnummer")
    await chat.say("Hauptstr. 5a", "Wann soll der Techniker")
    tomorrow = (datetime.now(BERLIN) + timedelta(days=1)).date()
    noted = await chat.say("morgen Nachmittag", "Wie heißen Sie")
    assert any("morgen" in text(c) and "13–18 Uhr" in text(c) for c in noted)
    await chat.say("Erika Mustermann", "Telefonnummer")
    await chat.say("0171 9876543", "Einverstanden?")
    summary = await chat.tap("Ja", "/affirm", "Bitte prüfen Sie Ihre Angaben")
    summary_text = "\n".join(text(c) for c in summary)
    assert "Hauptstr. 5a, 10115 Berlin" in summary_text and "Internet & WLAN" in summary_text
    assert "Schnelle Hilfe (1 Stunde), 49,00 €" in summary_text
    assert any({"/affirm", "/change", "/cancel"} <= set(quick_replies(c)) for c in summary)

    submitted = await chat.tap("Ja, absenden", "/affirm", "12 Stunden")
    confirmation = next(text(c) for c in submitted if "12 Stunden" in text(c))
    # A double tap on "confirm" never makes a second job.
    await chat.tap("Ja, absenden", "/affirm", "schon bei uns eingegangen")

    api_token = SECRETS["BACKEND_API_TOKEN"]
    jobs = await api(system, "GET", "/api/v1/jobs?customer_psid=e2e-erika", api_token)
    assert len(jobs) == 1
    job = jobs[0]
    assert job["reference"] in confirmation
    assert (job["category"], job["postal_code"], job["city"]) == (
        "internet_wifi",
        "10115",
        "Berlin",
    )
    assert job["description"] == "Mein WLAN bricht ständig ab"
    assert (job["package"], job["street"]) == ("quick_help", "Hauptstr. 5a")
    start = datetime.fromisoformat(job["time_window"]["start"]).astimezone(BERLIN)
    end = datetime.fromisoformat(job["time_window"]["end"]).astimezone(BERLIN)
    assert start.date() in (tomorrow, (datetime.now(BERLIN) + timedelta(days=1)).date())
    assert (start.hour, end.hour, end.date()) == (13, 18, start.date())
    assert job["customer"] == {
        "psid": "e2e-erika",
        "name": "Erika Mustermann",
        "phone": "+491719876543",
        "language": "de",
    }
    ref = job["reference"]

    offers = await wait_for_calls(
        system.graph_url,
        lambda c: ref in text(c) and f"CLAIM:{ref}" in buttons(c),
        TURN_SECONDS,
        page_token=FRIENDS_TOKEN,
    )
    offered = {c["recipient"] for c in offers}
    assert offered == {"e2e-anna", "e2e-jonas"}

    await friends_tap(system, "e2e-anna", f"CLAIM:{ref}")
    won = await wait_for_calls(
        system.graph_url, lambda c: "gehört Ihnen" in text(c), TURN_SECONDS, recipient="e2e-anna"
    )
    assert "+491719876543" in text(won[0]) and "Erika Mustermann" in text(won[0])
    assert "Hauptstr. 5a" in text(won[0])
    await friends_tap(system, "e2e-jonas", f"CLAIM:{ref}")
    taken = await wait_for_calls(
        system.graph_url, lambda c: "vergeben" in text(c), TURN_SECONDS, recipient="e2e-jonas"
    )
    assert "+49" not in text(taken[0])

    told = await chat.wait("Anna")
    assert any(ref in text(c) and "12 Stunden" in text(c) for c in told), [text(c) for c in told]

    job = await api(system, "GET", f"/api/v1/jobs/{ref}", api_token)
    assert job["status"] == "assigned"
    assert job["assigned_friend"]["messenger_id"] == "e2e-anna"
    assert job["friend"]["first_name"] == "Anna"  # what the customer may see
    # The Friend has 12 hours from the claim to contact the customer.
    claimed = datetime.fromisoformat(job["claimed_at"])
    deadline = datetime.fromisoformat(job["contact_deadline_at"])
    assert abs(deadline - claimed - timedelta(hours=12)) < timedelta(minutes=1)
    munich, _ = await fetch_calls(system.graph_url, recipient="e2e-munich")
    assert munich and not [c for c in munich if ref in str(c["body"])]  # check-in reply only
