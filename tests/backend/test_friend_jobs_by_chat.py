"""Working by chat: claim, decline, my jobs, contacted, done, hand back, customer unreachable,
online/offline, profile, pause and help — typed (with typos) and tapped, German and English."""

from __future__ import annotations

import asyncio

from backend.adapters.orm import Friend, JobEvent, Offer, SupportAlert
from backend.config import Settings
from simulator.fake_graph import FakeGraph
from tests.backend.clock import MovableClock, backend, clocked
from tests.backend.conftest import admin_headers
from tests.backend.friend_chat_helpers import Phone, chips_of, last_text, rows
from tests.backend.helpers import (
    Client,
    add_friend,
    buttons_of,
    create_job,
    get_friend,
    get_job,
    text_of,
)

Graph = tuple[FakeGraph, str]
ENGLISH_CUSTOMER = {
    "psid": "cust-en",
    "name": "John Smith",
    "phone": "0171 9876543",
    "language": "en",
}


async def test_a_job_from_claim_to_done_typed_in_german(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    anna = Phone(client, graph, "friend-anna")
    await add_friend(client, check_in=False)
    assert "Sie sind online" in last_text(await anna.say("online"))
    ref = (await create_job(client))["reference"]
    assert ref in last_text(await anna.replies())  # the offer

    won = await anna.say("annehmen")
    assert f"Der Auftrag {ref} gehört Ihnen" in last_text(won)
    mine = last_text(await anna.say("meine Auftrage"))
    assert ref in mine and "Erika Muster" in mine and "Kontakt bis" in mine

    for attempt in range(1, 5):
        noted = last_text(await anna.say("Kunde nicht erreichbar"))
        assert f"Versuch {attempt} von 5" in noted
    assert not await rows(settings.database_url, SupportAlert, kind="customer_unreachable")
    alerted = last_text(await anna.say("kunde nich erreichbar"))
    assert "Unser Team kümmert sich" in alerted
    [alert] = await rows(settings.database_url, SupportAlert, kind="customer_unreachable")
    assert alert.detail == {"reference": ref, "attempts": 5}

    assert "Kontakt ist vermerkt" in last_text(await anna.say("kontacktiert"))
    ask = await anna.say("erledgt")
    assert "Welches Paket" in last_text(ask)
    extra = await anna.chip(chips_of(ask[0])[0])
    assert "Wie viel Zeit" in last_text(extra)
    assert "abgeschlossen" in last_text(await anna.say("30"))
    assert (await get_job(client, ref))["status"] == "completed"

    second = (await create_job(client))["reference"]
    assert second in last_text(await anna.replies())
    assert f"Auftrag {second} ist für Sie erledigt" in last_text(await anna.say("Nicht für mich"))
    third = (await create_job(client))["reference"]
    assert third in last_text(await anna.replies())
    assert "gehört Ihnen" in last_text(await anna.say(third))  # the reference alone claims
    assert f"den Auftrag {third} zurückgegeben" in last_text(await anna.say("zurück geben"))
    assert (await get_job(client, third))["status"] == "open"


async def test_decline_claim_contacted_and_hand_back_typed_in_english(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    emma = Phone(client, graph, "friend-emma")
    data = await add_friend(
        client, check_in=False, name="Emma Brown", messenger_id="friend-emma", languages=["en"]
    )
    assert "You are online" in last_text(await emma.say("online"))
    first = (await create_job(client, customer=ENGLISH_CUSTOMER))["reference"]
    assert "New job" in last_text(await emma.replies())
    assert f"job {first} is off your list" in last_text(await emma.say("not for me"))
    [offer] = await rows(settings.database_url, Offer, friend_id=data["id"])
    assert offer.status == "declined"

    second = (await create_job(client, customer=ENGLISH_CUSTOMER))["reference"]
    assert second in last_text(await emma.replies())
    assert f"Job {second} is yours" in last_text(await emma.say(f"accept {second.lower()}"))
    assert "not (or no longer) yours" in last_text(await emma.say("done TF-NONE"))
    assert "contact recorded" in last_text(await emma.say("contacted"))
    assert "given job" in last_text(await emma.say("hand bak"))
    assert (await get_job(client, second))["status"] == "open"
    assert (await get_friend(client, data["id"]))["counters"]["hand_backs"] == 1
    assert "no job that fits" in last_text(await emma.say("contacted"))

    third = (await create_job(client, customer=ENGLISH_CUSTOMER))["reference"]
    assert third in last_text(await emma.replies())
    assert "is yours" in last_text(await emma.say("acept"))
    assert "contact recorded" in last_text(await emma.say("customer contacted"))
    ask = await emma.say("Done!")
    assert "which package" in last_text(ask)
    await emma.chip(chips_of(ask[0])[0])
    assert "is complete" in last_text(await emma.say("45 min"))
    assert (await get_job(client, third))["status"] == "completed"


async def test_claim_contacted_done_and_hand_back_by_button_in_english(
    client: Client, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    emma = Phone(client, graph, "friend-emma")
    await add_friend(
        client, check_in=False, name="Emma Brown", messenger_id="friend-emma", languages=["en"]
    )
    await emma.say("online")
    ref = (await create_job(client, customer=ENGLISH_CUSTOMER))["reference"]
    offer = await emma.replies()
    assert [b["title"] for b in buttons_of(offer[0])] == ["Accept", "Not for me"]
    won = await emma.tap(f"CLAIM:{ref}")
    assert f"Job {ref} is yours" in last_text(won)
    assert [b["payload"] for b in buttons_of(won[0])] == [
        f"CONTACTED:{ref}",
        f"DONE:{ref}",
        f"HANDBACK:{ref}",
    ]
    assert "contact recorded" in last_text(await emma.tap(f"CONTACTED:{ref}"))
    ask = await emma.tap(f"DONE:{ref}")
    assert "which package" in last_text(ask)
    extra = await emma.chip(chips_of(ask[0])[0])
    assert "beyond the package" in last_text(extra)
    assert "is complete" in last_text(await emma.chip(chips_of(extra[0])[0]))

    other = (await create_job(client, customer=ENGLISH_CUSTOMER))["reference"]
    await emma.replies()
    assert "is off your list" in last_text(await emma.tap(f"DECLINE:{other}"))
    third = (await create_job(client, customer=ENGLISH_CUSTOMER))["reference"]
    await emma.replies()
    await emma.tap(f"CLAIM:{third}")
    assert "given job" in last_text(await emma.tap(f"HANDBACK:{third}"))
    assert "no job that fits" in last_text(await emma.say("done"))


async def test_offline_friends_get_no_offers_and_the_profile_changes_by_chat(
    client: Client, fake_graph: Graph, settings: Settings
) -> None:
    graph, _ = fake_graph
    anna = Phone(client, graph, "friend-anna")
    data = await add_friend(client, check_in=False)
    await anna.say("online")
    assert "offline" in last_text(await anna.say("ofline"))
    ref = (await create_job(client))["reference"]
    for _ in range(100):
        dispatched = await rows(settings.database_url, JobEvent, kind="dispatched")
        if dispatched:
            break
        await asyncio.sleep(0.05)
    assert dispatched[0].detail["friends"] == 0
    assert not [c for c in graph.calls() if ref in text_of(c)]
    assert "1 offene Aufträge" in last_text(await anna.say("online"))

    profile = await anna.say("Profil")
    assert "Umkreis: 15 km" in last_text(profile) and "Internet & WLAN" in last_text(profile)
    assert chips_of(profile[0])[:3] == [
        "PROFILE_EDIT:RADIUS",
        "PROFILE_EDIT:SKILLS",
        "PROFILE_EDIT:LANGS",
    ]
    assert "RADIUS:25" in chips_of((await anna.chip("PROFILE_EDIT:RADIUS"))[0])
    assert "Umkreis 25 km" in last_text(await anna.chip("RADIUS:25"))
    assert "Umkreis 20 km" in last_text(await anna.say("Umkreis 20"))
    assert "zwischen 1 und 100" in last_text(await anna.say("Umkreis 500"))
    assert "Umkreis 25 km" in last_text(await anna.chip("RADIUS:25"))
    assert "Drucker & Scanner" in last_text(await anna.chip("SKILL:printer"))
    assert "Internet & WLAN" not in last_text(await anna.chip("SKILL:internet_wifi"))
    await anna.chip("SKILL:computer")
    assert "Mindestens ein Gebiet" in last_text(await anna.chip("SKILL:printer"))
    assert "Sprachen: Deutsch." in last_text(await anna.chip("LANGS:de"))
    [friend] = await rows(settings.database_url, Friend, id=data["id"])
    assert (friend.radius_km, friend.skills, friend.languages) == (25, ["printer"], ["de"])

    assert "pausiert" in last_text(await anna.say("Pause"))
    assert (await get_friend(client, data["id"]))["status"] == "paused"
    assert "online" in last_text(await anna.say("online"))
    assert (await get_friend(client, data["id"]))["status"] == "active"
    # A pause set by support is not lifted by the Friend.
    await client.patch(
        f"/api/v1/friends/{data['id']}", json={"status": "paused"}, headers=admin_headers()
    )
    assert "von unserem Team pausiert" in last_text(await anna.say("online"))

    unknown = await anna.say("Wie wird das Wetter morgen?")
    assert "nicht verstanden" in last_text(unknown) and "meine Aufträge" in last_text(unknown)
    assert chips_of(unknown[0])[0] == "MY_JOBS"
    assert "Das können Sie mir schreiben" in last_text(await anna.say("hilfe"))
    assert "keine Aufträge" in last_text(await anna.tap("MY_JOBS"))


async def test_the_first_message_of_a_day_gets_the_check_in(
    settings: Settings, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    clock = MovableClock()
    async with backend(clocked(settings, clock)) as client:
        anna = Phone(client, graph, "friend-anna")
        data = await add_friend(client, check_in=False)
        greeting = last_text(await anna.say("hilfe", expect=2))
        assert "Das können Sie" in greeting
        assert "Sie sind online" in text_of(graph.calls()[-2])
        assert "Sie sind online" not in last_text(await anna.say("hilfe"))  # once a day
        assert "offline" in last_text(await anna.say("offline"))
        clock.advance(days=1)
        next_day = await anna.say("hilfe", expect=2)
        assert "Sie sind online" in text_of(next_day[0])
        [friend] = await rows(settings.database_url, Friend, id=data["id"])
        assert friend.online
