"""A backend app on a fresh database, with the fake Graph API and a fake Rasa server.

Every test here that asks for a database runs twice, on SQLite and on PostgreSQL, unless it is
marked sqlite_only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from backend.app import create_app
from backend.config import Settings
from simulator.fake_graph import FakeGraph

DATABASES = ("sqlite", "postgresql")

API_TOKEN = "test-api-token"
ADMIN_TOKEN = "test-admin-token"
FRIENDS_SECRET = "friends-app-secret"
FRIENDS_PAGE_TOKEN = "friends-page-token"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("database", DATABASES[:1] if only_sqlite else DATABASES)


@pytest.fixture
def db_url(database: str, request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database with all postal codes, of the kind this run is about."""
    fixture = {"sqlite": "sqlite_db_url", "postgresql": "postgres_db_url"}[database]
    return str(request.getfixturevalue(fixture))


@dataclasses.dataclass
class FakeRasa:
    triggers: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    url: str = ""


@pytest.fixture
async def fake_rasa() -> AsyncIterator[FakeRasa]:
    rasa = FakeRasa()

    async def trigger(request: web.Request) -> web.Response:
        rasa.triggers.append(
            {
                "conversation": request.match_info["conversation_id"],
                "query": dict(request.query),
                "body": await request.json(),
            }
        )
        return web.json_response({"tracker": {}, "messages": []})

    async def tracker(request: web.Request) -> web.Response:
        # What Rasa's tracker shows of the news: one external user event per trigger.
        conversation = request.match_info["conversation_id"]
        events = [
            {
                "event": "user",
                "parse_data": {
                    "intent": {"name": t["body"]["name"]},
                    "entities": [
                        {"entity": k, "value": v} for k, v in t["body"]["entities"].items()
                    ],
                },
            }
            for t in rasa.triggers
            if t["conversation"] == conversation
        ]
        return web.json_response({"sender_id": conversation, "events": events})

    app = web.Application()
    app.router.add_post("/conversations/{conversation_id}/trigger_intent", trigger)
    app.router.add_get("/conversations/{conversation_id}/tracker", tracker)
    server = TestServer(app)
    await server.start_server()
    rasa.url = str(server.make_url("")).rstrip("/")
    yield rasa
    await server.close()


@pytest.fixture
def settings(db_url: str, fake_graph: tuple[FakeGraph, str], fake_rasa: FakeRasa) -> Settings:
    return Settings(
        database_url=db_url,
        api_token=API_TOKEN,
        admin_token=ADMIN_TOKEN,
        graph_url=fake_graph[1],
        graph_version="v21.0",
        friends_page_access_token=FRIENDS_PAGE_TOKEN,
        friends_app_secret=FRIENDS_SECRET,
        friends_verify_token="friends-verify",
        rasa_url=fake_rasa.url,
        rasa_token="rasa-token",
        geonames_dir=None,
        # The API's rate limits are tested on their own (tests/backend/test_rate_limits.py);
        # the suites here send hundreds of requests a second with one token, and wrong ones.
        api_rate_per_second=0,
        api_auth_failures_per_minute=0,
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


def api_headers(**extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {API_TOKEN}", **extra}


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
