"""The customer's photos and voice messages in the support console (job page, transcript) and
their erasure with the customer's data."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from backend.adapters.db import make_engine, make_sessionmaker
from backend.app import create_app
from backend.config import Settings
from backend.console import auth
from tests.backend import media_files as files
from tests.backend.conftest import api_headers
from tests.backend.helpers import Client, create_job
from tests.console.conftest import ADMIN, AGENT, TrackerStore, csrf_of, login, user

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def tracker_store(tmp_path: Path) -> TrackerStore:
    return TrackerStore(tmp_path / "tracker.db")


@pytest.fixture
async def console(settings: Settings, tracker_store: TrackerStore) -> AsyncIterator[Client]:
    """The backend with its console reading this tracker store, and two staff accounts."""
    with_tracker = dataclasses.replace(
        settings, tracker_store_url=f"sqlite:///{tracker_store.path}"
    )
    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as session:
        await auth.create_staff(session, AGENT[0], "agent", AGENT[1], "en")
        await auth.create_staff(session, ADMIN[0], "admin", ADMIN[1], "de")
    await engine.dispose()
    async with TestClient(TestServer(create_app(with_tracker))) as client:
        yield client


async def upload(client: Client, data: bytes) -> dict[str, Any]:
    response = await client.post("/api/v1/media", data=data, headers=api_headers())
    assert response.status in (200, 201), await response.text()
    body: dict[str, Any] = await response.json()
    return body


def share(kind: str, url: str) -> dict[str, Any]:
    """The customer's turn as the bot hands it to Rasa (the contract's share intents)."""
    entity = {"image": "image_url", "voice": "voice_url"}[kind]
    text = f'/share_{kind}{{"{entity}": "{url}"}}'
    return user(text, AT, f"share_{kind}", 1.0, [{"entity": entity, "value": url}])


async def test_the_job_page_and_transcript_show_photos_and_play_voice_messages(
    console: Client, tracker_store: TrackerStore
) -> None:
    photo = await upload(console, files.png(shade=3))
    voice = await upload(console, files.mp3_with_id3())
    cdn = "https://scontent.xx.fbcdn.net/v/t1/router.jpg"
    job = await create_job(console, image_urls=[photo["url"], cdn], voice_urls=[voice["url"]])
    tracker_store.add("cust-1", share("image", photo["url"]))
    tracker_store.add("cust-1", share("voice", voice["url"]))
    await login(console)

    page = await console.get(f"/console/jobs/{job['reference']}")
    html = await page.text()
    assert page.status == 200
    # Our files from this origin (whatever host PUBLIC_BASE_URL names); others only linked:
    # img-src is 'self', an image URL in a job never loads from elsewhere (issue 21, point 7).
    assert f'<img src="/media/{photo["id"]}"' in html
    assert f'<img src="{cdn}"' not in html
    assert f'<a href="{cdn}" target="_blank" rel="noopener noreferrer"' in html
    assert re.search(rf'<audio controls preload="none" src="/media/{voice["id"]}"', html)
    policy = page.headers["Content-Security-Policy"]
    assert "img-src 'self';" in policy and "default-src 'self'" in policy  # audio: 'self'

    transcript = await (await console.get("/console/conversations/cust-1")).text()
    assert f'<img src="/media/{photo["id"]}"' in transcript
    assert f'<audio controls preload="none" src="/media/{voice["id"]}"' in transcript
    assert "Voice message from the customer" in transcript  # the agent reads English

    served = await console.get(f"/media/{voice['id']}")
    assert served.status == 200 and served.headers["Content-Type"] == "audio/mpeg"


async def test_erasing_a_customer_deletes_their_files_but_not_a_file_another_job_links(
    console: Client, tracker_store: TrackerStore
) -> None:
    photo = await upload(console, files.JPEG)
    voice = await upload(console, files.m4a())
    chat_only = await upload(console, files.GIF)  # sent in the chat, never booked
    shared = await upload(console, files.WEBP)  # the same bytes from two customers: one file
    await create_job(console, image_urls=[photo["url"], shared["url"]], voice_urls=[voice["url"]])
    tracker_store.add("cust-1", share("image", chat_only["url"]))
    other = {"psid": "cust-2", "name": "Max Muster", "phone": "0171 1234567", "language": "de"}
    await create_job(console, image_urls=[shared["url"]], customer=other)

    await login(console, ADMIN)
    page = await console.get("/console/privacy")
    erased = await console.post(
        "/console/privacy/erase",
        data={"csrf": csrf_of(await page.text()), "psid": "cust-1", "confirm": "cust-1"},
    )
    assert erased.status == 200

    for gone in (photo, voice, chat_only):
        response = await console.get(f"/media/{gone['id']}")
        assert response.status == 404, gone
    kept = await console.get(f"/media/{shared['id']}")
    assert kept.status == 200 and await kept.read() == files.WEBP
    mine = await console.get("/api/v1/jobs?customer=cust-1", headers=api_headers())
    [job] = await mine.json()
    assert job["image_urls"] == [] and job["voice_urls"] == []
    theirs = await console.get("/api/v1/jobs?customer=cust-2", headers=api_headers())
    assert (await theirs.json())[0]["image_urls"] == [shared["url"]]
    assert chat_only["id"] not in json.dumps(tracker_store.rows("cust-1"))
