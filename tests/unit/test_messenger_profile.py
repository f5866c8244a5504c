"""The page set-up command against the fake Graph API."""

from __future__ import annotations

import pytest

from simulator.fake_graph import FakeGraph
from tools.messenger_profile import CUSTOMER_PROFILE, run


async def test_both_pages_get_start_button_greetings_and_menus(
    fake_graph: tuple[FakeGraph, str],
) -> None:
    fake, url = fake_graph
    env = {
        "MESSENGER_GRAPH_URL": url,
        "MESSENGER_GRAPH_VERSION": "v21.0",
        "CUSTOMER_PAGE_ACCESS_TOKEN": "cust",
        "FRIENDS_PAGE_ACCESS_TOKEN": "friends",
    }
    await run(env, ["customers", "friends"])
    calls = {c.access_token: c for c in fake.calls()}
    assert set(calls) == {"cust", "friends"}
    customers = calls["cust"].body
    assert calls["cust"].path == "/v21.0/me/messenger_profile"
    assert customers["get_started"] == {"payload": "/get_started"}
    locales = {"default", "en_US", "fr_FR", "fr_CH", "it_IT", "it_CH", "pl_PL"}
    assert {g["locale"] for g in customers["greeting"]} == locales
    assert {m["locale"] for m in customers["persistent_menu"]} == locales
    assert {g["locale"] for g in calls["friends"].body["greeting"]} == locales
    # Meta's limit for the greeting text.
    assert all(len(g["text"]) <= 160 for g in customers["greeting"])
    for menu in customers["persistent_menu"] + calls["friends"].body["persistent_menu"]:
        # Meta's limits for a flat persistent menu: 20 buttons, titles of 30 characters.
        assert len(menu["call_to_actions"]) <= 20
        assert all(len(a["title"]) <= 30 for a in menu["call_to_actions"])
    english = next(m for m in customers["persistent_menu"] if m["locale"] == "en_US")
    assert [a["title"] for a in english["call_to_actions"]] == [
        "Book help",
        "My jobs",
        "Talk to a person",
        "Language / Sprache",
    ]
    # Every customer menu lets the customer pick another language at any time.
    for menu in customers["persistent_menu"]:
        assert menu["call_to_actions"][-1]["payload"] == "/switch_language", menu["locale"]
    friends_en = next(m for m in calls["friends"].body["persistent_menu"] if m["locale"] == "en_US")
    assert [a["payload"] for a in friends_en["call_to_actions"]] == [
        "MY_JOBS",
        "GO_ONLINE",
        "GO_OFFLINE",
        "PROFILE",
        "HELP",
    ]


def test_swiss_french_and_ticino_get_the_french_and_italian_menus() -> None:
    menus = {m["locale"]: m for m in CUSTOMER_PROFILE["persistent_menu"]}
    assert menus["fr_CH"]["call_to_actions"] == menus["fr_FR"]["call_to_actions"]
    assert menus["it_CH"]["call_to_actions"] == menus["it_IT"]["call_to_actions"]
    titles = [a["title"] for a in menus["pl_PL"]["call_to_actions"]]
    assert titles == ["Zamów pomoc", "Moje zlecenia", "Rozmowa z człowiekiem", "Język / Language"]


async def test_a_missing_token_is_reported(fake_graph: tuple[FakeGraph, str]) -> None:
    with pytest.raises(RuntimeError, match="FRIENDS_PAGE_ACCESS_TOKEN"):
        await run({"MESSENGER_GRAPH_URL": fake_graph[1]}, ["friends"])
