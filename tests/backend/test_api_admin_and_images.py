"""Images on jobs, the customer's view of the Friend, cancel of an open job, admin endpoints."""

from __future__ import annotations

from backend.adapters.orm import Offer
from simulator.fake_graph import FakeGraph
from tests.backend.clock import count_rows
from tests.backend.conftest import admin_headers, api_headers
from tests.backend.helpers import (
    Client,
    add_friend,
    create_job,
    job_body,
    post_friends_webhook,
    tap,
    text_of,
    wait_for,
)

Graph = tuple[FakeGraph, str]
PHOTO = "https://scontent.xx.fbcdn.net/v/t1/router.jpg?stp=dst-jpg"


async def test_image_urls_must_be_at_most_five_https_urls(client: Client) -> None:
    for bad in (
        ["http://example.org/a.jpg"],
        [PHOTO] * 6,
        "https://example.org/a.jpg",
        [42],
        ["https://"],
        ["https://[broken/a.jpg"],
        ["javascript:alert(1)"],
    ):
        response = await client.post(
            "/api/v1/jobs", json=job_body(image_urls=bad), headers=api_headers()
        )
        assert response.status == 422, bad
        assert set((await response.json())["errors"]) == {"image_urls"}


async def test_offer_shows_photos_winner_gets_all_customer_sees_first_name(
    client: Client, fake_graph: Graph
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    job = await create_job(client, image_urls=[PHOTO, PHOTO + "&2"])
    ref = job["reference"]
    assert job["image_urls"] == [PHOTO, PHOTO + "&2"]
    assert job["friend"] is None and job["contact_deadline_at"] is None
    offer = await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    # Issue 16: the photos go with the offer, so a Friend can judge the job before claiming.
    assert PHOTO in text_of(offer[0])
    await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)])
    # The offer names the photos too; the winner's own message is the one without the offer.
    photos = await wait_for(
        graph, lambda c: "Fotos vom Kunden" in text_of(c) and "Neuer Auftrag" not in text_of(c)
    )
    assert photos[0].recipient == "friend-anna"
    assert PHOTO in text_of(photos[0]) and PHOTO + "&2" in text_of(photos[0])

    listed = await client.get("/api/v1/jobs?customer=cust-1", headers=api_headers())
    [mine] = await listed.json()
    assert mine["status"] == "assigned"
    assert mine["friend"] == {"first_name": "Anna", "rating": None}
    assert mine["contact_deadline_at"] is not None
    missing = await client.get("/api/v1/jobs", headers=api_headers())
    assert missing.status == 422 and "customer" in (await missing.json())["errors"]


async def test_cancelling_an_open_job_withdraws_its_offers(
    client: Client, fake_graph: Graph, db_url: str
) -> None:
    graph, _ = fake_graph
    await add_friend(client)
    ref = (await create_job(client))["reference"]
    await wait_for(graph, lambda c: "Neuer Auftrag" in text_of(c))
    response = await client.post(
        f"/api/v1/jobs/{ref}/cancel", json={"reason": "erledigt"}, headers=api_headers()
    )
    assert response.status == 200 and (await response.json())["status"] == "cancelled"
    assert await count_rows(db_url, Offer, status="withdrawn") == 1
    # A claim on the withdrawn offer is told the job is gone.
    await post_friends_webhook(client, [tap("friend-anna", f"CLAIM:{ref}", 1)])
    await wait_for(graph, lambda c: "vergeben" in text_of(c))


async def test_admin_reads_and_changes_friends(client: Client) -> None:
    anna = await add_friend(client)
    await add_friend(client, messenger_id="friend-printers", skills=["printer"], status="vetted")
    url = f"/api/v1/friends/{anna['id']}"
    one = await client.get(url, headers=admin_headers())
    assert one.status == 200
    body = await one.json()
    assert body["messenger_id"] == "friend-anna" and body["reliability"] == 0.8
    assert body["counters"] == {
        "claims": 0,
        "contacted_in_time": 0,
        "missed_deadlines": 0,
        "hand_backs": 0,
        "declines": 0,
        "completed_jobs": 0,
    }
    paused = await client.patch(url, json={"status": "paused"}, headers=admin_headers())
    assert paused.status == 200 and (await paused.json())["status"] == "paused"
    for bad in ({"status": "boss"}, {}, {"status": "active", "name": "X"}, []):
        response = await client.patch(url, json=bad, headers=admin_headers())
        assert response.status == 422, bad
    for missing in ("/api/v1/friends/999999", "/api/v1/friends/abc", "/api/v1/friends/-1"):
        assert (await client.get(missing, headers=admin_headers())).status == 404
    unknown = await client.patch(
        "/api/v1/friends/999999", json={"status": "active"}, headers=admin_headers()
    )
    assert unknown.status == 404

    async def names(query: str) -> list[str]:
        response = await client.get(f"/api/v1/friends{query}", headers=admin_headers())
        assert response.status == 200
        return [f["messenger_id"] for f in await response.json()]

    assert await names("?status=paused") == ["friend-anna"]
    assert await names("?skill=printer") == ["friend-printers"]
    assert await names("?country=de&language=de") == ["friend-anna", "friend-printers"]
    assert await names("?country=CH") == []
    bad_filter = await client.get("/api/v1/friends?status=boss", headers=admin_headers())
    assert bad_filter.status == 422


async def test_admin_endpoints_need_the_admin_token(client: Client) -> None:
    anna = await add_friend(client)
    for method, path in (
        ("GET", f"/api/v1/friends/{anna['id']}"),
        ("PATCH", f"/api/v1/friends/{anna['id']}"),
        ("GET", "/api/v1/ledger"),
        ("GET", "/api/v1/support-alerts"),
    ):
        response = await client.request(
            method, path, json={"status": "active"}, headers=api_headers()
        )
        assert response.status == 401, path
    assert (await client.get("/api/v1/ledger?friend_id=x", headers=admin_headers())).status == 422
    alerts = await client.get(
        "/api/v1/support-alerts?include_resolved=maybe", headers=admin_headers()
    )
    assert alerts.status == 422
    assert await (await client.get("/api/v1/support-alerts", headers=admin_headers())).json() == []
