"""The customer's private status page /b/<token>: what it shows for each status, the friendly
404s, cancelling with a confirmation, rating once completed, German and English."""

from __future__ import annotations

import asyncio
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from backend.adapters.orm import Friend, Job, JobEvent, MessengerContact, Rating
from backend.domain.statuses import JobStatus
from backend.services.customer_texts import page_text
from backend.services.outbox import FRIENDS_PAGE
from product.languages import LANGUAGES
from simulator.fake_graph import FakeGraph
from tests.backend.customer_jobs import WITH_FRIEND, make_job, sessions

Client = TestClient[web.Request, web.Application]

STATUS_WORDS = {
    JobStatus.OPEN: "Wir suchen gerade einen Techniker in Ihrer Nähe",
    JobStatus.ASSIGNED: "Anna hat Ihren Auftrag übernommen",
    JobStatus.CONTACTED: "Anna hat mit Ihnen gesprochen",
    JobStatus.COMPLETED: "Erledigt: Anna hat Ihren Auftrag als erledigt gemeldet",
    JobStatus.CANCELLED: "Dieser Auftrag ist abgesagt",
    JobStatus.UNASSIGNED: "Unser Team kümmert sich jetzt persönlich darum",
}
FINAL = (JobStatus.COMPLETED, JobStatus.CANCELLED)
CANCEL_LINK = "/cancel"
RATING_FORM = "/rating"


def now() -> datetime:
    return datetime.now(UTC)


