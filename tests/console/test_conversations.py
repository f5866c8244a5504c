"""Conversations from the tracker store: list, filters, search, paging, transcript, corrections."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import yaml

from tests.console.conftest import (
    API_TOKEN,
    START,
    Client,
    TrackerStore,
    action,
    bot,
    login,
    slot,
    user,
)


def fill(store: TrackerStore, count: int) -> dict[str, dict[str, Any]]:
    """`count` realistic conversations, one minute apart; returns what each one is like."""
    facts: dict[str, dict[str, Any]] = {}
    for i in range(count):
        sender = f"psid-{i:04d}"
        at = START + timedelta(minutes=i)
        language = "en" if i % 3 == 0 else "de"
        fallback = i % 5 == 0
        confidence = 0.35 if i % 7 == 0 else 0.92
        handed_off = i % 11 == 0
        store.add(sender, action("action_session_start", at))
        store.add(sender, slot("language", language, at))
        store.add(sender, user("Hallo" if language == "de" else "Hello", at, "greet", 0.99))
        store.add(sender, bot("Wobei darf ich helfen?", at, buttons=["WLAN", "Fernseher"]))
        text = "Mein WLAN bricht ständig ab" if i % 2 else "Der Fernseher hat keine Sender"
        store.add(
            sender,
            user(
                text,
                at + timedelta(seconds=20),
                "nlu_fallback" if fallback else "describe_problem",
                confidence,
                [{"entity": "device", "value": "router" if i % 2 else "tv"}],
            ),
        )
        if fallback:
            store.add(sender, action("action_default_fallback", at + timedelta(seconds=21)))
        if handed_off:
            store.add(
                sender, {"event": "pause", "timestamp": (at + timedelta(seconds=30)).timestamp()}
            )
        facts[sender] = {
            "language": language,
            "fallback": fallback,
            "confidence": min(confidence, 0.99),
            "handed_off": handed_off,
            "wifi": bool(i % 2),
            "at": at,
        }
    return facts


LINK = re.compile(r'class="conversation-link">([^<]+)<')
NEXT = re.compile(r'href="([^"]+)" id="next-page"')


async def all_pages(client: Client, query: str) -> list[str]:
    """Every sender the list shows for this query, following the pages to the end."""
    senders: list[str] = []
    url = f"/console/conversations?{query}"
    while url:
        response = await client.get(url)
        assert response.status == 200
        html = await response.text()
        senders += LINK.findall(html)
        found = NEXT.search(html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    return senders


async def test_filters_search_and_paging(client: Client, tracker_store: TrackerStore) -> None:
    facts = fill(tracker_store, 130)
    await login(client)
    newest_first = sorted(facts, key=lambda s: facts[s]["at"], reverse=True)

    everything = await all_pages(client, "")
    assert everything == newest_first  # three pages of 50, no gaps, no repeats

    def expect(predicate: Any) -> list[str]:
        return [s for s in newest_first if predicate(facts[s])]

    assert await all_pages(client, "language=en") == expect(lambda f: f["language"] == "en")
    assert await all_pages(client, "fallback=1") == expect(lambda f: f["fallback"])
    assert await all_pages(client, "below=0.5") == expect(lambda f: f["confidence"] < 0.5)
    assert await all_pages(client, "handed_off=1") == expect(lambda f: f["handed_off"])
    assert await all_pages(client, "intent=nlu_fallback") == expect(lambda f: f["fallback"])
    assert await all_pages(client, "intent=describe") == []  # whole intent names only
    assert await all_pages(client, "q=wlan+bricht") == expect(lambda f: f["wifi"])
    assert await all_pages(client, "q=%25") == []  # LIKE wildcards are matched literally
    day = (START + timedelta(minutes=100)).date().isoformat()
    assert await all_pages(client, f"since={day}&until={day}") == newest_first
    assert await all_pages(client, "until=2026-11-19") == []
    combined = await all_pages(client, "language=de&fallback=1&q=fernseher")
    assert combined == expect(lambda f: f["language"] == "de" and f["fallback"] and not f["wifi"])
    # Nonsense in a filter is a 400 that says which input and what it may be, never a 500; a
    # cursor that is not ours starts at the first page.
    response = await client.get("/console/conversations?below=abc&since=x&after=%%%")
    assert response.status == 400
    text = await response.text()
    assert "2000-01-01 … 2099-12-31" in text and "0 … 1" in text
    assert (await client.get("/console/conversations?after=%%%")).status == 200


async def test_has_job_filter_reads_the_backend_jobs(
    client: Client, tracker_store: TrackerStore
) -> None:
    fill(tracker_store, 4)
    await login(client)
    body = {
        "category": "internet_wifi",
        "description": "WLAN bricht ab",
        "country": "DE",
        "postal_code": "10115",
        "street": "Invalidenstraße 1",
        "customer": {
            "psid": "psid-0002",
            "name": "Erika",
            "phone": "0171 9876543",
            "language": "de",
        },
    }
    created = await client.post(
        "/api/v1/jobs", json=body, headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert created.status == 201, await created.text()
    assert await all_pages(client, "has_job=1") == ["psid-0002"]
    listed = await (await client.get("/console/conversations?has_job=1")).text()
    assert 'psid-0002</a><div class="muted">Erika</div>' in listed  # the booking's name
    reference = (await created.json())["reference"]
    for query in ("q=erika", f"q={reference.lower()}", "q=psid-0002"):
        assert await all_pages(client, query) == ["psid-0002"], query


async def test_new_events_reach_the_list_incrementally(
    client: Client, tracker_store: TrackerStore
) -> None:
    fill(tracker_store, 2)
    await login(client)
    assert await all_pages(client, "") == ["psid-0001", "psid-0000"]
    newest = tracker_store.add(
        "psid-0000", user("Noch eine Frage", START + timedelta(hours=5), "ask", 0.2)
    )
    latest = await client.get("/console/conversations/psid-0000/latest")
    assert await latest.json() == {"last_event_id": newest}  # what the page polls
    assert await all_pages(client, "") == ["psid-0000", "psid-0001"]
    assert await all_pages(client, "below=0.3") == ["psid-0000"]
    assert await all_pages(client, "intent=ask") == ["psid-0000"]


async def test_customer_text_is_escaped_everywhere(
    client: Client, tracker_store: TrackerStore
) -> None:
    evil = "<script>alert('x')</script>"
    tracker_store.add(
        "psid-evil", user(evil, START, "greet", 0.9, [{"entity": "e", "value": evil}])
    )
    tracker_store.add("psid-evil", bot(f"Echo {evil}", START, buttons=[evil]))
    csrf = await login(client)
    await client.post("/console/conversations/psid-evil/notes", data={"csrf": csrf, "text": evil})
    await client.post("/console/conversations/psid-evil/tags", data={"csrf": csrf, "tag": evil})
    for url in ("/console/conversations", "/console/conversations/psid-evil"):
        html = await (await client.get(url)).text()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    page = await client.get("/console/conversations/psid-evil")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


async def test_transcript_shows_annotations_buttons_and_side_lane(
    client: Client, tracker_store: TrackerStore
) -> None:
    fill(tracker_store, 2)
    await login(client)
    html = await (await client.get("/console/conversations/psid-0001")).text()
    assert "Mein WLAN bricht ständig ab" in html
    assert '<span class="intent">describe_problem</span>' in html
    assert "0.92" in html and "device=router" in html
    assert (
        '<span class="button">WLAN</span>' in html
        and '<span class="button">Fernseher</span>' in html
    )
    assert "language = &#39;de&#39;" in html  # slot change in the side lane
    assert "⚙ action_session_start" in html
    # Bubbles in event order.
    assert html.index("Hallo") < html.index("Wobei darf ich helfen?") < html.index("Mein WLAN")
    missing = await client.get("/console/conversations/nobody")
    assert missing.status == 404


async def test_tags_notes_review(client: Client, tracker_store: TrackerStore) -> None:
    fill(tracker_store, 3)
    csrf = await login(client)
    url = "/console/conversations/psid-0001"
    await client.post(f"{url}/tags", data={"csrf": csrf, "tag": "Router  Problem"})
    await client.post(f"{url}/notes", data={"csrf": csrf, "text": "Rückruf vereinbart"})
    await client.post(f"{url}/review", data={"csrf": csrf})
    html = await (await client.get(url)).text()
    assert "router problem" in html and "Rückruf vereinbart" in html
    assert "agent@techfriends.test ·" in html  # reviewed by
    assert await all_pages(client, "tag=router+problem") == ["psid-0001"]
    await client.post(f"{url}/tags/remove", data={"csrf": csrf, "tag": "router problem"})
    assert await all_pages(client, "tag=router+problem") == []
    empty = await client.post(f"{url}/notes", data={"csrf": csrf, "text": "  "})
    assert "empty" in await empty.text()


async def test_flag_misunderstood_and_export_nlu_yaml(
    client: Client, tracker_store: TrackerStore
) -> None:
    fill(tracker_store, 1)
    first = tracker_store.add("psid-x", user("Mein Drucker druckt nicht", START, "greet", 0.4))
    second = tracker_store.add("psid-x", user("Drucker\nkaputt", START, "nlu_fallback", 0.2))
    bot_event = tracker_store.add("psid-x", bot("Hallo!", START))
    csrf = await login(client)
    url = "/console/conversations/psid-x/flag"
    for event_id, intent in ((first, "describe_problem"), (second, "describe_problem")):
        response = await client.post(
            url, data={"csrf": csrf, "event_id": str(event_id), "intent": intent}
        )
        assert response.status == 200
    # Correcting again replaces the first correction, a bot message cannot be flagged.
    await client.post(url, data={"csrf": csrf, "event_id": str(second), "intent": "ask_help"})
    refused = await client.post(url, data={"csrf": csrf, "event_id": str(bot_event), "intent": "x"})
    assert refused.status == 404
    bad = await client.post(url, data={"csrf": csrf, "event_id": str(first), "intent": "a b: c"})
    assert bad.status == 422
    html = await (await client.get("/console/conversations/psid-x")).text()
    assert "describe_problem</b>" in html and "ask_help</b>" in html

    exported = await client.get("/console/corrections.yml")
    assert exported.status == 200
    data = yaml.safe_load(await exported.text())
    assert data["version"] == "3.1"
    examples = {
        block["intent"]: [line[2:] for line in block["examples"].splitlines()]
        for block in data["nlu"]
    }
    assert examples == {
        "ask_help": ["Drucker kaputt"],
        "describe_problem": ["Mein Drucker druckt nicht"],
    }
