"""The custom actions for real: the action server (``python -m bot.action_server`` in .venv-bot)
runs them on tracker fixtures and reaches the real backend (backend.app.create_app on a fresh
SQLite database with all postal codes) over HTTP, as in production.

The backend listens on one port for the whole module so the action server's BACKEND_URL stays
valid; each test starts (and may stop and restart) its own backend there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select, update

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Customer, CustomerNotice, Friend, Job, Rating
from backend.app import create_app
from backend.config import Settings
from product.languages import LANGUAGES
from simulator.fake_graph import FakeGraph
from tools.postgres import free_port
from tools.stack import actions_service, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"
API_TOKEN = "actions-test-token"
ADMIN_TOKEN = "actions-test-admin"
DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@contextmanager
def running_action_server(env: dict[str, str], log_dir: Path) -> Iterator[tuple[str, Path]]:
    """`python -m bot.action_server` in .venv-bot with `env` on top of ours, as the demo and
    prod-like stacks start it (tools/stack.py); yields its URL and log file."""
    if not BOT_PYTHON.exists():
        pytest.fail(f"{BOT_PYTHON} missing: run `make venvs` first")
    port = free_port()
    service = actions_service({**os.environ, "PYTHONPATH": str(ROOT), **env}, port, log_dir)
    service.start()
    try:
        try:
            wait_healthy([service], 120)
        except RuntimeError as exc:
            pytest.fail(f"action server did not start: {exc}")
        yield f"http://127.0.0.1:{port}", service.log_path
    finally:
        service.stop()
        if service.process is not None:
            try:
                service.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                service.stop(signal.SIGKILL)
                service.process.wait(timeout=10)


@pytest.fixture(scope="module")
def backend_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def action_server(backend_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        "BACKEND_URL": f"http://127.0.0.1:{backend_port}",
        "BACKEND_API_TOKEN": API_TOKEN,
        "BACKEND_TIMEOUT_SECONDS": "5",
    }
    with running_action_server(env, tmp_path_factory.mktemp("actions")) as (url, _):
        yield url


class Backend:
    """The real backend app on a fixed port; stop() and start() simulate an outage."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.settings = settings
        self.port = port
        self.server: TestServer | None = None

    async def start(self) -> None:
        self.server = TestServer(create_app(self.settings), host="127.0.0.1", port=self.port)
        await self.server.start_server()

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.close()
            self.server = None

    async def call(self, method: str, path: str, admin: bool = False, **kwargs: Any) -> Any:
        token = ADMIN_TOKEN if admin else API_TOKEN
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                method,
                f"http://127.0.0.1:{self.port}{path}",
                headers={"Authorization": f"Bearer {token}"},
                **kwargs,
            ) as response,
        ):
            assert response.status < 300, await response.text()
            return await response.json()

    async def jobs_of(self, psid: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self.call(
            "GET", "/api/v1/jobs", params={"customer": psid}
        )
        return found


@pytest.fixture
async def backend(
    sqlite_db_url: str, fake_graph: tuple[FakeGraph, str], backend_port: int
) -> AsyncIterator[Backend]:
    settings = Settings(
        database_url=sqlite_db_url,
        api_token=API_TOKEN,
        admin_token=ADMIN_TOKEN,
        graph_url=fake_graph[1],
        graph_version="v21.0",
        friends_page_access_token="friends-page-token",
        friends_app_secret="friends-app-secret",
        friends_verify_token="friends-verify",
        # Nothing listens there: news for the customer are not what these tests look at.
        rasa_url="http://127.0.0.1:9",
        rasa_token="rasa-token",
        geonames_dir=None,
    )
    backend = Backend(settings, backend_port)
    await backend.start()
    yield backend
    await backend.stop()


# --- tracker fixtures ------------------------------------------------------------------------


def tracker(
    sender: str,
    *,
    slots: dict[str, Any] | None = None,
    intent: str = "affirm",
    text: str = "ja",
    entities: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    earlier_messages: int = 0,
    active_loop: str | None = None,
    paused: bool = False,
    extracted: dict[str, Any] | None = None,
    channel: str = "messenger",
) -> dict[str, Any]:
    """The tracker state Rasa sends to the action server with the customer's latest message
    (which came through ``channel``: Rasa records the input channel's name with it)."""
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "text": text,
        "message_id": f"m-{time.monotonic_ns()}",
        "metadata": metadata or {},
    }
    earlier = [
        {"event": "user", "text": "hallo", "parse_data": {"intent": {"name": "greet"}}}
    ] * earlier_messages
    values = {name: slot.get("initial_value") for name, slot in DOMAIN["slots"].items()}
    return {
        "sender_id": sender,
        "slots": values | (slots or {}),
        "latest_message": latest,
        "events": [
            {"event": "action", "name": "action_session_start"},
            *earlier,
            {
                "event": "user",
                "text": text,
                "parse_data": latest,
                "metadata": metadata or {},
                "input_channel": channel,
            },
            # What Rasa's slot mappings took from this message (the form validates these).
            *[{"event": "slot", "name": k, "value": v} for k, v in (extracted or {}).items()],
        ],
        "paused": paused,
        "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": "action_listen",
        "latest_input_channel": channel,
    }


async def run_action(url: str, name: str, state: dict[str, Any]) -> dict[str, Any]:
    body = {"next_action": name, "sender_id": state["sender_id"], "tracker": state}
    body["domain"] = DOMAIN
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/webhook", json=body) as response,
    ):
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
        return answer


def slot_events(answer: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in answer["events"] if e["event"] == "slot"}


def responses(answer: dict[str, Any]) -> list[str]:
    return [r.get("response") for r in answer["responses"]]


def booking(**changes: Any) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    slots = {
        "description": "Mein WLAN bricht ständig ab",
        "category": "internet_wifi",
        "country": "DE",
        "postal_code": "10115",
        "city": "Berlin",
        "package": "quick_help",
        "street": "Invalidenstraße 1",
        "time_window": "morgen Nachmittag",
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(hours=4)).isoformat(),
        "customer_name": "Erika Muster",
        "phone": "+491719876543",
        "consent": True,
        "language": "de",
    }
    return slots | changes


# --- submitting the job -------------------------------------------------------------------------