async def page(client: Client, path: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    response = await client.get(path, headers=headers, allow_redirects=False)
    return response.status, await response.text(), dict(response.headers)


async def post(client: Client, path: str, data: dict[str, str], **headers: str) -> tuple[int, str]:
    response = await client.post(path, data=data, headers=headers, allow_redirects=False)
    return response.status, response.headers.get("Location", "")


async def test_each_status_in_plain_words(client: Client, db_url: str) -> None:
    for status, words in STATUS_WORDS.items():
        job = await make_job(db_url, now(), status)
        code, body, headers = await page(client, f"/b/{job.token}")
        assert code == 200, (status, body)
        assert words in body, status
        assert f"Ihr Auftrag {job.reference}" in body
        assert "Ihr Wunschtermin" in body
        # The first name once assigned, never the family name.
        assert ("Anna" in body) is (status in WITH_FRIEND), status
        assert "Schmidt" not in body
        assert (CANCEL_LINK in body) is (status not in FINAL), status
        assert (RATING_FORM in body) is (status == JobStatus.COMPLETED), status
        assert '<html lang="de">' in body
        assert "<script" not in body
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Robots-Tag"] == "noindex, nofollow"
        assert headers["Cache-Control"] == "no-store"
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


async def test_unknown_malformed_and_expired_tokens_are_friendly_404s(
    client: Client, db_url: str
) -> None:
    for path in ("/b/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/b/short", "/b/" + "x" * 65):
        code, body, headers = await page(client, path)
        assert code == 404, path
        assert "Diese Seite gibt es nicht (mehr)" in body
        assert headers["Referrer-Policy"] == "no-referrer"
    code, body, _ = await page(client, "/b/nope-nope-nope-nope", **{"Accept-Language": "en-GB"})
    assert code == 404 and "This page does not exist (any more)" in body
    # 30 days after the job ended (completed, cancelled or nobody found) the page is gone.
    for status in (JobStatus.COMPLETED, JobStatus.CANCELLED, JobStatus.UNASSIGNED):
        gone = await make_job(db_url, now(), status, ended_days_ago=30.1)
        kept = await make_job(db_url, now(), status, ended_days_ago=29.9)
        assert (await page(client, f"/b/{gone.token}"))[0] == 404, status
        assert (await page(client, f"/b/{kept.token}"))[0] == 200, status
        rated = await post(client, f"/b/{gone.token}/rating", {"stars": "5"})
        assert rated[0] == 404
    # A job still running never expires, however old.
    old = await make_job(db_url, now(), JobStatus.OPEN, ended_days_ago=90)
    assert (await page(client, f"/b/{old.token}"))[0] == 200


async def _job_row(db_url: str, job_id: int) -> Job:
    async with sessions(db_url) as make, make() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        return job


async def _friends_window_open(db_url: str, friend_id: int | None) -> str:
    """The Friend wrote to the page just now (messages to them may go out); their id."""
    async with sessions(db_url) as make, make() as session:
        friend = await session.get(Friend, friend_id)
        assert friend is not None
        session.add(
            MessengerContact(page=FRIENDS_PAGE, psid=friend.messenger_id, last_inbound_at=now())
        )
        await session.commit()
        return friend.messenger_id


async def _told(graph: FakeGraph, recipient: str, words: str) -> bool:
    for _ in range(100):
        if any(words in str(c.body) for c in graph.calls(recipient=recipient)):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_cancel_asks_first_then_cancels_and_records_who(
    client: Client, db_url: str, fake_graph: tuple[FakeGraph, str]
) -> None:
    job = await make_job(db_url, now(), JobStatus.ASSIGNED)
    friend = await _friends_window_open(db_url, job.friend_id)
    base = f"/b/{job.token}"
    code, body, _ = await page(client, base + "/cancel")
    assert code == 200
    assert f"Möchten Sie den Auftrag {job.reference} wirklich absagen?" in body
    assert 'name="confirm" value="yes"' in body and "Nein, zurück" in body
    # Without the confirmation the question comes first; nothing changes.
    assert await post(client, base + "/cancel", {}) == (303, base + "/cancel")
    # A form on another site is refused even if it knew the link.
    refused = await post(
        client, base + "/cancel", {"confirm": "yes"}, **{"Sec-Fetch-Site": "cross-site"}
    )
    assert refused[0] == 403
    assert (await _job_row(db_url, job.id)).status == JobStatus.ASSIGNED

    assert await post(client, base + "/cancel", {"confirm": "yes"}) == (
        303,
        base + "?msg=cancelled_now",
    )
    row = await _job_row(db_url, job.id)
    assert row.status == JobStatus.CANCELLED and row.cancelled_at is not None
    assert row.cancel_reason == "cancelled by the customer on the status page"
    assert row.contact_deadline_at is None
    async with sessions(db_url) as make, make() as session:
        events = (await session.scalars(select(JobEvent).where(JobEvent.job_id == job.id))).all()
    cancelled = [e for e in events if e.kind == "cancelled"]
    assert [(e.actor, e.detail["reason"]) for e in cancelled] == [
        ("customer", "cancelled by the customer on the status page")
    ]
    # The Friend hears of it, as after a cancel through the API.
    assert await _told(fake_graph[0], friend, job.reference)
    code, body, _ = await page(client, base + "?msg=cancelled_now")
    assert "Ihr Auftrag ist abgesagt." in body and STATUS_WORDS[JobStatus.CANCELLED] in body
    assert CANCEL_LINK not in body
    # Twice: the use case refuses, the page says so.
    assert await post(client, base + "/cancel", {"confirm": "yes"}) == (
        303,
        base + "?msg=not_cancellable",
    )
    assert (await page(client, base + "/cancel"))[0] == 303


async def test_rating_once_completed_and_refused_twice(client: Client, db_url: str) -> None:
    running = await make_job(db_url, now(), JobStatus.CONTACTED)
    assert await post(client, f"/b/{running.token}/rating", {"stars": "5"}) == (
        303,
        f"/b/{running.token}",
    )
    job = await make_job(db_url, now(), JobStatus.COMPLETED)
    base = f"/b/{job.token}"
    code, body, _ = await page(client, base)
    assert code == 200
    assert 'type="radio" name="stars" value="5"' in body and "5 Sterne – ausgezeichnet" in body
    assert await post(client, base + "/rating", {"comment": "Danke"}) == (
        303,
        base + "?msg=rating_missing",
    )
    assert await post(client, base + "/rating", {"stars": "5", "comment": "Sehr geduldig"}) == (
        303,
        base + "?msg=rated_now",
    )
    assert await post(client, base + "/rating", {"stars": "1"}) == (
        303,
        base + "?msg=rated_already",
    )
    async with sessions(db_url) as make, make() as session:
        ratings = (await session.scalars(select(Rating).where(Rating.job_id == job.id))).all()
        friend = await session.get(Friend, job.friend_id)
        unrated = await session.scalar(
            select(func.count()).select_from(Rating).where(Rating.job_id == running.id)
        )
    assert [(r.stars, r.comment) for r in ratings] == [(5, "Sehr geduldig")]
    assert friend is not None and (friend.rating, friend.rating_count) == (5.0, 1)
    assert unrated == 0
    _, body, _ = await page(client, base + "?msg=rated_now")
    assert "Vielen Dank für Ihre Bewertung!" in body
    assert "Sie haben 5 von 5 Sternen gegeben" in body
    assert 'name="stars"' not in body


@pytest.mark.sqlite_only
async def test_texts_in_german_and_english(client: Client, db_url: str) -> None:
    english = await make_job(db_url, now(), JobStatus.ASSIGNED, language="en")
    _, body, _ = await page(client, f"/b/{english.token}")
    assert '<html lang="en">' in body
    assert f"Your request {english.reference}" in body
    assert "Anna has taken on your request" in body and "Cancel the request" in body
    # No language known: the browser's.
    unknown = await make_job(db_url, now(), JobStatus.OPEN, language="")
    _, body, _ = await page(client, f"/b/{unknown.token}", **{"Accept-Language": "en-GB,de;q=0.5"})
    assert "We are looking for a technician near you" in body
    _, body, _ = await page(client, f"/b/{unknown.token}", **{"Accept-Language": "tlh, de-AT"})
    assert "Wir suchen gerade einen Techniker" in body
    _, body, _ = await page(client, f"/b/{unknown.token}", **{"Accept-Language": "fr-CH, de"})
    assert "Nous cherchons un technicien près de chez vous" in body
    # The country's German: Swiss without ß, Austrian January.
    january = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
    swiss = await make_job(db_url, now(), JobStatus.OPEN, country="CH", window_start=january)
    _, body, _ = await page(client, f"/b/{swiss.token}")
    assert '<html lang="de-CH">' in body and "ß" not in body
    assert "Dienstag, 12. Januar 2027, 10:00–13:00 Uhr" in body
    austrian = await make_job(db_url, now(), JobStatus.OPEN, country="AT", window_start=january)
    _, body, _ = await page(client, f"/b/{austrian.token}")
    assert "Dienstag, 12. Jänner 2027, 10:00–13:00 Uhr" in body
    english_window = await make_job(
        db_url, now(), JobStatus.OPEN, language="en", window_start=january
    )
    _, body, _ = await page(client, f"/b/{english_window.token}")
    assert "Tuesday 12 January 2027, 10:00–13:00" in body
    assert page_text("de-CH", "form_unreadable").startswith("Das Formular liess sich")
    assert page_text("de", "form_unreadable").startswith("Das Formular ließ sich")
    # The stylesheet: large type, visible focus; served without the token.
    response = await client.get("/b/status.css")
    css = await response.text()
    assert response.status == 200 and response.content_type == "text/css"
    assert "font-size: 20px" in css and ":focus-visible" in css


async def test_texts_in_french_italian_and_polish(client: Client, db_url: str) -> None:
    december = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    geneva = await make_job(
        db_url, now(), JobStatus.ASSIGNED, language="fr", country="CH", window_start=december
    )
    _, body, _ = await page(client, f"/b/{geneva.token}")
    assert '<html lang="fr">' in body and f"Votre demande {geneva.reference}" in body
    assert "Anna s&#39;occupe de votre demande" in body or "Anna s'occupe de votre demande" in body
    assert "mardi 1er décembre 2026, 14:00–17:00" in body and "Annuler la demande" in body
    lugano = await make_job(
        db_url, now(), JobStatus.OPEN, language="it", country="CH", window_start=december
    )
    _, body, _ = await page(client, f"/b/{lugano.token}")
    assert "Stiamo cercando un tecnico vicino a Lei" in body
    assert "martedì 1 dicembre 2026, 14:00–17:00" in body
    warsaw = await make_job(
        db_url, now(), JobStatus.COMPLETED, language="pl", window_start=december
    )
    _, body, _ = await page(client, f"/b/{warsaw.token}")
    assert "Gotowe: Anna zgłosił(a)" in body and "gwiazdek" in body
    assert "wtorek, 1 grudnia 2026" in body


ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "status-page"


@pytest.fixture
def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(f"chromium not found at {path}: run tools/install_chromium.sh")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.sqlite_only
async def test_on_a_360_px_phone_in_chromium(client: Client, db_url: str, chromium: str) -> None:
    """Large type, nothing wider than the phone, keyboard focus visible, cancelling works
    without script; screenshots in var/test-artifacts/status-page/."""
    from playwright.async_api import async_playwright

    done = await make_job(db_url, now(), JobStatus.COMPLETED)
    running = await make_job(db_url, now(), JobStatus.ASSIGNED)
    base = str(client.make_url("")).rstrip("/")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True)
        page = await browser.new_page(viewport={"width": 360, "height": 740})
        await page.goto(f"{base}/b/{done.token}")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        size = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 18
        await page.screenshot(path=str(ARTIFACTS / "completed-360.png"), full_page=True)
        await page.keyboard.press("Tab")
        outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
        await page.get_by_label("4 Sterne – sehr zufrieden").check()
        await page.get_by_role("button", name="Bewertung senden").click()
        await page.get_by_text("Vielen Dank für Ihre Bewertung!").wait_for()
        await page.goto(f"{base}/b/{running.token}")
        await page.get_by_role("link", name="Auftrag absagen").click()
        await page.screenshot(path=str(ARTIFACTS / "confirm-360.png"), full_page=True)
        await page.get_by_role("button", name="Ja, Auftrag absagen").click()
        await page.get_by_text("Ihr Auftrag ist abgesagt.").wait_for()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=str(ARTIFACTS / "cancelled-360.png"), full_page=True)
        await browser.close()
    assert (await _job_row(db_url, running.id)).status == JobStatus.CANCELLED


def test_every_customer_text_in_every_language() -> None:
    from backend.services import customer_texts as texts

    assert set(texts._MAIL_OTHER) == set(LANGUAGES)
    for table in (texts._PAGE, texts._STATUS, texts._MAIL, texts._MAIL_FRAME):
        assert set(table) == set(LANGUAGES)
        keys = [set(entries) for entries in table.values()]
        assert all(k == keys[0] for k in keys), table
    assert set(texts._STATUS["de"]) == set(JobStatus)
    assert set(texts._WEEKDAYS) == set(texts._MONTHS) == set(LANGUAGES)
    # Every notice the backend stores has its own mail (the bot's EXTERNAL_ intents).
    domain = (Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8")
    stored = set(re.findall(r"^  - (EXTERNAL_\w+)$", domain, flags=re.MULTILINE))
    assert stored and stored <= set(texts._MAIL["de"])
    assert timedelta(days=texts.STATUS_PAGE_DAYS) == timedelta(days=30)
