"""News for a WhatsApp customer: through the bot while their 24-hour window is open, as the
notice's approved template from the customers' number once it is closed, and Meta's answer
decides what follows (told; support alerted; the same notice later)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.messenger_window import whatsapp_window
from backend.adapters.orm import CustomerNotice, Job, JobEvent, SupportAlert
from backend.adapters.rasa import RasaClient
from backend.config import Settings
from backend.services.customer_news import NoticeSender, store_notice
from backend.whatsapp.news import WhatsAppNews, replay_payload, whatsapp_customers
from backend.whatsapp.settings import WhatsAppCustomerSettings
from backend.whatsapp.templates import load
from product.channels import WHATSAPP
from tests.backend.clock import MovableClock, alerts, backend, clocked, events
from tests.backend.conftest import FakeRasa
from tests.backend.helpers import create_job

WA_ID = "41791234567"
CONVERSATION = f"wa-{WA_ID}"
PHONE_ID = "1098765432"
TOKEN = "customers-wa-token"
COMPLETED = "EXTERNAL_job_completed"


@dataclasses.dataclass
class Graph:
    """Meta's Send API for the customers' number, answering what the test chooses."""

    url: str = ""
    status: int = 200
    answer: dict[str, Any] = dataclasses.field(
        default_factory=lambda: {"messages": [{"id": "wamid.T1"}]}
    )
    sent: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    auth: list[str] = dataclasses.field(default_factory=list)

    def refuse(self, code: int, status: int = 400, message: str = "refused") -> None:
        self.status = status
        self.answer = {"error": {"code": code, "message": message, "type": "OAuthException"}}


@pytest.fixture
async def graph() -> AsyncIterator[Graph]:
    state = Graph()

    async def messages(request: web.Request) -> web.Response:
        assert request.match_info["phone"] == PHONE_ID
        state.auth.append(request.headers.get("Authorization", ""))
        state.sent.append(await request.json())
        return web.json_response(state.answer, status=state.status)

    app = web.Application()
    app.router.add_post("/v21.0/{phone}/messages", messages)
    server = TestServer(app)
    await server.start_server()
    state.url = str(server.make_url("")).rstrip("/")
    yield state
    await server.close()


def _wa_store(path: Path, wrote_at: datetime | None) -> str:
    """The bot's WhatsApp store (MessengerStore's tables with the prefix wa_)."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE wa_contacts (psid TEXT PRIMARY KEY, last_inbound_at REAL)")
        if wrote_at is not None:
            db.execute(
                "INSERT INTO wa_contacts VALUES (?, ?)", (CONVERSATION, wrote_at.timestamp())
            )
    return f"sqlite:///{path}"


async def _job_with_notice(
    settings: Settings, clock: MovableClock, intent: str, entities: dict[str, Any], language: str
) -> str:
    customer = {
        "channel": WHATSAPP,
        "id": CONVERSATION,
        "name": "Erika Muster",
        "phone": f"+{WA_ID}",
        "language": language,
    }
    async with backend(clocked(settings, clock)) as client:
        ref: str = (await create_job(client, customer=customer))["reference"]
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            job = await session.scalar(select(Job).where(Job.reference == ref))
            assert job is not None
            await store_notice(session, job, intent, {"job_reference": ref, **entities}, clock())
            await session.commit()
    finally:
        await engine.dispose()
    return ref


def _wa_settings(graph: Graph, store: str) -> WhatsAppCustomerSettings:
    return WhatsAppCustomerSettings(
        phone_number_id=PHONE_ID,
        access_token=TOKEN,
        graph_url=graph.url,
        graph_version="v21.0",
        store_url=store,
    )


async def _send_due(
    settings: Settings, clock: MovableClock, rasa_url: str, wa: WhatsAppCustomerSettings | None
) -> int:
    engine = make_engine(settings.database_url)
    window = whatsapp_window(wa.store_url if wa else "")
    try:
        async with aiohttp.ClientSession() as http:
            news = WhatsAppNews(http, wa, load(), backoff=lambda *a, **k: 30.0) if wa else None
            rasa = RasaClient(http, rasa_url, "", windows={WHATSAPP: window}, whatsapp_news=news)
            return await NoticeSender(make_sessionmaker(engine), rasa, clock).send_due()
    finally:
        await window.close()
        await engine.dispose()


async def _rows(db_url: str, model: Any) -> list[Any]:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list((await session.scalars(select(model))).all())
    finally:
        await engine.dispose()


def _parameters(sent: dict[str, Any]) -> dict[str, str]:
    [body] = [c for c in sent["template"]["components"] if c["type"] == "body"]
    return {p["parameter_name"]: p["text"] for p in body["parameters"]}


def _payloads(sent: dict[str, Any]) -> list[str]:
    buttons = [c for c in sent["template"]["components"] if c["type"] == "button"]
    return [b["parameters"][0]["payload"] for b in buttons]