async def test_a_confirmed_job_reaches_the_backend_once_with_its_pictures(
    action_server: str, backend: Backend
) -> None:
    pictures = ["https://cdn.example.com/router.jpg"]
    state = tracker("psid-submit", slots=booking(image_urls=pictures))
    first = await run_action(action_server, "action_submit_job", state)
    again = await run_action(action_server, "action_submit_job", state)  # a double tap
    assert slot_events(first)["job_status"] == "submitted"
    reference = slot_events(first)["job_reference"]
    assert slot_events(again)["job_reference"] == reference
    assert slot_events(first)["image_urls"] is None  # forgotten with the rest of the job
    jobs = await backend.jobs_of("psid-submit")
    assert [j["reference"] for j in jobs] == [reference]
    job = jobs[0]
    assert job["postal_code"] == "10115" and job["customer"]["phone"] == "+491719876543"
    assert job["image_urls"] == pictures


async def test_backend_down_keeps_every_answer_and_yes_again_posts_the_same_job(
    action_server: str, backend: Backend
) -> None:
    state = tracker("psid-down", slots=booking())
    await backend.stop()
    down = await run_action(action_server, "action_submit_job", state)
    assert slot_events(down) == {"job_status": "failed"}  # no answer forgotten
    await backend.start()
    # "ja" again: the tracker still holds every answer.
    state["slots"]["job_status"] = "failed"
    up = await run_action(action_server, "action_submit_job", state)
    assert slot_events(up)["job_status"] == "submitted"
    reference = slot_events(up)["job_reference"]
    repeated = await run_action(action_server, "action_submit_job", state)
    assert slot_events(repeated)["job_reference"] == reference
    assert [j["reference"] for j in await backend.jobs_of("psid-down")] == [reference]


async def test_a_field_the_backend_refuses_is_named_and_asked_again(
    action_server: str, backend: Backend
) -> None:
    # 99999 has the right shape but no place in Germany: the backend answers 422.
    state = tracker("psid-422", slots=booking(postal_code="99999", city=None))
    answer = await run_action(action_server, "action_submit_job", state)
    slots = slot_events(answer)
    assert slots["job_status"] == "invalid"
    assert slots["postal_code"] is None and slots["street"] is None
    assert "customer_name" not in slots and "phone" not in slots  # the rest is kept
    assert answer["responses"][0]["response"] == "utter_field_rejected"
    assert answer["responses"][0]["field_names"] == "Ihre Adresse"
    english = await run_action(
        action_server,
        "action_submit_job",
        tracker("psid-422", slots=booking(postal_code="99999", language="en")),
    )
    assert english["responses"][0]["field_names"] == "your address"
    assert await backend.jobs_of("psid-422") == []


# --- after booking --------------------------------------------------------------------------


async def _book(action_server: str, psid: str, **changes: Any) -> str:
    answer = await run_action(
        action_server, "action_submit_job", tracker(psid, slots=booking(**changes))
    )
    reference: str = slot_events(answer)["job_reference"]
    return reference


async def test_where_is_my_helper_tells_the_status_in_plain_words(
    action_server: str, backend: Backend
) -> None:
    empty = await run_action(
        action_server, "action_show_jobs", tracker("psid-jobs", intent="my_jobs")
    )
    assert responses(empty) == ["utter_no_jobs"]
    reference = await _book(action_server, "psid-jobs")
    answer = await run_action(
        action_server, "action_show_jobs", tracker("psid-jobs", intent="my_jobs")
    )
    assert responses(answer) == ["utter_job_status_open"]
    assert answer["responses"][0]["job_reference"] == reference


async def test_cancelling_asks_to_confirm_then_cancels_in_the_backend(
    action_server: str, backend: Backend
) -> None:
    reference = await _book(action_server, "psid-cancel")
    asked = await run_action(
        action_server,
        "action_ask_cancel_job",
        tracker("psid-cancel", intent="cancel", text="ich möchte meinen auftrag stornieren"),
    )
    assert responses(asked) == ["utter_confirm_cancel_job"]
    assert [b["payload"] for b in asked["responses"][0]["buttons"]] == ["/affirm", "/deny"]
    slots = slot_events(asked)
    assert slots["cancel_reference"] == reference
    assert slots["cancel_reason"] == "ich möchte meinen auftrag stornieren"

    confirmed = await run_action(
        action_server,
        "action_cancel_job",
        tracker("psid-cancel", slots={"cancel_reference": reference, "cancel_reason": "weg"}),
    )
    assert responses(confirmed) == ["utter_job_cancelled_by_customer"]
    assert slot_events(confirmed)["cancel_status"] == "cancelled"
    job = await backend.call("GET", f"/api/v1/jobs/{reference}")
    assert job["status"] == "cancelled"
    # The customer asked here and has the answer: the backend sends them no news of it.
    assert await _notices(backend, reference) == []

    # Nothing left to cancel.
    nothing = await run_action(
        action_server, "action_ask_cancel_job", tracker("psid-cancel", intent="cancel")
    )
    assert responses(nothing) == ["utter_nothing_to_cancel"]


