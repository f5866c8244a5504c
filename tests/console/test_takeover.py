"""Human takeover: pause in Rasa, HUMAN_AGENT replies through the customers' page, hand back."""

from __future__ import annotations

from datetime import timedelta

from simulator.fake_graph import FakeGraph
from tests.console.conftest import (
    AGENT,
    CUSTOMERS_TOKEN,
    Client,
    Clock,
    FakeRasa,
    TrackerStore,
    bot,
    eventually,
    login,
    slot,
    user,
)


async def test_take_over_reply_and_hand_back(
    client: Client,
    tracker_store: TrackerStore,
    fake_rasa: FakeRasa,
    fake_graph: tuple[FakeGraph, str],
    clock: Clock,
) -> None:
    graph, _ = fake_graph
    recent = clock() - timedelta(hours=30)  # outside 24 h: only HUMAN_AGENT may reply
    tracker_store.add("psid-7", user("Ich möchte mit einem Menschen sprechen", recent, "human"))
    tracker_store.add("psid-7", bot("Ich verbinde Sie.", recent))
    csrf = await login(client)
    url = "/console/conversations/psid-7"

    early = await client.post(f"{url}/reply", data={"csrf": csrf, "text": "Hallo"})
    assert "take over first" in (await early.text()).lower()
    assert graph.calls(page_token=CUSTOMERS_TOKEN) == []

    taken = await client.post(f"{url}/takeover", data={"csrf": csrf})
    assert taken.status == 200
    assert fake_rasa.posts[-1] == {"conversation": "psid-7", "events": [{"event": "pause"}]}
    assert "Taken over by agent@techfriends.test" in await taken.text()

    text = "Guten Tag, hier ist Lena vom Support. <b>Wie</b> kann ich helfen?"
    sent = await client.post(f"{url}/reply", data={"csrf": csrf, "text": text})
    assert sent.status == 200

    async def delivered() -> bool:
        return bool(graph.calls(page_token=CUSTOMERS_TOKEN, recipient="psid-7"))

    await eventually(delivered)
    call = graph.calls(page_token=CUSTOMERS_TOKEN, recipient="psid-7")[0]
    assert call.body["messaging_type"] == "MESSAGE_TAG"
    assert call.body["tag"] == "HUMAN_AGENT"
    assert call.body["message"] == {"text": text}
    # The transcript shows who wrote the reply (a bot event with the agent in its metadata).
    recorded = fake_rasa.posts[-1]["events"][0]
    assert recorded["event"] == "bot" and recorded["metadata"] == {"agent": AGENT[0]}
    html = await (await client.get(url)).text()
    assert "written by agent@techfriends.test" in html
    assert "&lt;b&gt;Wie&lt;/b&gt;" in html

    back = await client.post(f"{url}/handback", data={"csrf": csrf})
    assert back.status == 200
    assert fake_rasa.posts[-1]["events"] == [
        {"event": "resume"},
        {"event": "slot", "name": "handed_off", "value": False},
        {"event": "action", "name": "action_listen"},
    ]
    html = await back.text()
    assert 'id="take-over"' in html and 'id="send-reply"' not in html


async def test_no_reply_after_seven_days(
    client: Client,
    tracker_store: TrackerStore,
    fake_graph: tuple[FakeGraph, str],
    clock: Clock,
) -> None:
    tracker_store.add("psid-old", user("Hilfe", clock() - timedelta(days=8), "human"))
    csrf = await login(client)
    url = "/console/conversations/psid-old"
    await client.post(f"{url}/takeover", data={"csrf": csrf})
    refused = await client.post(f"{url}/reply", data={"csrf": csrf, "text": "Hallo"})
    assert "7 days" in await refused.text()
    assert fake_graph[0].calls(page_token=CUSTOMERS_TOKEN) == []


async def test_rasa_down_means_no_takeover(
    client: Client, tracker_store: TrackerStore, fake_rasa: FakeRasa, clock: Clock
) -> None:
    tracker_store.add("psid-9", user("Hallo", clock(), "greet"))
    csrf = await login(client)
    fake_rasa.down = True
    response = await client.post("/console/conversations/psid-9/takeover", data={"csrf": csrf})
    assert "cannot be reached" in await response.text()
    assert 'id="take-over"' in await response.text()


async def test_customer_who_asked_for_a_person_waits_for_a_take_over(
    client: Client, tracker_store: TrackerStore, fake_rasa: FakeRasa, clock: Clock
) -> None:
    at = clock() - timedelta(minutes=5)
    tracker_store.add("psid-w", user("Ich möchte mit einem Menschen sprechen", at, "human"))
    tracker_store.add("psid-w", {"event": "pause", "timestamp": at.timestamp()})
    tracker_store.add("psid-w", slot("handed_off", True, at))
    csrf = await login(client)
    waiting = await client.get("/console/conversations?handed_off=1")
    assert "psid-w" in await waiting.text()
    url = "/console/conversations/psid-w"
    page = await (await client.get(url)).text()
    assert "asked for a person" in page and 'id="send-reply"' not in page
    refused = await client.post(f"{url}/reply", data={"csrf": csrf, "text": "Hallo"})
    assert "take over first" in (await refused.text()).lower()
    taken = await (await client.post(f"{url}/takeover", data={"csrf": csrf})).text()
    assert 'id="send-reply"' in taken