async def test_outside_the_window_the_rating_request_goes_as_its_template(
    settings: Settings, fake_rasa: FakeRasa, graph: Graph, tmp_path: Path
) -> None:
    clock = MovableClock()
    ref = await _job_with_notice(settings, clock, COMPLETED, {"friend_name": "Anna"}, "de")
    wa = _wa_settings(graph, _wa_store(tmp_path / "wa.db", clock() - timedelta(days=3)))
    assert await _send_due(settings, clock, fake_rasa.url, wa) == 1

    [sent] = graph.sent
    assert graph.auth == [f"Bearer {TOKEN}"]
    assert (sent["messaging_product"], sent["to"], sent["type"]) == ("whatsapp", WA_ID, "template")
    assert sent["template"]["name"] == "news_rating_request"
    assert sent["template"]["language"] == {"code": "de"}
    assert _parameters(sent) == {"job_reference": ref, "friend_name": "Anna"}
    # Tapping "Jetzt bewerten" hands the bot the news itself, with its id: the rating starts.
    [notice] = await _rows(settings.database_url, CustomerNotice)
    [payload] = _payloads(sent)
    assert payload.startswith("/EXTERNAL_job_completed{")
    assert json.loads(payload.removeprefix("/EXTERNAL_job_completed")) == {
        "job_reference": ref,
        "friend_name": "Anna",
        "notice_id": notice.notice_id,
    }
    assert notice.status == "sent"
    assert fake_rasa.triggers == []  # the bot may not write now: it was not asked
    [told] = [e for e in await _rows(settings.database_url, JobEvent) if e.kind == "customer_told"]
    assert told.detail["via"] == "whatsapp_template"
    assert told.detail["template"] == "news_rating_request"


@pytest.mark.parametrize(("wrote_ago", "by_template"), [(1.0, False), (23.95, True)])
async def test_inside_the_window_the_bot_tells_them_unless_it_is_about_to_close(
    settings: Settings,
    fake_rasa: FakeRasa,
    graph: Graph,
    tmp_path: Path,
    wrote_ago: float,
    by_template: bool,
) -> None:
    clock = MovableClock()
    await _job_with_notice(settings, clock, "EXTERNAL_nobody_found", {}, "en")
    store = _wa_store(tmp_path / "wa.db", clock() - timedelta(hours=wrote_ago))
    assert await _send_due(settings, clock, fake_rasa.url, _wa_settings(graph, store)) == 1
    if by_template:
        [sent] = graph.sent
        assert sent["template"]["name"] == "news_nobody_found"
        assert sent["template"]["language"] == {"code": "en"}
        assert fake_rasa.triggers == []
    else:
        assert graph.sent == []
        [trigger] = fake_rasa.triggers
        assert trigger["conversation"] == CONVERSATION
        assert trigger["query"]["output_channel"] == WHATSAPP
        assert trigger["body"]["name"] == "EXTERNAL_nobody_found"


async def test_a_customer_the_store_does_not_know_gets_the_template(
    settings: Settings, fake_rasa: FakeRasa, graph: Graph, tmp_path: Path
) -> None:
    """No row (or no store): a template reaches them in and outside the window alike."""
    clock = MovableClock()
    await _job_with_notice(
        settings, clock, "EXTERNAL_job_cancelled", {"cancelled_by": "support"}, "de"
    )
    wa = _wa_settings(graph, _wa_store(tmp_path / "wa.db", None))
    assert await _send_due(settings, clock, fake_rasa.url, wa) == 1
    [sent] = graph.sent
    assert sent["template"]["name"] == "news_job_cancelled"
    assert _payloads(sent) == ["/get_started"]
    assert fake_rasa.triggers == []


@pytest.mark.parametrize(
    ("code", "reason"),
    [(131026, "alert_support: WhatsApp 131026"), (132001, "alert_never_retry: WhatsApp 132001")],
)
async def test_undeliverable_or_a_broken_template_alerts_support_and_is_never_retried(
    settings: Settings, fake_rasa: FakeRasa, graph: Graph, tmp_path: Path, code: int, reason: str
) -> None:
    clock = MovableClock()
    await _job_with_notice(
        settings, clock, "EXTERNAL_friend_assigned", {"friend_name": "Anna"}, "de"
    )
    wa = _wa_settings(graph, _wa_store(tmp_path / "wa.db", clock() - timedelta(days=2)))
    graph.refuse(code)
    assert await _send_due(settings, clock, fake_rasa.url, wa) == 0
    [notice] = await _rows(settings.database_url, CustomerNotice)
    assert notice.status == "failed"
    assert reason in notice.error
    [alert] = await _rows(settings.database_url, SupportAlert)
    assert alert.kind == "customer_not_told"
    assert alert.detail["template"] == "news_friend_assigned"
    assert alert.detail["error"].startswith(reason)
    assert await events(settings.database_url, "customer_not_told") == 1
    # Later sweeps leave it to support: no second template, no loop.
    clock.advance(hours=1)
    assert await _send_due(settings, clock, fake_rasa.url, wa) == 0
    assert len(graph.sent) == 1
    assert fake_rasa.triggers == []


