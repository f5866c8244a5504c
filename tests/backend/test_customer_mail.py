"""Customers' e-mail: one mail per notice (and per booking) when the customer gave an address,
received by a real SMTP server (aiosmtpd) started here; retried while the server is down, given
up with a support alert, never doubled by two workers or a restart."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from backend.adapters.orm import Customer, CustomerMail, Job, JobEvent, SupportAlert
from backend.adapters.smtp import SmtpServer
from backend.config import Settings
from backend.services import customer_mail
from backend.services.customer_mail import (
    MailSender,
    erase_customer_mails,
    queue_booking_mail,
    queue_customer_mail,
)
from backend.services.customer_news import store_notice
from backend.services.customer_texts import BOOKING_RECEIVED, FRIEND_CONTACTED, JOB_CANCELLED
from simulator.mailbox import Mailbox
from tests.backend.clock import MovableClock, backend, count_rows
from tests.backend.conftest import api_headers
from tests.backend.customer_jobs import MadeJob, make_job, sessions, smtp_server, wait_for_mails
from tests.backend.helpers import Client, job_body

ADDRESS = "erika@example.org"
SENDER = "techfriends <hallo@techfriends.example>"
BASE = "https://help.example.org"
NOTICES: list[tuple[str, dict[str, Any]]] = [
    ("EXTERNAL_friend_assigned", {"friend_name": "Anna", "friend_rating": "4.8"}),
    ("EXTERNAL_friend_handed_back", {"friend_name": "Anna"}),
    ("EXTERNAL_friend_missed_deadline", {}),
    ("EXTERNAL_nobody_found", {}),
    ("EXTERNAL_job_completed", {"friend_name": "Anna"}),
    ("EXTERNAL_rating_reminder", {"friend_name": "Anna"}),
    (JOB_CANCELLED, {"cancelled_by": "support"}),
    (FRIEND_CONTACTED, {"friend_name": "Anna"}),
]


@pytest.fixture
async def mailbox() -> AsyncIterator[tuple[Mailbox, int]]:
    box = Mailbox()
    async with smtp_server(box) as port:
        yield box, port


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def make_sender(
    db_url: str, make: Any, port: int, clock: Callable[[], datetime], wait: float = 60.0
) -> MailSender:
    return MailSender(
        make,
        SmtpServer("127.0.0.1", port),
        SENDER,
        BASE,
        clock=clock,
        backoff=lambda _attempt: wait,
    )


async def queue(
    db_url: str, job: MadeJob, notices: list[tuple[str, dict[str, Any]]], now: datetime
) -> list[CustomerMail | None]:
    async with sessions(db_url) as make, make() as session:
        row = await session.get(Job, job.id)
        customer = await session.get(Customer, job.customer_id)
        assert row is not None
        queued = [
            await queue_customer_mail(session, row, customer, intent, entities, now)
            for intent, entities in notices
        ]
        await session.commit()
        return queued


async def mail_rows(db_url: str) -> list[CustomerMail]:
    async with sessions(db_url) as make, make() as session:
        return list((await session.scalars(select(CustomerMail).order_by(CustomerMail.id))).all())


async def test_one_mail_per_notice_with_the_status_link(
    db_url: str, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    clock = MovableClock()
    job = await make_job(db_url, clock(), email=ADDRESS)
    async with sessions(db_url) as make, make() as session:
        row, customer = await session.get(Job, job.id), await session.get(Customer, job.customer_id)
        assert row is not None
        assert await queue_booking_mail(session, row, customer, clock()) is not None
        await session.commit()
    await queue(db_url, job, NOTICES, clock())
    async with sessions(db_url) as make:
        sender = make_sender(db_url, make, port, clock)
        assert await sender.send_due() == 1 + len(NOTICES)
        assert await sender.send_due() == 0
    assert len(box.mails) == 1 + len(NOTICES)
    subjects = [m.subject for m in box.mails]
    assert subjects[0] == f"Ihr Auftrag {job.reference} ist bei uns angekommen"
    assert subjects[1] == f"Anna hilft Ihnen (Auftrag {job.reference})"
    assert f"Ihr Auftrag {job.reference} ist erledigt" in subjects
    assert f"Ihr Auftrag {job.reference} ist abgesagt" in subjects
    assert f"Anna hat sich bei Ihnen gemeldet (Auftrag {job.reference})" in subjects
    for mail in box.mails:
        assert mail.to == [ADDRESS]
        assert mail.body.startswith("Guten Tag Erika Muster,\n")
        assert f"{BASE}/b/{job.token}" in mail.body
        assert "Ihr Wunschtermin: " in mail.body and "Freundliche Grüße" in mail.body
        assert mail.headers["From"] == SENDER
        assert mail.message_id.endswith("@techfriends.example>")
    assert len({m.message_id for m in box.mails}) == len(box.mails)
    assert "Anna hat Ihren Auftrag" in box.mails[1].body
    rows = await mail_rows(db_url)
    assert {r.status for r in rows} == {"sent"} and all(r.attempts == 1 for r in rows)
    assert await count_rows(db_url, JobEvent, kind="customer_mailed") == len(rows)


async def test_no_mail_without_an_address(db_url: str, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    clock = MovableClock()
    for email in ("", "   "):
        job = await make_job(db_url, clock(), email=email)
        assert await queue(db_url, job, NOTICES, clock()) == [None] * len(NOTICES)
    assert await count_rows(db_url, CustomerMail) == 0
    async with sessions(db_url) as make:
        assert await make_sender(db_url, make, port, clock).send_due() == 0
    assert box.mails == []


async def test_retried_while_the_server_is_down_then_sent(db_url: str) -> None:
    clock = MovableClock()
    port = free_port()  # nobody listens here yet
    job = await make_job(db_url, clock(), email=ADDRESS)
    await queue(db_url, job, NOTICES[:1], clock())
    box = Mailbox()
    async with sessions(db_url) as make:
        sender = make_sender(db_url, make, port, clock, wait=60)
        assert await sender.send_due() == 0
        [row] = await mail_rows(db_url)
        assert (row.status, row.attempts) == ("pending", 1)
        assert "attempt 1" in row.error
        assert row.next_attempt_at == clock() + timedelta(seconds=60)
        assert await sender.send_due() == 0  # not due yet: no second attempt
        assert (await mail_rows(db_url))[0].attempts == 1
        async with smtp_server(box, port):
            clock.advance(seconds=61)
            assert await sender.send_due() == 1
    assert [m.subject for m in box.mails] == [f"Anna hilft Ihnen (Auftrag {job.reference})"]
    [row] = await mail_rows(db_url)
    assert (row.status, row.attempts, row.error) == ("sent", 2, "")


async def test_given_up_after_the_last_attempt_with_a_support_alert(db_url: str) -> None:
    clock = MovableClock()
    port = free_port()
    job = await make_job(db_url, clock(), email=ADDRESS)
    await queue(db_url, job, NOTICES[:1], clock())
    async with sessions(db_url) as make:
        sender = make_sender(db_url, make, port, clock, wait=1)
        for _ in range(customer_mail.MAX_ATTEMPTS):
            assert await sender.send_due() == 0
            clock.advance(seconds=2)
        assert await sender.send_due() == 0
    [row] = await mail_rows(db_url)
    assert (row.status, row.attempts) == ("failed", customer_mail.MAX_ATTEMPTS)
    async with sessions(db_url) as make, make() as session:
        alerts = (await session.scalars(select(SupportAlert))).all()
    assert [(a.kind, a.job_id, a.detail["reference"]) for a in alerts] == [
        ("customer_not_mailed", job.id, job.reference)
    ]
    assert await count_rows(db_url, JobEvent, kind="customer_not_mailed") == 1


async def test_a_refused_address_is_given_up_at_once(
    db_url: str, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    box.refuse.add(ADDRESS)
    clock = MovableClock()
    job = await make_job(db_url, clock(), email=ADDRESS)
    await queue(db_url, job, NOTICES[:1], clock())
    async with sessions(db_url) as make:
        assert await make_sender(db_url, make, port, clock).send_due() == 0
    [row] = await mail_rows(db_url)
    assert (row.status, row.attempts) == ("failed", 1) and "550" in row.error
    assert await count_rows(db_url, SupportAlert, kind="customer_not_mailed") == 1
    assert box.mails == []


async def test_not_doubled_by_two_workers_or_a_restart(
    db_url: str, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    clock = MovableClock()
    job = await make_job(db_url, clock(), email=ADDRESS)
    await queue(db_url, job, NOTICES, clock())
    async with sessions(db_url) as one, sessions(db_url) as two:
        first = make_sender(db_url, one, port, clock)
        second = make_sender(db_url, two, port, clock)
        counts = await asyncio.gather(first.send_due(), second.send_due())
        assert sum(counts) == len(NOTICES)
        assert len(box.mails) == len(NOTICES)
        assert len({m.message_id for m in box.mails}) == len(NOTICES)

        # A restart: a process leased a mail and died before sending it. Nobody else takes it
        # while the lease holds; after it, one process sends it, once.
        await queue(db_url, job, NOTICES[:1], clock())
        crashed = await first._lease(set())
        assert crashed is not None
        assert await second.send_due() == 0
        clock.advance(seconds=customer_mail.LEASE.total_seconds() + 1)
        assert await second.send_due() == 1
        assert await first.send_due() == 0
        assert len(box.mails) == len(NOTICES) + 1
        # The mail is the one the dead process would have sent: the same Message-ID.
        assert box.mails[-1].message_id == crashed.message["Message-ID"]
        # Sent is final: a new process after a restart sends nothing again.
        third = make_sender(db_url, one, port, clock)
        clock.advance(days=1)
        assert await third.send_due() == 0
    assert len(box.mails) == len(NOTICES) + 1
    assert await count_rows(db_url, JobEvent, kind="customer_mailed") == len(NOTICES) + 1


@pytest.mark.sqlite_only
async def test_texts_in_the_customers_language(db_url: str, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    clock = MovableClock()
    january = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
    english = await make_job(db_url, clock(), email="en@example.org", language="en")
    swiss = await make_job(db_url, clock(), email="ch@example.org", country="CH")
    austrian = await make_job(
        db_url, clock(), email="at@example.org", country="AT", window_start=january
    )
    await queue(db_url, english, [("EXTERNAL_job_completed", {"friend_name": "Anna"})], clock())
    await queue(db_url, english, [("EXTERNAL_something_new", {})], clock())
    await queue(db_url, swiss, [("EXTERNAL_friend_assigned", {"friend_name": "Anna"})], clock())
    await queue(db_url, austrian, [(BOOKING_RECEIVED, {})], clock())
    async with sessions(db_url) as make:
        assert await make_sender(db_url, make, port, clock).send_due() == 4
    by_to = {m.to[0]: m for m in box.mails if m.subject.startswith("Your request")}
    done = by_to["en@example.org"]
    assert done.subject == f"Your request {english.reference} is done"
    assert done.body.startswith("Dear Erika Muster,\n\nAnna has reported your request")
    assert "Kind regards" in done.body and f"{BASE}/b/{english.token}" in done.body
    other = next(m for m in box.mails if m.subject.startswith("News about"))
    assert "There is news about your request." in other.body
    ch = next(m for m in box.mails if m.to == ["ch@example.org"])
    assert "Freundliche Grüsse" in ch.body and "ß" not in ch.body + ch.subject
    assert ch.headers["Content-Language"] == "de-CH"
    at = next(m for m in box.mails if m.to == ["at@example.org"])
    assert "Dienstag, 12. Jänner 2027, 10:00–13:00 Uhr" in at.body


async def test_texts_in_french_italian_and_polish(
    db_url: str, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    clock = MovableClock()
    january = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
    made = {
        language: await make_job(
            db_url,
            clock(),
            email=f"{language}@example.org",
            language=language,
            country=country,
            window_start=january,
        )
        for language, country in (("fr", "CH"), ("it", "CH"), ("pl", "DE"))
    }
    for job in made.values():
        await queue(db_url, job, [("EXTERNAL_friend_assigned", {"friend_name": "Anna"})], clock())
    async with sessions(db_url) as make:
        assert await make_sender(db_url, make, port, clock).send_due() == 3
    mails = {m.to[0]: m for m in box.mails}
    fr, it, pl = (mails[f"{language}@example.org"] for language in ("fr", "it", "pl"))
    assert fr.subject == f"Anna va vous aider (demande {made['fr'].reference})"
    assert fr.body.startswith("Bonjour Erika Muster,\n\nBonne nouvelle : Anna s'occupe")
    assert "mardi 12 janvier 2027, 10:00–13:00" in fr.body and "Meilleures salutations" in fr.body
    assert fr.headers["Content-Language"] == "fr"
    assert it.body.startswith("Gentile Erika Muster,\n\nbuone notizie: Anna ha preso in carico")
    assert "martedì 12 gennaio 2027" in it.body and "Cordiali saluti" in it.body
    assert pl.subject == f"Anna pomoże Panu/Pani (zlecenie {made['pl'].reference})"
    assert "wtorek, 12 stycznia 2027, 10:00–13:00" in pl.body and "Z poważaniem" in pl.body
    assert f"{BASE}/b/{made['pl'].token}" in pl.body


@pytest.mark.sqlite_only
async def test_the_app_sends_with_smtp_url_and_not_without(
    settings: Settings, db_url: str, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    with_mail = dataclasses.replace(
        settings, smtp_url=f"smtp://127.0.0.1:{port}", public_base_url=BASE + "/"
    )
    async with backend(with_mail):
        job = await make_job(db_url, datetime.now(UTC), email=ADDRESS)
        await queue(db_url, job, NOTICES[:1], datetime.now(UTC))
        await wait_for_mails(box, 1)
    assert f"{BASE}/b/{job.token}\n" in box.mails[0].body
    async with backend(settings):
        await queue(db_url, job, NOTICES[:1], datetime.now(UTC))
        await asyncio.sleep(customer_mail.POLL_SECONDS + 0.5)
    assert len(box.mails) == 1


async def test_the_booking_and_every_notice_queue_their_mail(
    client: Client, db_url: str, mailbox: tuple[Mailbox, int]
) -> None:
    """Through the use cases: POST /api/v1/jobs with an address (the booking mail) and
    store_notice (the news); a customer without an address gets none."""
    box, port = mailbox
    web = {"channel": "webchat", "id": "web-" + "a" * 32, "name": "Erika Muster"}
    customers = {
        "with": {**web, "phone": "0171 9876543", "language": "de", "email": ADDRESS},
        "without": {**web, "id": "web-" + "b" * 32, "phone": "0171 9876543", "language": "de"},
    }
    references = {}
    for key, customer in customers.items():
        response = await client.post(
            "/api/v1/jobs", json=job_body(customer=customer), headers=api_headers()
        )
        assert response.status == 201, await response.text()
        references[key] = (await response.json())["reference"]
    now = datetime.now(UTC)
    async with sessions(db_url) as make:
        async with make() as session:
            for reference in references.values():
                job = await session.scalar(select(Job).where(Job.reference == reference))
                assert job is not None
                news = {"job_reference": reference, "friend_name": "Anna"}
                await store_notice(session, job, "EXTERNAL_friend_assigned", news, now)
            await session.commit()
        assert await make_sender(db_url, make, port, lambda: datetime.now(UTC)).send_due() == 2
    assert [(m.to, m.subject) for m in box.mails] == [
        ([ADDRESS], f"Ihr Auftrag {references['with']} ist bei uns angekommen"),
        ([ADDRESS], f"Anna hilft Ihnen (Auftrag {references['with']})"),
    ]


async def test_erasure_deletes_the_customers_mails_sent_or_not(
    db_url: str, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    clock = MovableClock()
    erased = await make_job(db_url, clock(), email=ADDRESS)
    kept = await make_job(db_url, clock(), email="other@example.org")
    await queue(db_url, erased, NOTICES[:1], clock())
    async with sessions(db_url) as make:
        assert await make_sender(db_url, make, port, clock).send_due() == 1
    await queue(db_url, erased, NOTICES[1:2], clock())  # still pending
    await queue(db_url, kept, NOTICES[:1], clock())
    async with sessions(db_url) as make:
        async with make() as session:
            assert await erase_customer_mails(session, [erased.id]) == 2
            assert await erase_customer_mails(session, []) == 0
            await session.commit()
        assert await make_sender(db_url, make, port, clock).send_due() == 1
    assert [m.to for m in box.mails] == [[ADDRESS], ["other@example.org"]]
    assert [r.job_id for r in await mail_rows(db_url)] == [kept.id]


def test_smtp_url_forms() -> None:
    plain = SmtpServer.from_url("smtp://127.0.0.1:8025")
    assert (plain.host, plain.port, plain.starttls, plain.tls) == ("127.0.0.1", 8025, False, False)
    login = SmtpServer.from_url("smtp://mailer:p%40ss@mail.example.org:587?starttls=1")
    assert (login.username, login.password, login.port, login.starttls) == (
        "mailer",
        "p@ss",
        587,
        True,
    )
    assert SmtpServer.from_url("smtps://mail.example.org").port == 465
    for bad in ("http://x", "smtp://", "smtp://host:port"):
        with pytest.raises(ValueError, match="SMTP_URL"):
            SmtpServer.from_url(bad)
    with pytest.raises(ValueError, match="SMTP_URL"):
        Settings.from_env({"SMTP_URL": "mail.example.org"})
    settings = Settings.from_env({"SMTP_URL": "smtp://127.0.0.1:8025", "MAIL_FROM": SENDER})
    assert (settings.smtp_url, settings.mail_from, settings.public_base_url) == (
        "smtp://127.0.0.1:8025",
        SENDER,
        "http://127.0.0.1:8000",
    )
