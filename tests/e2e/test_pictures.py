"""A photo the customer sends during the booking goes with the job to the Friend who claims it."""

from __future__ import annotations

from simulator.graph_client import wait_for_calls
from simulator.webhook_bodies import text_event
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

PHOTO = "https://scontent.xx.fbcdn.net/v/t1.15752-9/router-blinkt-rot.jpg?_nc_cat=1&oh=abc"


async def test_a_photo_sent_during_the_booking_reaches_the_friend_who_claims(
    system: System,
) -> None:
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
        image_url=PHOTO,
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
    assert job["image_urls"] == [PHOTO]
    reference = job["reference"]
    offer = await wait_for_calls(
        system.graph_url,
        lambda c: f"CLAIM:{reference}" in buttons(c),
        TURN_SECONDS,
        page_token=FRIENDS_TOKEN,
        recipient=friend_psid,
    )
    # Only the Friend who takes the job sees the customer's photo.
    assert PHOTO not in text(offer[0])
    await friends_tap(system, friend_psid, f"CLAIM:{reference}")
    photos = await wait_for_calls(
        system.graph_url,
        lambda c: PHOTO in text(c),
        TURN_SECONDS,
        page_token=FRIENDS_TOKEN,
        recipient=friend_psid,
    )
    assert reference in text(photos[0])