async def test_a_rate_limit_sends_the_same_template_again_later(
    settings: Settings, fake_rasa: FakeRasa, graph: Graph, tmp_path: Path
) -> None:
    clock = MovableClock()
    await _job_with_notice(
        settings, clock, "EXTERNAL_rating_reminder", {"friend_name": "Anna"}, "de"
    )
    wa = _wa_settings(graph, _wa_store(tmp_path / "wa.db", clock() - timedelta(days=2)))
    graph.refuse(130429, status=400, message="Rate limit hit")
    assert await _send_due(settings, clock, fake_rasa.url, wa) == 0
    [notice] = await _rows(settings.database_url, CustomerNotice)
    assert notice.status == "pending"
    assert "back_off" in notice.error
    assert notice.next_attempt_at > clock()
    assert await alerts(settings.database_url, "customer_not_told") == 0
    # Not before its time …
    assert await _send_due(settings, clock, fake_rasa.url, wa) == 0
    assert len(graph.sent) == 1
    # … then once Meta takes it again.
    graph.status, graph.answer = 200, {"messages": [{"id": "wamid.T2"}]}
    clock.advance(minutes=5)
    assert await _send_due(settings, clock, fake_rasa.url, wa) == 1
    first, second = graph.sent
    assert first == second
    assert first["template"]["name"] == "news_rating_reminder"
    [notice] = await _rows(settings.database_url, CustomerNotice)
    assert notice.status == "sent"


async def test_without_the_customers_number_the_closed_window_goes_to_support_as_before(
    settings: Settings, fake_rasa: FakeRasa, graph: Graph, tmp_path: Path
) -> None:
    clock = MovableClock()
    await _job_with_notice(settings, clock, "EXTERNAL_nobody_found", {}, "de")
    store = _wa_store(tmp_path / "wa.db", clock() - timedelta(days=2))
    engine = make_engine(settings.database_url)
    window = whatsapp_window(store)
    try:
        async with aiohttp.ClientSession() as http:
            customers = whatsapp_customers(http, WhatsAppCustomerSettings(store_url=store))
            assert customers.news is None
            rasa = RasaClient(http, fake_rasa.url, "", windows={WHATSAPP: customers.window})
            assert await NoticeSender(make_sessionmaker(engine), rasa, clock).send_due() == 0
            await customers.close()
    finally:
        await window.close()
        await engine.dispose()
    [notice] = await _rows(settings.database_url, CustomerNotice)
    assert (notice.status, graph.sent, fake_rasa.triggers) == ("failed", [], [])
    assert notice.error.startswith("unreachable")
    assert await alerts(settings.database_url, "customer_not_told") == 1


def test_the_replayed_notice_fits_meta_s_payload_limit() -> None:
    short = replay_payload(COMPLETED, {"job_reference": "TF-1"}, "a" * 32)
    assert json.loads(short.removeprefix(f"/{COMPLETED}"))["notice_id"] == "a" * 32
    long = replay_payload(COMPLETED, {"job_reference": "TF-1", "friend_name": "x" * 200}, "a" * 32)
    assert len(long) <= 256
    assert json.loads(long.removeprefix(f"/{COMPLETED}")) == {
        "job_reference": "TF-1",
        "notice_id": "a" * 32,
    }


def test_the_settings_come_from_the_bot_s_variables(tmp_path: Path) -> None:
    assert not WhatsAppCustomerSettings.from_env({}).sends_templates
    env = {
        "CUSTOMER_WHATSAPP_PHONE_NUMBER_ID": PHONE_ID,
        "CUSTOMER_WHATSAPP_ACCESS_TOKEN": TOKEN,
        "MESSENGER_GRAPH_URL": "http://graph.test/",
        "WHATSAPP_STORE_PATH": str(tmp_path / "wa.db"),
    }
    wa = WhatsAppCustomerSettings.from_env(env)
    assert wa.sends_templates
    assert wa.messages_url == f"http://graph.test/v21.0/{PHONE_ID}/messages"
    assert wa.store_url == f"sqlite:///{tmp_path / 'wa.db'}"
    url = "postgresql://u:p@db/wa"
    assert WhatsAppCustomerSettings.from_env({"WHATSAPP_STORE_URL": url}).store_url == url
    with pytest.raises(ValueError, match="WHATSAPP_STORE_URL"):
        WhatsAppCustomerSettings.from_env({"WHATSAPP_STORE_URL": "mysql://x/y"})
