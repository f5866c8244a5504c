"""A photo the customer sends during the booking goes with the job to the Friend who claims it.

The photo is the simulator's demo JPEG, served by the simulator as Meta hosts a Messenger
photo; the bot downloads it, stores it through the backend's media API (issue 16), and the job
carries the backend's own /media/<id> URL, never Meta's expiring link. (Needs the bot's
Messenger images through the media API, H1, and the media API, H3.)
"""

from __future__ import annotations

import aiohttp

from simulator.graph_client import wait_for_calls
from simulator.webhook_bodies import text_event
from simulator.whatsapp_phone import MEDIA_DIR
from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import (
    FRIENDS_TOKEN,
    TURN_SECONDS,
    Customer,
    api,
    book,
    buttons,
    friends_tap,
    friends_webhook,
    text,
)


async def test_a_photo_sent_during_the_booking_reaches_the_friend_who_claims(
    system: System,
) -> None:
    photo = f"{system.simulator_url}/media/demo/router.jpg"
    # In Hamburg, away from the other tests' Friends, so no other test sees this offer.
    friend_psid = "e2e-pictures-friend"
    friend = {
        "name": "Paula Bild",
        "messenger_id": friend_psid,
        "postal_code": "22767",
        "country": "DE",
        "radius_km": 15,
        "skills": ["internet_wifi"],
        "languages": ["de"],
        "status": "active",
    }
    await api(system, "POST", "/api/v1/friends", SECRETS["BACKEND_ADMIN_TOKEN"], json=friend)
    await friends_webhook(system, text_event(friend_psid, "friends-page", "online"))
    customer = Customer(
        psid="e2e-pictures-customer",
        greeting="Guten Tag",
        description="Mein Router blinkt rot und das Internet ist weg",
        category="internet_wifi",
        postal_code="20357",
        city="Hamburg",
        package="quick_help",
        street="Schanzenstraße 7",
        time="morgen Nachmittag",
        name="Bernd Vogel",
        phone="040 5551234",
        image_url=photo,
    )
    booking = await book(system, customer)

    assert "photo" in booking.turns  # acknowledged, and the booking went on
    jobs = await api(
        system,
        "GET",
        f"/api/v1/jobs?customer_psid={customer.psid}",
        SECRETS["BACKEND_API_TOKEN"],
    )
    assert len(jobs) == 1
    job = jobs[0]
    # Stored by the backend: its own URL, serving the very bytes the customer sent.
    [stored] = job["image_urls"]
    assert stored.startswith(f"{system.backend_url}/media/"), stored
    assert photo not in job["image_urls"]
    async with aiohttp.ClientSession() as http, http.get(stored) as response:
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        assert await response.read() == (MEDIA_DIR / "router.jpg").read_bytes()
    reference = job["reference"]
    offer = await wait_for_calls(
        system.graph_url,
        lambda c: f"CLAIM:{reference}" in buttons(c),
        TURN_SECONDS,
        page_token=FRIENDS_TOKEN,
        recipient=friend_psid,
    )
    # The offered Friends see the photo with the offer (issue 16), to judge the job.
    assert stored in text(offer[0])
    await friends_tap(system, friend_psid, f"CLAIM:{reference}")
    photos = await wait_for_calls(
        system.graph_url,
        lambda c: stored in text(c) and f"CLAIM:{reference}" not in buttons(c),
        TURN_SECONDS,
        page_token=FRIENDS_TOKEN,
        recipient=friend_psid,
    )
    assert reference in text(photos[0])
