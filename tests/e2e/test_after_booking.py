"""After the booking, through every process: the Friend claims, calls, finishes and confirms
the package on the Friends' page; the backend tells the bot (EXTERNAL_job_completed), the bot
asks the customer for stars and a comment and posts them; the Friend's rating follows."""

from __future__ import annotations

from typing import Any

from simulator.graph_client import wait_for_calls
from simulator.webhook_bodies import quick_reply_event, text_event
from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import (
    FRANKFURT_TV_CUSTOMER,
    FRIENDS_TOKEN,
    TURN_SECONDS,
    Call,
    api,
    book,
    buttons,
    friends_tap,
    friends_webhook,
    payload_entities,
    playing,
    quick_replies,
    quick_reply_titles,
    text,
)

ADMIN = SECRETS["BACKEND_ADMIN_TOKEN"]
API = SECRETS["BACKEND_API_TOKEN"]


async def _friend_sees(system: System, friend: str, since: int, match: Any) -> Call:
    calls = await wait_for_calls(
        system.graph_url,
        match,
        TURN_SECONDS,
        since=since,
        page_token=FRIENDS_TOKEN,
        recipient=friend,
    )
    return calls[-1]


async def test_friend_finishes_and_the_customer_rates_the_job(system: System) -> None:
    # In Frankfurt, away from the other tests' Friends.
    friend_psid = "e2e-rating-friend"
    friend = {
        "name": "Rita Sterne",
        "messenger_id": friend_psid,
        "postal_code": "60313",
        "country": "DE",
        "radius_km": 15,
        "skills": ["tv_entertainment"],
        "languages": ["de"],
        "status": "active",
    }
    await api(system, "POST", "/api/v1/friends", ADMIN, json=friend)
    await friends_webhook(system, text_event(friend_psid, "friends-page", "online"))
    customer = playing(FRANKFURT_TV_CUSTOMER, "e2e-rating-customer")
    booking = await book(system, customer)
    [job] = await api(system, "GET", f"/api/v1/jobs?customer_psid={customer.psid}", API)
    ref = job["reference"]
    assert ref in booking.confirmation

    await _friend_sees(system, friend_psid, 0, lambda c: f"CLAIM:{ref}" in buttons(c))
    await friends_tap(system, friend_psid, f"CLAIM:{ref}")
    won = await _friend_sees(system, friend_psid, 0, lambda c: f"DONE:{ref}" in buttons(c))
    await friends_tap(system, friend_psid, f"CONTACTED:{ref}")
    await _friend_sees(system, friend_psid, won["seq"], lambda c: ref in text(c))
    await booking.chat.wait(ref)  # the customer heard who is coming

    # Done: the Friend confirms the package and that no extra time was needed.
    await friends_tap(system, friend_psid, f"DONE:{ref}")
    asked = await _friend_sees(
        system, friend_psid, won["seq"], lambda c: f"DONEPKG:{ref}:quick_help" in quick_replies(c)
    )
    title = quick_reply_titles(asked)[f"DONEPKG:{ref}:quick_help"]
    await friends_webhook(
        system,
        quick_reply_event(friend_psid, "friends-page", title, f"DONEPKG:{ref}:quick_help"),
    )
    no_extra = f"DONEEXTRA:{ref}:quick_help:0"
    extra = await _friend_sees(
        system, friend_psid, asked["seq"], lambda c: no_extra in quick_replies(c)
    )
    await friends_webhook(
        system,
        quick_reply_event(
            friend_psid, "friends-page", quick_reply_titles(extra)[no_extra], no_extra
        ),
    )

    # The bot asks the customer, who gives 5 stars and a comment.
    def asks_for_stars(call: Call) -> bool:
        return any("stars" in payload_entities(p) for p in quick_replies(call))

    said = await booking.chat.wait_until(asks_for_stars)
    stars_question = next(c for c in said if asks_for_stars(c))
    assert "Rita" in text(stars_question)
    five = next(p for p in quick_replies(stars_question) if payload_entities(p).get("stars") == "5")
    await booking.chat.send_tap(
        quick_reply_titles(stars_question)[five], five, lambda c: "/deny" in quick_replies(c)
    )
    await booking.chat.say("Sehr freundlich, der Fernseher läuft wieder", "Vielen Dank")

    job = await api(system, "GET", f"/api/v1/jobs/{ref}", API)
    assert job["status"] == "completed" and job["completed_at"]
    friends = await api(system, "GET", "/api/v1/friends", ADMIN)
    rows = friends.get("friends", friends) if isinstance(friends, dict) else friends
    rated = next(f for f in rows if f["messenger_id"] == friend_psid)
    assert (rated["rating"], rated["rating_count"]) == (5.0, 1)