async def _notices(backend: Backend, reference: str) -> list[str]:
    """The intents of the customer notices stored for this job."""
    engine = make_engine(backend.settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            found = await session.scalars(
                select(CustomerNotice.intent)
                .join(Job, Job.id == CustomerNotice.job_id)
                .where(Job.reference == reference)
            )
            return list(found.all())
    finally:
        await engine.dispose()


async def test_with_two_jobs_the_customer_picks_one(action_server: str, backend: Backend) -> None:
    first = await _book(action_server, "psid-two")
    second = await _book(action_server, "psid-two", description="Der Drucker druckt nicht")
    asked = await run_action(
        action_server, "action_ask_cancel_job", tracker("psid-two", intent="cancel")
    )
    assert responses(asked) == ["utter_which_job_to_cancel"]
    payloads = [b["payload"] for b in asked["responses"][0]["buttons"]]
    assert sorted(payloads) == sorted(
        f'/choose_job{{"job_reference":"{ref}"}}' for ref in (first, second)
    )
    picked = await run_action(
        action_server,
        "action_ask_cancel_job",
        tracker(
            "psid-two",
            intent="choose_job",
            text=f'/choose_job{{"job_reference":"{first}"}}',
            entities=[{"entity": "job_reference", "value": first}],
        ),
    )
    assert responses(picked) == ["utter_confirm_cancel_job"]
    assert slot_events(picked)["cancel_reference"] == first


async def test_cancelling_while_the_backend_is_down_keeps_the_choice_for_a_retry(
    action_server: str, backend: Backend
) -> None:
    reference = await _book(action_server, "psid-cancel-down")
    state = tracker("psid-cancel-down", slots={"cancel_reference": reference})
    await backend.stop()
    failed = await run_action(action_server, "action_cancel_job", state)
    assert responses(failed) == ["utter_cancel_failed"]
    assert slot_events(failed) == {"cancel_status": "failed"}
    await backend.start()
    retried = await run_action(action_server, "action_cancel_job", state)
    assert slot_events(retried)["cancel_status"] == "cancelled"
    assert (await backend.call("GET", f"/api/v1/jobs/{reference}"))["status"] == "cancelled"


async def _complete(backend: Backend, reference: str) -> None:
    """The Friend finished the job (set in the database: how the backend gets there is issue
    5's business, the rating only needs a completed job with a Friend)."""
    friend = await backend.call(
        "POST",
        "/api/v1/friends",
        admin=True,
        json={
            "name": "Anna Schmidt",
            "messenger_id": "friend-anna",
            "postal_code": "10117",
            "country": "DE",
            "radius_km": 15,
            "skills": ["internet_wifi"],
            "languages": ["de"],
            "status": "active",
        },
    )
    engine = make_engine(backend.settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            friend_id = await session.scalar(
                select(Friend.id).where(Friend.messenger_id == friend["messenger_id"])
            )
            await session.execute(
                update(Job)
                .where(Job.reference == reference)
                .values(status="completed", assigned_friend_id=friend_id)
            )
            await session.commit()
    finally:
        await engine.dispose()


async def _ratings(backend: Backend) -> list[tuple[int, str]]:
    engine = make_engine(backend.settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = (await session.execute(select(Rating.stars, Rating.comment))).all()
    finally:
        await engine.dispose()
    return [(int(stars), str(comment)) for stars, comment in rows]


async def test_the_rating_reaches_the_backend_and_survives_an_outage(
    action_server: str, backend: Backend
) -> None:
    reference = await _book(action_server, "psid-rate")
    await _complete(backend, reference)
    rating = {
        "rating_reference": reference,
        "rating_stars": 5.0,
        "rating_comment": "Sehr geduldig erklärt",
    }
    state = tracker("psid-rate", slots=rating)
    await backend.stop()
    failed = await run_action(action_server, "action_submit_rating", state)
    assert responses(failed) == ["utter_rating_failed"]
    assert slot_events(failed) == {"rating_status": "failed"}  # stars and comment kept
    await backend.start()
    saved = await run_action(action_server, "action_submit_rating", state)
    assert responses(saved) == ["utter_rating_thanks"]
    assert slot_events(saved)["rating_stars"] is None
    assert await _ratings(backend) == [(5, "Sehr geduldig erklärt")]
    twice = await run_action(action_server, "action_submit_rating", state)
    assert responses(twice) == ["utter_rating_already_given"]
    assert len(await _ratings(backend)) == 1


async def test_the_rating_form_takes_taps_and_typed_stars(action_server: str) -> None:
    async def validate(text: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
        state = tracker(
            "psid-form",
            intent="rate",
            text=text,
            entities=entities,
            slots={"requested_slot": "rating_stars", "rating_stars": text},
            active_loop="rating_form",
            extracted={"rating_stars": text},
        )
        return await run_action(action_server, "validate_rating_form", state)

    tapped = await validate('/rate{"stars":"4"}', [{"entity": "stars", "value": "4"}])
    assert slot_events(tapped)["rating_stars"] == 4.0
    typed = await validate("fünf sterne!", [])
    assert slot_events(typed)["rating_stars"] == 5.0
    unclear = await validate("geht so", [])
    assert slot_events(unclear)["rating_stars"] is None
    assert responses(unclear) == ["utter_rating_not_understood"]


# --- language, fallback, hand-off, pictures ------------------------------------------------------


async def _language_after(
    action_server: str, text: str, locale: str | None, earlier: int = 0, current: str = "de"
) -> str:
    metadata = {"messenger": {"locale": locale}} if locale else {}
    state = tracker(
        "psid-lang",
        intent="greet",
        text=text,
        metadata=metadata,
        earlier_messages=earlier,
        slots={"language": current},
    )
    answer = await run_action(action_server, "action_validate_slot_mappings", state)
    language: str = slot_events(answer).get("language", current)
    return language


async def test_the_messenger_locale_decides_the_first_answer_unless_the_text_says_otherwise(
    action_server: str,
) -> None:
    assert await _language_after(action_server, "/get_started", "en_GB") == "en"
    assert await _language_after(action_server, "10115", "en_US") == "en"
    assert await _language_after(action_server, "/get_started", "de_CH") == "de"
    # Clearly German text wins over an English phone.
    assert await _language_after(action_server, "Mein Drucker druckt nicht", "en_GB") == "de"
    # Later messages: the locale no longer matters, the text still switches.
    assert await _language_after(action_server, "10115", "en_GB", earlier=2) == "de"
    switched = await _language_after(action_server, "my printer does not print", "de_DE", earlier=2)
    assert switched == "en"


async def test_two_failed_attempts_are_rephrased_and_the_third_hands_off(
    action_server: str,
) -> None:
    counts = []
    for count in (0.0, 1.0, 2.0):
        slots = {"fallback_count": count}
        state = tracker("psid-fb", intent="nlu_fallback", text="xq", slots=slots)
        counts.append(await run_action(action_server, "action_rephrase", state))
    first, second, third = counts
    assert responses(first) == ["utter_please_rephrase"]
    assert slot_events(first) == {"fallback_count": 1.0}
    assert responses(second) == ["utter_please_rephrase_again"]
    assert second["responses"][0]["buttons"][-1]["payload"] == "/human_handoff"
    assert responses(third) == ["utter_handoff"]
    assert {"event": "pause", "timestamp": None} in [
        {"event": e["event"], "timestamp": None} for e in third["events"]
    ]
    assert slot_events(third)["handed_off"] is True


async def test_a_core_fallback_counts_as_a_failed_attempt_too(action_server: str) -> None:
    """A message understood but fitting nowhere (Rasa's core fallback) counts like one not
    understood: the count before the message (the reset for it is reverted with it) goes on."""
    state = tracker("psid-core", intent="affirm", text="qqq wvx", slots={"fallback_count": 0.0})
    earlier = {"event": "slot", "name": "fallback_count", "value": 2.0}
    state["events"].insert(1, earlier)
    answer = await run_action(action_server, "action_default_fallback", state)
    kinds = [e["event"] for e in answer["events"]]
    assert kinds[0] == "rewind"  # the message is reverted first, the hand-off stays
    assert "pause" in kinds
    assert responses(answer) == ["utter_handoff"]
    first = await run_action(
        action_server, "action_default_fallback", tracker("psid-core2", intent="affirm")
    )
    assert responses(first) == ["utter_default"]
    assert slot_events(first) == {"fallback_count": 1.0}


async def test_an_understood_message_starts_the_count_again_and_resume_clears_the_hand_off(
    action_server: str,
) -> None:
    state = tracker(
        "psid-reset",
        intent="describe_problem",
        text="Mein Drucker druckt nicht",
        slots={"fallback_count": 2.0, "handed_off": True},
    )
    answer = await run_action(action_server, "action_validate_slot_mappings", state)
    assert slot_events(answer)["fallback_count"] == 0.0
    assert slot_events(answer)["handed_off"] is False  # not paused any more: resumed
    state["paused"] = True
    paused = await run_action(action_server, "action_validate_slot_mappings", state)
    assert "handed_off" not in slot_events(paused)
    assert paused["responses"] == []  # a paused conversation gets no answer


async def test_the_chosen_language_wins_and_keeps_what_was_answered(action_server: str) -> None:
    """The menu's language button or a quick reply: the language switches, the booking's
    answers stay (no other slot is touched), and the answer offers the five languages."""
    answered = {"language": "de", "description": "Drucker druckt nicht", "postal_code": "10115"}
    state = tracker(
        "psid-switch",
        intent="switch_language",
        text='/switch_language{"language":"fr"}',
        entities=[{"entity": "language", "value": "fr"}],
        earlier_messages=2,
        slots=answered,
        active_loop="job_form",
    )
    answer = await run_action(action_server, "action_validate_slot_mappings", state)
    events = slot_events(answer)
    assert events["language"] == "fr"
    assert "description" not in events and "postal_code" not in events
    # The menu's button carries no language: it stays, and the five are offered.
    menu = tracker(
        "psid-switch",
        intent="switch_language",
        text="/switch_language",
        slots={"language": "pl"},
        earlier_messages=2,
    )
    kept = await run_action(action_server, "action_validate_slot_mappings", menu)
    assert slot_events(kept).get("language", "pl") == "pl"
    # Typed, without a tapped language: the words tell it (even while asked for the phone).
    typed = tracker(
        "psid-switch",
        intent="switch_language",
        text="Can we continue in English, please?",
        slots={"language": "de", "requested_slot": "phone"},
        earlier_messages=2,
        active_loop="job_form",
    )
    switched = await run_action(action_server, "action_validate_slot_mappings", typed)
    assert slot_events(switched)["language"] == "en"
    shown = await run_action(action_server, "action_show_languages", menu)
    assert shown["responses"][0]["response"] == "utter_language_switched"
    payloads = [b["payload"] for b in shown["responses"][0]["buttons"]]
    assert payloads == [f'/switch_language{{"language":"{code}"}}' for code in LANGUAGES]


@pytest.mark.parametrize(
    ("locale", "language", "greeting", "style"),
    [
        ("fr_CH", "fr", "Bonjour", "ch"),
        ("it_CH", "it", "Buongiorno", "ch"),
        ("fr_FR", "fr", "Bonjour", None),
        ("de_CH", "de", "Hallo", "de"),
    ],
)
async def test_a_swiss_locale_gives_french_and_italian_customers_the_swiss_wording(
    action_server: str, locale: str, language: str, greeting: str, style: str | None
) -> None:
    state = tracker(
        "psid-style",
        intent="greet",
        text=greeting,
        metadata={"messenger": {"locale": locale}},
        earlier_messages=1,
        slots={"language": language},
    )
    answer = await run_action(action_server, "action_validate_slot_mappings", state)
    assert slot_events(answer).get("greeting_style") == style


async def test_a_picture_is_kept_for_the_job_and_acknowledged(action_server: str) -> None:
    url = "https://cdn.example.com/tv.jpg"
    state = tracker(
        "psid-img",
        intent="share_image",
        text=f'/share_image{{"image_url":"{url}"}}',
        entities=[{"entity": "image_url", "value": url}],
        slots={"image_urls": None},
    )
    extracted = await run_action(action_server, "action_validate_slot_mappings", state)
    assert slot_events(extracted)["image_urls"] == [url]
    state["slots"]["image_urls"] = [url]
    thanked = await run_action(action_server, "action_acknowledge_image", state)
    assert responses(thanked) == ["utter_image_received_before_job"]
    state["slots"]["job_status"] = "submitted"
    after = await run_action(action_server, "action_acknowledge_image", state)
    assert responses(after) == ["utter_image_after_booking"]
    assert slot_events(after) == {"image_urls": None}


async def test_buttons_with_entities_come_from_the_actions(action_server: str) -> None:
    answer = await run_action(
        action_server, "action_show_categories", tracker("psid-b", slots={"language": "en"})
    )
    payloads = [b["payload"] for b in answer["responses"][0]["buttons"]]
    assert payloads[0] == '/choose_category{"category":"internet_wifi"}'
    assert answer["responses"][0]["response"] == "utter_choose_category"


# --- news in a fresh conversation, a rating held back, leaving the rating ----------------------


async def _news_language(action_server: str, intent: str, reference: str) -> str | None:
    """The language action_validate_slot_mappings sets for backend news in a fresh tracker."""
    state = tracker(
        "psid-fresh",
        intent=intent,
        text=intent,
        entities=[{"entity": "job_reference", "value": reference}],
    )
    answer = await run_action(action_server, "action_validate_slot_mappings", state)
    language: str | None = slot_events(answer).get("language")
    return language


async def test_news_in_a_fresh_conversation_come_in_the_language_the_job_was_booked_in(
    action_server: str, backend: Backend
) -> None:
    # The backend keeps one language per customer (the latest booking's): two customers.
    english = await _book(action_server, "psid-fresh-en", language="en")
    german = await _book(action_server, "psid-fresh-de", language="de")
    for intent in (
        "EXTERNAL_friend_assigned",
        "EXTERNAL_friend_missed_deadline",
        "EXTERNAL_nobody_found",
        "EXTERNAL_job_completed",
        "EXTERNAL_rating_reminder",
        "EXTERNAL_friend_handed_back",
        "EXTERNAL_friend_contacted",
        "EXTERNAL_job_cancelled",
    ):
        assert await _news_language(action_server, intent, english) == "en", intent
        assert await _news_language(action_server, intent, german) == "de", intent
    # After a restart of the conversation (slots forgotten, earlier messages still in the
    # events Rasa sends) the job decides again.
    restarted = tracker(
        "psid-fresh-en",
        intent="EXTERNAL_nobody_found",
        text="EXTERNAL_nobody_found",
        entities=[{"entity": "job_reference", "value": english}],
        earlier_messages=2,
    )
    restarted["events"].insert(-1, {"event": "restart"})
    answer = await run_action(action_server, "action_validate_slot_mappings", restarted)
    assert slot_events(answer)["language"] == "en"
    # A job the backend does not know, or no backend: German, the default, as before.
    assert await _news_language(action_server, "EXTERNAL_nobody_found", "TF-0000") == "de"
    await backend.stop()
    assert await _news_language(action_server, "EXTERNAL_nobody_found", english) == "de"


async def test_news_in_a_running_conversation_keep_the_customers_language(
    action_server: str, backend: Backend
) -> None:
    german = await _book(action_server, "psid-running", language="de")
    state = tracker(
        "psid-running",
        intent="EXTERNAL_friend_handed_back",
        text="EXTERNAL_friend_handed_back",
        entities=[{"entity": "job_reference", "value": german}],
        earlier_messages=3,
        slots={"language": "en"},
    )
    answer = await run_action(action_server, "action_validate_slot_mappings", state)
    # The customer switched to English while chatting: the news follow them, not the job.
    assert slot_events(answer).get("language", "en") == "en"


async def test_a_job_completed_during_a_booking_is_told_and_its_rating_waits(
    action_server: str,
) -> None:
    held = {"rating_reference": "TF-7K2Q", "rating_friend_name": "Anna", "language": "en"}
    for intent, response in (
        ("EXTERNAL_job_completed", "utter_job_completed_rating_later"),
        ("EXTERNAL_rating_reminder", "utter_rating_reminder_later"),
    ):
        state = tracker("psid-held", intent=intent, text=intent, slots=held, active_loop="job_form")
        answer = await run_action(action_server, "action_hold_rating", state)
        assert responses(answer) == [response]
        assert answer["responses"][0]["job_reference"] == "TF-7K2Q"
        assert answer["responses"][0]["friend_name"] == "Anna"
        assert slot_events(answer) == {"rating_pending": True}
    # After the booking the stars question names the job it is about, once.
    later = tracker("psid-held", slots=held | {"rating_pending": True}, active_loop="rating_form")
    asked = await run_action(action_server, "action_ask_rating_stars", later)
    assert responses(asked) == ["utter_ask_rating_held_back"]
    assert asked["responses"][0]["job_reference"] == "TF-7K2Q"
    assert slot_events(asked) == {"rating_pending": None}
    assert asked["responses"][0]["buttons"][0]["payload"].startswith("/rate")
    # The booking was never finished and the reminder comes a day later: the reminder's words.
    reminded = tracker(
        "psid-held",
        intent="EXTERNAL_rating_reminder",
        text="EXTERNAL_rating_reminder",
        slots=held | {"rating_pending": True},
        active_loop="rating_form",
    )
    asked = await run_action(action_server, "action_ask_rating_stars", reminded)
    assert responses(asked) == ["utter_rating_reminder"]
    assert slot_events(asked) == {"rating_pending": None}


async def _validate_rating(
    action_server: str, slot: str, text: str, intent: str = "inform"
) -> dict[str, Any]:
    state = tracker(
        "psid-leave",
        intent=intent,
        text=text,
        slots={"requested_slot": slot, slot: text, "rating_reference": "TF-7K2Q"},
        active_loop="rating_form",
        extracted={slot: text},
    )
    return await run_action(action_server, "validate_rating_form", state)


async def test_abbrechen_or_spaeter_during_the_rating_ends_it_and_cancels_no_job(
    action_server: str, backend: Backend
) -> None:
    reference = await _book(action_server, "psid-leave")
    await _complete(backend, reference)
    for text, intent in (
        ("abbrechen", "cancel"),
        ("cancel", "cancel"),
        ("später", "inform"),
        ("nicht jetzt, danke", "deny"),
        ("maybe later", "inform"),
    ):
        left = await _validate_rating(action_server, "rating_stars", text, intent)
        assert slot_events(left) == {"rating_stars": "skipped", "rating_comment": False}, text
        assert responses(left) == [], text
    state = tracker(
        "psid-leave",
        intent="cancel",
        text="abbrechen",
        slots={"rating_reference": reference, "rating_stars": "skipped", "rating_comment": False},
    )
    ended = await run_action(action_server, "action_submit_rating", state)
    assert responses(ended) == ["utter_rating_later"]
    assert slot_events(ended)["rating_status"] is None
    assert slot_events(ended)["rating_reference"] is None
    assert await _ratings(backend) == []
    job = await backend.call("GET", f"/api/v1/jobs/{reference}")
    assert job["status"] == "completed"


async def test_cancel_at_the_comment_keeps_the_stars_but_a_long_comment_is_a_comment(
    action_server: str,
) -> None:
    stop = await _validate_rating(action_server, "rating_comment", "cancel", "cancel")
    assert slot_events(stop) == {"rating_comment": False}
    said = "kam etwas später als gedacht, aber sehr freundlich"
    comment = await _validate_rating(action_server, "rating_comment", said)
    assert slot_events(comment) == {"rating_comment": said}
    # Stars still win over the words: "4 Sterne, später mehr" is four stars.
    stars = await _validate_rating(action_server, "rating_stars", "4 Sterne, später mehr")
    assert slot_events(stars)["rating_stars"] == 4.0


@pytest.mark.parametrize(
    ("text", "intent", "kept"),
    [
        # Surnames the classifier reads as replies are still names.
        ("Gerda Lange", "affirm", "Gerda Lange"),
        ("Bernd Lange", "deny", "Bernd Lange"),
        # A plain yes, no or thanks at the name question is not a name.
        ("Ja", "affirm", None),
        ("nein danke", "deny", None),
        ("thanks", "thanks", None),
    ],
)
async def test_the_name_answer_is_judged_by_its_words_not_only_by_the_intent(
    action_server: str, text: str, intent: str, kept: str | None
) -> None:
    state = tracker(
        "psid-name",
        intent=intent,
        text=text,
        slots={"requested_slot": "customer_name", "customer_name": text},
        active_loop="job_form",
        extracted={"customer_name": text},
    )
    answer = await run_action(action_server, "validate_job_form", state)
    assert slot_events(answer)["customer_name"] == kept
    assert responses(answer) == ([] if kept else ["utter_invalid_name"])


async def test_news_the_bot_was_given_before_are_not_told_again(action_server: str) -> None:
    entities = [
        {"entity": "job_reference", "value": "TF-7K2Q"},
        {"entity": "friend_name", "value": "Anna"},
        {"entity": "notice_id", "value": "0f1e2d3c"},
    ]
    slots = {"rating_reference": "TF-7K2Q", "rating_friend_name": "Anna"}

    def news() -> dict[str, Any]:
        return tracker(
            "psid-news",
            intent="EXTERNAL_job_completed",
            text="EXTERNAL: EXTERNAL_job_completed",
            entities=entities,
            slots=slots,
        )

    first = news()
    told = await run_action(action_server, "action_ask_rating_stars", first)
    assert responses(told) == ["utter_ask_rating"]
    assert "rewind" not in [e["event"] for e in told["events"]]
    # The backend sent the same notice again: the conversation holds the first copy.
    again = news()
    again["events"][1:1] = [
        {
            "event": "user",
            "text": "EXTERNAL: EXTERNAL_job_completed",
            "parse_data": first["latest_message"],
        },
        {"event": "bot", "text": "Schön, dass Anna Ihnen helfen konnte!"},
        {"event": "action", "name": "action_listen"},
    ]
    for name in ("action_ask_rating_stars", "action_hold_rating"):
        answer = await run_action(action_server, name, again)
        assert answer["responses"] == [], name
        assert [e["event"] for e in answer["events"]] == ["rewind"], name


async def test_the_completed_jobs_invoice_is_told_and_sent_as_a_file(action_server: str) -> None:
    summary = "CHF 79.00, payable within 10 days, scan the QR code in your banking app"
    url = "https://tf.example/b/tok/invoice.pdf"
    entities = [
        {"entity": "job_reference", "value": "TF-7K2Q"},
        {"entity": "friend_name", "value": "Anna"},
        {"entity": "invoice_number", "value": "CH-2026-000001"},
        {"entity": "invoice_summary", "value": summary},
        {"entity": "invoice_url", "value": url},
    ]
    slots = {"rating_reference": "TF-7K2Q", "rating_friend_name": "Anna", "language": "en"}
    files = {
        "messenger": {
            "attachment": {"type": "file", "payload": {"url": url, "is_reusable": False}}
        },
        "whatsapp": {
            "whatsapp": {
                "type": "document",
                "document": {"link": url, "filename": "CH-2026-000001.pdf"},
            }
        },
    }
    for channel, sender in (("messenger", "psid-inv"), ("whatsapp", "wa-41791234567")):
        news = tracker(
            sender,
            intent="EXTERNAL_job_completed",
            text="EXTERNAL: EXTERNAL_job_completed",
            entities=entities,
            slots=slots,
            channel=channel,
        )
        told = await run_action(action_server, "action_ask_rating_stars", news)
        assert responses(told) == ["utter_invoice", None, "utter_ask_rating"], channel
        assert told["responses"][0]["invoice_summary"] == summary
        assert told["responses"][1]["custom"] == files[channel]
        held = await run_action(action_server, "action_hold_rating", news)
        assert responses(held) == ["utter_job_completed_rating_later", "utter_invoice", None]
    # On the website chat the line only (its status page links the PDF); no invoice, no line.
    web = tracker(
        "web-1",
        intent="EXTERNAL_job_completed",
        text="EXTERNAL: EXTERNAL_job_completed",
        entities=entities,
        slots=slots,
        channel="webchat",
    )
    assert responses(await run_action(action_server, "action_ask_rating_stars", web)) == [
        "utter_invoice",
        "utter_ask_rating",
    ]
    plain = tracker(
        "psid-plain",
        intent="EXTERNAL_job_completed",
        text="EXTERNAL: EXTERNAL_job_completed",
        entities=entities[:2],
        slots=slots,
    )
    assert responses(await run_action(action_server, "action_ask_rating_stars", plain)) == [
        "utter_ask_rating"
    ]


# --- "which place?" answered with the same postal code again ------------------------------------


async def _answer_postal_code(
    action_server: str, text: str, slots: dict[str, Any], language: str = "de"
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The customer answers the postal-code question with ``text``: job_form's validation, then
    (when the code is still open) the form's question. Returns the slots after the turn and the
    question's response."""
    state = tracker(
        "psid-place",
        intent="inform",
        text=text,
        slots=slots | {"requested_slot": "postal_code", "postal_code": text, "language": language},
        active_loop="job_form",
        extracted={"postal_code": text},
    )
    validated = await run_action(action_server, "validate_job_form", state)
    after = slots | slot_events(validated)
    if after.get("postal_code"):
        return after, None
    asked = await run_action(
        action_server,
        "action_ask_postal_code",
        tracker("psid-place", slots=after | {"language": language}),
    )
    [question] = asked["responses"]
    return after, question


async def test_repeating_an_ambiguous_postal_code_is_told_how_to_answer_then_offered_a_person(
    action_server: str, backend: Backend
) -> None:
    slots: dict[str, Any] = {}
    questions = []
    for _ in range(4):
        slots, question = await _answer_postal_code(action_server, "1010", slots)
        assert question is not None and slots["postal_code"] is None
        questions.append(question)
    assert [q["response"] for q in questions] == [
        "utter_choose_place",
        "utter_choose_place_how",  # the second time: tap a place or type its name
        "utter_choose_place_or_person",  # the third time: and a person from our team
        "utter_choose_place_or_person",
    ]
    places = [
        '/inform{"postal_code":"1010","country":"AT"}',
        '/inform{"postal_code":"1010","country":"CH"}',
    ]
    for question in questions[:2]:
        assert sorted(b["payload"] for b in question["buttons"]) == sorted(places)
    for question in questions[2:]:
        payloads = [b["payload"] for b in question["buttons"]]
        assert sorted(payloads[:-1]) == sorted(places)
        assert payloads[-1] == "/human_handoff"  # the hand-off's own quick reply
    assert questions[1]["place_names"] in ("Wien oder Lausanne", "Lausanne oder Wien")
    assert slots["place_question_count"] == 4.0

    # Typing the place's name, alone or with the code, answers the question.
    for answer in ("Wien", "1010 Wien"):
        found, question = await _answer_postal_code(action_server, answer, slots)
        assert question is None, answer
        assert (found["postal_code"], found["country"], found["city"]) == ("1010", "AT", "Wien")
        assert found["postal_code_options"] is None and found["place_question_count"] is None


async def test_a_new_ambiguous_postal_code_is_a_new_question_and_english_gets_english_words(
    action_server: str, backend: Backend
) -> None:
    slots, first = await _answer_postal_code(action_server, "1010", {}, language="en")
    assert first is not None and first["response"] == "utter_choose_place"
    slots, again = await _answer_postal_code(action_server, "1010", slots, language="en")
    assert again is not None and again["response"] == "utter_choose_place_how"
    assert again["place_names"] in ("Wien or Lausanne", "Lausanne or Wien")
    # Another code that exists twice starts the count again.
    slots, other = await _answer_postal_code(action_server, "1020", slots, language="en")
    assert other is not None and other["response"] == "utter_choose_place"
    assert slots["place_question_count"] == 1.0


# --- the website chat (issue 15) ---------------------------------------------------------------

WEB_ID = "web-0123456789abcdef0123456789abcdef"


def _at_question(sender: str, slot: str, said: str, channel: str, **kwargs: Any) -> dict[str, Any]:
    """job_form asks for ``slot`` (it and the answers after it still open) and the customer
    answers ``said``."""
    open_slots = {"consent": None, "email": None, slot: None}
    if slot == "phone":
        open_slots["phone_display"] = None
    return tracker(
        sender,
        channel=channel,
        text=said,
        slots={**booking(**open_slots), "requested_slot": slot, **kwargs.pop("slots", {})},
        active_loop="job_form",
        **kwargs,
    )


async def test_the_website_chat_is_asked_for_an_e_mail_address_after_the_phone_only(
    action_server: str,
) -> None:
    said = "0171 9876543"
    for sender, channel in ((WEB_ID, "webchat"), ("psid-phone", "messenger")):
        state = _at_question(
            sender, "phone", said, channel, intent="inform", extracted={"phone": said}
        )
        state["slots"]["phone"] = said
        answer = await run_action(action_server, "validate_job_form", state)
        slots = slot_events(answer)
        assert slots["phone"] == "+491719876543"
        if channel == "webchat":
            assert slots["requested_slot"] == "email"
        else:
            # Messenger: the form's own list, so Rasa picks the next question (consent).
            assert "requested_slot" not in slots and "email" not in slots


async def _email_answer(action_server: str, said: str, intent: str) -> dict[str, Any]:
    state = _at_question(WEB_ID, "email", said, "webchat", intent=intent)
    return await run_action(action_server, "validate_job_form", state)


async def test_the_e_mail_answer_is_checked_refused_clearly_or_skipped(action_server: str) -> None:
    given = await _email_answer(action_server, "Gerne: Erika.Muster@Beispiel.DE", "inform")
    assert responses(given) == []
    assert {k: slot_events(given)[k] for k in ("email", "email_given", "requested_slot")} == {
        "email": "Erika.Muster@beispiel.de",
        "email_given": True,
        "requested_slot": "consent",
    }
    malformed = await _email_answer(action_server, "erika.muster at beispiel.de", "inform")
    assert responses(malformed) == ["utter_invalid_email"]
    assert slot_events(malformed)["email"] is None
    assert slot_events(malformed)["requested_slot"] == "email"  # asked again, with the button
    for said, intent in (("/deny", "deny"), ("nein danke", "inform"), ("keine", "chitchat")):
        skipped = await _email_answer(action_server, said, intent)
        assert responses(skipped) == [], said
        assert slot_events(skipped)["email"] is False, said
        assert slot_events(skipped)["requested_slot"] == "consent", said
    # A question in between: nothing taken, the rules answer and the form asks again.
    detour = await _email_answer(action_server, "was kostet das?", "ask_price")
    assert "email" not in slot_events(detour) and responses(detour) == []


async def test_the_website_chat_s_locale_decides_the_first_answer(action_server: str) -> None:
    state = tracker(
        WEB_ID,
        channel="webchat",
        intent="greet",
        text="/get_started",
        metadata={"channel": "webchat", "locale": "en-GB"},
    )
    answer = await run_action(action_server, "action_validate_slot_mappings", state)
    assert slot_events(answer)["language"] == "en"


async def test_an_e_mail_address_does_not_switch_the_language(action_server: str) -> None:
    for said in ("erika at beispiel.de", "hans.at.home@web.de"):
        state = _at_question(WEB_ID, "email", said, "webchat", intent="inform", earlier_messages=3)
        answer = await run_action(action_server, "action_validate_slot_mappings", state)
        assert slot_events(answer).get("language", "de") == "de", said


class FakeJobs:
    """The jobs API as issue 15's contract has it (the backend's own tests check the backend):
    records each job request and answers with a status page."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.requests: list[dict[str, Any]] = []
        self.refuse: tuple[int, dict[str, Any]] | None = None

    async def create_job(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.refuse and "email" in body["customer"]:
            return web.json_response(self.refuse[1], status=self.refuse[0])
        reference = f"TF-W{len(self.requests)}"
        return web.json_response(
            {**body, "reference": reference, "status_url": f"http://127.0.0.1:8000/b/{reference}"},
            status=201,
        )


@pytest.fixture
async def fake_jobs(backend_port: int) -> AsyncIterator[FakeJobs]:
    fake = FakeJobs(backend_port)
    app = web.Application()
    app.router.add_post("/api/v1/jobs", fake.create_job)
    server = TestServer(app, host="127.0.0.1", port=backend_port)
    await server.start_server()
    yield fake
    await server.close()


async def test_a_website_chat_booking_sends_channel_and_e_mail_and_shows_the_status_link(
    action_server: str, fake_jobs: FakeJobs
) -> None:
    slots = booking(email="erika@web.de", email_given=True)
    web_answer = await run_action(
        action_server, "action_submit_job", tracker(WEB_ID, channel="webchat", slots=slots)
    )
    events = slot_events(web_answer)
    assert events["job_status"] == "submitted"
    assert events["status_url"] == f"http://127.0.0.1:8000/b/{events['job_reference']}"
    assert events["status_link"] is True
    assert events["email"] is None and events["email_given"] is None  # forgotten with the job
    customer = fake_jobs.requests[0]["customer"]
    assert (customer["channel"], customer["id"], customer["email"]) == (
        "webchat",
        WEB_ID,
        "erika@web.de",
    )
    assert "psid" not in customer
    # Messenger: the confirmation stays as it was (no status link), the psid is still sent.
    messenger = await run_action(
        action_server, "action_submit_job", tracker("psid-web-fake", slots=booking())
    )
    assert messenger["events"] and "status_link" not in slot_events(messenger)
    assert "status_url" not in slot_events(messenger)
    customer = fake_jobs.requests[1]["customer"]
    assert customer["channel"] == "messenger" and customer["psid"] == "psid-web-fake"


async def test_an_e_mail_address_the_backend_refuses_is_asked_again_or_left_out(
    action_server: str, fake_jobs: FakeJobs
) -> None:
    slots = booking(email="erika@web.de", email_given=True)
    state = tracker(WEB_ID, channel="webchat", slots=slots)
    # A 422 naming the address: the customer is told and asked again (or taps "No, thanks").
    fake_jobs.refuse = (422, {"errors": {"customer.email": "is not a valid e-mail address"}})
    refused = await run_action(action_server, "action_submit_job", state)
    assert slot_events(refused)["job_status"] == "invalid"
    assert slot_events(refused)["email"] is None and slot_events(refused)["email_given"] is None
    assert "phone" not in slot_events(refused)  # the rest is kept
    assert refused["responses"][0]["field_names"] == "Ihre E-Mail-Adresse"
    # A plain 400: the job is booked without the address rather than not at all.
    fake_jobs.refuse = (400, {"error": "bad e-mail"})
    answer = await run_action(action_server, "action_submit_job", state)
    assert slot_events(answer)["job_status"] == "submitted"
    assert [("email" in r["customer"]) for r in fake_jobs.requests] == [True, True, False]


async def test_the_website_chat_can_change_its_e_mail_address_at_the_summary(
    action_server: str,
) -> None:
    def at_summary(sender: str, channel: str, **kwargs: Any) -> dict[str, Any]:
        return tracker(sender, channel=channel, slots=booking(email="erika@web.de"), **kwargs)

    shown = await run_action(
        action_server, "action_show_fields", at_summary(WEB_ID, "webchat", intent="change")
    )
    titles = [b["title"] for b in shown["responses"][0]["buttons"]]
    assert "E-Mail" in titles
    messenger = await run_action(
        action_server, "action_show_fields", at_summary("psid-fields", "messenger")
    )
    assert "E-Mail" not in [b["title"] for b in messenger["responses"][0]["buttons"]]
    picked = at_summary(
        WEB_ID,
        "webchat",
        intent="choose_field",
        text='/choose_field{"field":"email"}',
        entities=[{"entity": "field", "value": "email"}],
    )
    changed = await run_action(action_server, "action_change_field", picked)
    assert slot_events(changed) == {"email": None, "email_given": None}


async def test_a_website_chat_customer_books_follows_and_rates_through_the_real_backend(
    action_server: str, backend: Backend
) -> None:
    """The backend of issue 15 (channels-core): the job is the website chat's, carries the
    e-mail address, lists and rates by (channel, id); a Messenger customer sees none of it."""
    slots = booking(email="erika@web.de", email_given=True)
    booked = await run_action(
        action_server, "action_submit_job", tracker(WEB_ID, channel="webchat", slots=slots)
    )
    events = slot_events(booked)
    reference = events["job_reference"]
    job = await backend.call("GET", f"/api/v1/jobs/{reference}")
    assert job["channel"] == "webchat" and job["customer"]["id"] == WEB_ID
    engine = make_engine(backend.settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            email = await session.scalar(
                select(Customer.email).where(Customer.channel_id == WEB_ID)
            )
    finally:
        await engine.dispose()
    assert email == "erika@web.de"
    assert events["status_url"] == job["status_url"] and events["status_link"] is True
    mine = await run_action(
        action_server, "action_show_jobs", tracker(WEB_ID, channel="webchat", intent="my_jobs")
    )
    assert mine["responses"][0]["job_reference"] == reference
    # Another customer (on Messenger) sees none of it.
    other = await run_action(
        action_server, "action_show_jobs", tracker("psid-web-other", intent="my_jobs")
    )
    assert responses(other) == ["utter_no_jobs"]
    await _complete(backend, reference)
    rating = {"rating_reference": reference, "rating_stars": 4.0, "rating_comment": False}
    rated = await run_action(
        action_server, "action_submit_rating", tracker(WEB_ID, channel="webchat", slots=rating)
    )
    assert responses(rated) == ["utter_rating_thanks"]
    assert [stars for stars, _ in await _ratings(backend)] == [4]
