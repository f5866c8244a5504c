"""Jobs board and job actions, Friends, and the customer's data: export, erase, retention."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from backend.adapters.orm import OutboxMessage
from backend.app import create_app
from backend.config import Settings
from backend.console import privacy, summaries
from backend.console.tracker import REDACTED, make_tracker_engine
from backend.services.outbox import FRIENDS_PAGE, record_inbound
from backend.web.runtime import RUNTIME
from simulator.fake_graph import FakeGraph
from tests.console.conftest import (
    ADMIN,
    ADMIN_TOKEN,
    API_TOKEN,
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

JOB = {
    "category": "internet_wifi",
    "description": "Mein WLAN bricht ständig ab",
    "country": "DE",
    "postal_code": "10115",
    "street": "Invalidenstraße 1",
    "customer": {
        "psid": "psid-42",
        "name": "Erika Muster",
        "phone": "0171 9876543",
        "language": "de",
    },
}
APPLICANT = {
    "name": "Bernd Bewerber",
    "messenger_id": "friend-bernd",
    "postal_code": "10117",
    "country": "DE",
    "radius_km": 15,
    "skills": ["internet_wifi"],
    "languages": ["de"],
    "status": "applicant",
}


async def create_job(client: Client) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/jobs", json=JOB, headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert response.status == 201, await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def test_jobs_board_detail_note_redispatch_cancel(
    client: Client, fake_rasa: FakeRasa
) -> None:
    job = await create_job(client)
    reference = job["reference"]
    csrf = await login(client)
    board = await (await client.get("/console/jobs")).text()
    assert f'class="job-link">{reference}<' in board

    url = f"/console/jobs/{reference}"
    noted = await client.post(f"{url}/note", data={"csrf": csrf, "text": "Kundin ruft zurück"})
    assert noted.status == 200 and "Note saved" in await noted.text()
    again = await client.post(f"{url}/redispatch", data={"csrf": csrf})
    assert again.status == 200
    html = await again.text()
    assert "redispatched" in html and "text=Kundin ruft zurück" in html

    missing_reason = await client.post(f"{url}/cancel", data={"csrf": csrf, "reason": " "})
    assert "give a reason" in await missing_reason.text()
    cancelled = await client.post(f"{url}/cancel", data={"csrf": csrf, "reason": "Doppelt"})
    html = await cancelled.text()
    assert "The job is cancelled." in html and "reason=Doppelt" in html
    api = await client.get(
        f"/api/v1/jobs/{reference}", headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert (await api.json())["status"] == "cancelled"

    # The customer's chat learns it too: support is named as "support", not by address.
    async def told() -> bool:
        return any(t["name"] == "EXTERNAL_job_cancelled" for t in fake_rasa.triggers)

    await eventually(told)
    twice = await client.post(f"{url}/cancel", data={"csrf": csrf, "reason": "nochmal"})
    assert twice.status == 409
    news = [t for t in fake_rasa.triggers if t["name"] == "EXTERNAL_job_cancelled"]
    assert [(t["conversation"], t["entities"]["job_reference"]) for t in news] == [
        ("psid-42", reference)
    ]
    assert news[0]["entities"]["cancelled_by"] == "support"
    late = await client.post(f"{url}/redispatch", data={"csrf": csrf})
    assert late.status == 409
    assert (await client.get("/console/jobs/NOSUCH")).status == 404


async def test_admin_activates_an_applicant_agent_may_not(client: Client) -> None:
    created = await client.post(
        "/api/v1/friends", json=APPLICANT, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert created.status == 201, await created.text()
    friend_id = (await created.json())["id"]
    agent_csrf = await login(client)
    refused = await client.post(f"/console/friends/{friend_id}/activate", data={"csrf": agent_csrf})
    assert refused.status == 403

    client.session.cookie_jar.clear()
    csrf = await login(client, ADMIN)
    page = await (await client.get("/console/friends")).text()
    assert "Bernd Bewerber" in page
    done = await client.post(f"/console/friends/{friend_id}/activate", data={"csrf": csrf})
    assert done.status == 200
    friends = await client.get(
        "/api/v1/friends", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    listed = await friends.json()
    rows = listed if isinstance(listed, list) else listed["friends"]
    assert [f["status"] for f in rows if f["id"] == friend_id] == ["active"]
    # Activating an active Friend is not an action that applies: 409, nothing changes.
    assert (
        await client.post(f"/console/friends/{friend_id}/activate", data={"csrf": csrf})
    ).status == 409
    suspended = await client.post(f"/console/friends/{friend_id}/suspend", data={"csrf": csrf})
    assert suspended.status == 200


async def test_export_then_erase_a_customer(
    client: Client, tracker_store: TrackerStore, clock: Clock
) -> None:
    at = clock() - timedelta(hours=1)
    tracker_store.add("psid-42", user("Ich heiße Erika Muster", at, "inform"))
    tracker_store.add("psid-42", slot("customer_name", "Erika Muster", at))
    tracker_store.add("psid-42", bot("Danke, Erika Muster!", at, buttons=["Erika Muster"]))
    tracker_store.add("psid-other", user("Hallo", at, "greet"))
    await create_job(client)
    csrf = await login(client, ADMIN)
    await client.post("/console/conversations/psid-42/notes", data={"csrf": csrf, "text": "Erika"})

    exported = await client.get("/console/privacy/export?channel=messenger&id=psid-42")
    assert exported.status == 200
    data = json.loads(await exported.text())
    assert data["customer"]["name"] == "Erika Muster"
    assert data["jobs"][0]["description"] == "Mein WLAN bricht ständig ab"
    assert [e["data"].get("text") for e in data["conversation"] if e["type"] == "user"] == [
        "Ich heiße Erika Muster"
    ]
    assert data["support_notes"][0]["text"] == "Erika"

    url = "/console/conversations/psid-42"
    await client.post(f"{url}/takeover", data={"csrf": csrf})
    await client.post(f"{url}/reply", data={"csrf": csrf, "text": "Hallo Erika Muster"})
    with_reply = json.loads(await (await client.get("/console/privacy/export?psid=psid-42")).text())
    assert [r["message"] for r in with_reply["support_replies"]] == [{"text": "Hallo Erika Muster"}]

    wrong = await client.post(
        "/console/privacy/erase", data={"csrf": csrf, "psid": "psid-42", "confirm": "psid-4"}
    )
    assert "does not match" in await wrong.text() or "stimmt nicht" in await wrong.text()
    erased = await client.post(
        "/console/privacy/erase", data={"csrf": csrf, "psid": "psid-42", "confirm": "psid-42"}
    )
    assert erased.status == 200

    rows = tracker_store.rows("psid-42")
    assert "Erika" not in json.dumps(rows, ensure_ascii=False)
    texts = [r.get("text") for r in rows if r["type"] in ("user", "bot")]
    assert texts == [REDACTED] * 3  # the customer, the bot, the staff reply
    # The anonymous skeleton stays: intents, the kinds of events, the job's category.
    assert rows[0]["parse_data"]["intent"]["name"] == "inform"
    assert tracker_store.rows("psid-other")[0]["text"] == "Hallo"
    after = json.loads(await (await client.get("/console/privacy/export?psid=psid-42")).text())
    assert "Erika" not in json.dumps(after, ensure_ascii=False)
    assert "WLAN bricht" not in json.dumps(after, ensure_ascii=False)
    assert after["jobs"][0]["category"] == "internet_wifi"
    async with client.app[RUNTIME].sessions() as session:
        bodies = (
            await session.scalars(
                select(OutboxMessage.body).where(OutboxMessage.recipient == "psid-42")
            )
        ).all()
    assert bodies and "Erika" not in json.dumps(bodies)
    search = await client.get("/console/conversations?q=erika")
    assert "psid-42" not in await search.text()


async def test_retention_redacts_old_transcripts_only(
    client: Client, tracker_store: TrackerStore, clock: Clock
) -> None:
    tracker_store.add("psid-old", user("Alte Nachricht", clock() - timedelta(days=40), "greet"))
    tracker_store.add("psid-new", user("Neue Nachricht", clock() - timedelta(days=2), "greet"))
    await login(client)
    await client.get("/console/conversations")  # summaries are up to date
    rt = client.app
    from backend.console.web import CONSOLE
    from backend.web.runtime import RUNTIME

    sessions = rt[RUNTIME].sessions
    engine = rt[CONSOLE].tracker
    cutoff = clock() - timedelta(days=30)
    assert await privacy.apply_retention(sessions, engine, cutoff, clock()) == 1
    assert await privacy.apply_retention(sessions, engine, cutoff, clock()) == 0
    assert tracker_store.rows("psid-old")[0]["text"] == REDACTED
    assert tracker_store.rows("psid-new")[0]["text"] == "Neue Nachricht"


async def test_summaries_survive_a_missing_tracker_table(tmp_path: Any, db_url: str) -> None:
    from backend.adapters.db import make_engine, make_sessionmaker

    engine = make_engine(db_url)
    tracker = make_tracker_engine(f"sqlite:///{tmp_path / 'not-yet.db'}")
    assert await summaries.sync(make_sessionmaker(engine), tracker) == 0
    await tracker.dispose()
    await engine.dispose()


async def test_alerts_show_on_the_board_until_resolved(client: Client) -> None:
    from backend.adapters.orm import Job, SupportAlert
    from backend.web.runtime import RUNTIME

    job = await create_job(client)
    sessions = client.app[RUNTIME].sessions
    async with sessions() as session:
        found = await session.scalars(select(Job.id).where(Job.reference == job["reference"]))
        job_id = found.one()
        alert = SupportAlert(kind="nobody_found", job_id=job_id, detail={})
        session.add(alert)
        await session.commit()
        alert_id = alert.id
    csrf = await login(client)
    html = await (await client.get("/console/jobs")).text()
    assert "nobody_found" in html and f"/console/alerts/{alert_id}/resolve" in html
    await client.post(f"/console/alerts/{alert_id}/resolve", data={"csrf": csrf})
    html = await (await client.get("/console/jobs")).text()
    assert "nobody_found" not in html


async def test_assign_by_hand_goes_through_the_claim_path(
    client: Client, fake_rasa: FakeRasa, fake_graph: tuple[FakeGraph, str], clock: Clock
) -> None:
    anna = APPLICANT | {"name": "Anna Aktiv", "messenger_id": "friend-anna", "status": "active"}
    bert = APPLICANT | {"name": "Bert Still", "messenger_id": "friend-bert", "status": "active"}
    ids = []
    for body in (anna, bert):
        created = await client.post(
            "/api/v1/friends", json=body, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        assert created.status == 201, await created.text()
        ids.append((await created.json())["id"])
    async with client.app[RUNTIME].sessions() as session:
        await record_inbound(session, FRIENDS_PAGE, {"friend-anna"}, clock())  # Anna wrote
        await session.commit()
    first, second = (await create_job(client))["reference"], (await create_job(client))["reference"]
    csrf = await login(client)
    page = await (await client.get(f"/console/jobs/{first}")).text()
    assert "Anna Aktiv" in page and 'id="assign"' in page

    done = await client.post(
        f"/console/jobs/{first}/assign", data={"csrf": csrf, "friend_id": str(ids[0])}
    )
    assert "the Friend got the customer" in await done.text()
    api = await client.get(
        f"/api/v1/jobs/{first}", headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert (await api.json())["status"] == "assigned"
    graph = fake_graph[0]

    async def told_anna() -> bool:
        return any(
            "Erika Muster" in json.dumps(c.body) for c in graph.calls(recipient="friend-anna")
        )

    await eventually(told_anna)
    assert [t["name"] for t in fake_rasa.triggers] == ["EXTERNAL_friend_assigned"]
    again = await client.post(
        f"/console/jobs/{first}/assign", data={"csrf": csrf, "friend_id": str(ids[1])}
    )
    assert again.status == 409  # already assigned

    # Bert has not written for 24 hours: assigned, but support must call him.
    quiet = await client.post(
        f"/console/jobs/{second}/assign", data={"csrf": csrf, "friend_id": str(ids[1])}
    )
    assert "please call" in await quiet.text()


async def test_retention_setting_runs_in_the_background(
    settings: Settings, tracker_store: TrackerStore, clock: Clock
) -> None:
    tracker_store.add("psid-old", user("Alte Nachricht", clock() - timedelta(days=40), "greet"))
    tracker_store.add("psid-new", user("Neue Nachricht", clock() - timedelta(days=2), "greet"))
    app = create_app(dataclasses.replace(settings, transcript_retention_days=30))
    async with TestClient(TestServer(app)):

        async def redacted() -> bool:
            return tracker_store.rows("psid-old")[0]["text"] == REDACTED

        await eventually(redacted)
    assert tracker_store.rows("psid-new")[0]["text"] == "Neue Nachricht"
