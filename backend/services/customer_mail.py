"""Telling a customer by e-mail too: the booking, and every notice (when they gave an address).

`queue_customer_mail` adds one `CustomerMail` row to the caller's transaction: the booking
(backend/services/jobs.create_job) and every notice (customer_news.store_notice) call it, so a
mail exists exactly when the change it reports does. `MailSender` sends what is due over SMTP,
like the NoticeSender: it leases a row (a conditional UPDATE, SKIP LOCKED on PostgreSQL), sends,
and records the outcome at once; a failed attempt is retried with backoff, and after
MAX_ATTEMPTS, or when the server refuses the mail for good, support gets a
`customer_not_mailed` alert. A row marked sent is never sent again, and a process that dies
between the send and that mark leaves the row leased: after the lease another process sends it
once more with the same Message-ID, which mail programs recognise as the same mail.

The text is written when the mail is sent, from the intent and entities stored with it, the
job (window, status link) and the customer's locale fixed when it was queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import Customer, CustomerMail, Job, JobEvent, SupportAlert, utcnow
from backend.adapters.smtp import MailOutcome, SmtpServer, send_mail
from backend.adapters.sweeping import next_untried
from backend.services.customer_texts import BOOKING_RECEIVED, locale_for, mail_text, window_text
from messenger_platform.send_policy import backoff_seconds

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # with the 5-minute cap, the mail server may be away for about 20 minutes
# Longer than one SMTP conversation may take (aiosmtplib's timeout is 30 s per step).
LEASE = timedelta(minutes=3)
BATCH = 100
POLL_SECONDS = 2.0
# Sent and given-up mails hold an address: kept as long as the status page lives, then deleted.
RETENTION = timedelta(days=30)
PURGE_EVERY = timedelta(hours=1)

Send = Callable[[SmtpServer, EmailMessage], Awaitable[tuple[MailOutcome, str]]]


def status_path(job: Job) -> str:
    return f"/b/{job.status_token}"


async def queue_customer_mail(
    session: AsyncSession,
    job: Job,
    customer: Customer | None,
    intent: str,
    entities: dict[str, Any],
    now: datetime,
) -> CustomerMail | None:
    """Add the mail to the caller's transaction (the caller commits); None without an address."""
    address = (customer.email if customer else "").strip()
    if customer is None or not address:
        return None
    mail = CustomerMail(
        mail_id=uuid.uuid4().hex,
        job_id=job.id,
        to_address=address,
        locale=locale_for(customer.language, job.country),
        intent=intent,
        entities={"job_reference": job.reference, **entities},
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        error="",
    )
    session.add(mail)
    return mail


async def queue_booking_mail(
    session: AsyncSession, job: Job, customer: Customer | None, now: datetime
) -> CustomerMail | None:
    """The booking confirmation with the status link, in the transaction that creates the job."""
    return await queue_customer_mail(session, job, customer, BOOKING_RECEIVED, {}, now)


async def erase_customer_mails(session: AsyncSession, job_ids: list[int]) -> int:
    """Privacy erasure (in the caller's transaction): the mails about these jobs hold the
    address and are deleted, pending ones too, so none goes out after; how many went."""
    if not job_ids:
        return 0
    result = await session.execute(delete(CustomerMail).where(CustomerMail.job_id.in_(job_ids)))
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class _Leased:
    id: int
    mail_id: str
    job_id: int
    intent: str
    attempts: int
    message: EmailMessage


@dataclass
class MailSender:
    sessions: async_sessionmaker[AsyncSession]
    server: SmtpServer
    sender: str  # MAIL_FROM
    base_url: str  # PUBLIC_BASE_URL: the status links start here
    clock: Callable[[], datetime] = utcnow
    backoff: Callable[[int], float] = field(default=backoff_seconds)
    send: Send = send_mail

    async def send_due(self, limit: int = BATCH) -> int:
        """Send the due mails; returns how many the server took."""
        sent = 0
        tried: set[int] = set()
        while len(tried) < limit:
            leased = await self._lease(tried)
            if leased is None:
                break
            outcome, why = await self.send(self.server, leased.message)
            await self._record(leased, outcome, why)
            sent += outcome is MailOutcome.SENT
        return sent

    async def purge(self) -> int:
        """Delete sent and given-up mails older than RETENTION; how many went."""
        cutoff = self.clock() - RETENTION
        async with self.sessions() as session:
            result = await session.execute(
                delete(CustomerMail).where(
                    CustomerMail.status != "pending", CustomerMail.created_at < cutoff
                )
            )
            await session.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    async def _lease(self, tried: set[int]) -> _Leased | None:
        """Take the next due mail for one attempt, its message written; None when none is due."""
        while True:
            now = self.clock()
            async with self.sessions() as session:
                query = (
                    select(CustomerMail)
                    .where(CustomerMail.status == "pending", CustomerMail.next_attempt_at <= now)
                    .order_by(CustomerMail.next_attempt_at, CustomerMail.id)
                    .limit(1)
                )
                row = await next_untried(session, query, CustomerMail.id, tried)
                if row is None:
                    return None
                # The conditional UPDATE is the claim (on SQLite the only one): just one process
                # moves on the attempt time it saw.
                attempts = await session.scalar(
                    update(CustomerMail)
                    .where(
                        CustomerMail.id == row.id,
                        CustomerMail.status == "pending",
                        CustomerMail.next_attempt_at == row.next_attempt_at,
                    )
                    .values(next_attempt_at=now + LEASE, attempts=CustomerMail.attempts + 1)
                    .returning(CustomerMail.attempts)
                )
                leased = None
                if attempts is not None:
                    message = await self._message(session, row)
                    leased = _Leased(row.id, row.mail_id, row.job_id, row.intent, attempts, message)
                await session.commit()
            if leased is not None:
                return leased

    async def _message(self, session: AsyncSession, row: CustomerMail) -> EmailMessage:
        job = await session.get(Job, row.job_id)
        assert job is not None  # a foreign key
        customer = await session.get(Customer, job.customer_id)
        window = window_text(row.locale, job.window_start, job.window_end, job.country)
        subject, body = mail_text(
            row.locale,
            row.intent,
            dict(row.entities),
            job.contact(customer)[0],
            window,
            self.base_url + status_path(job),
        )
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = row.to_address
        message["Subject"] = subject
        # The same id on every attempt: a mail sent twice after a crash is one mail to a reader.
        message["Message-ID"] = f"<{row.mail_id}@{_domain(self.sender)}>"
        message["Date"] = format_datetime(row.created_at)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body)
        message["Content-Language"] = row.locale  # after set_content, which drops Content-*
        return message

    async def _record(self, mail: _Leased, outcome: MailOutcome, why: str) -> None:
        now = self.clock()
        async with self.sessions() as session:
            row = await session.get(CustomerMail, mail.id, with_for_update=True)
            if row is None or row.status != "pending":
                return
            if row.attempts != mail.attempts and outcome is not MailOutcome.SENT:
                return  # this attempt overran its lease; the newer one decides what comes next
            detail = {"intent": mail.intent, "mail": mail.mail_id}
            if outcome is MailOutcome.SENT:
                row.status, row.sent_at, row.error = "sent", now, ""
                _event(session, mail.job_id, "customer_mailed", detail, now)
            elif outcome is MailOutcome.REFUSED or mail.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
                row.error = f"{outcome.value} after {mail.attempts} attempts: {why}"[:1000]
                reference = await session.scalar(select(Job.reference).where(Job.id == row.job_id))
                session.add(
                    SupportAlert(
                        kind="customer_not_mailed",
                        job_id=mail.job_id,
                        detail={"reference": reference or "", **detail, "error": why},
                        created_at=now,
                    )
                )
                _event(session, mail.job_id, "customer_not_mailed", detail, now)
                log.error("mail %s for job %s given up: %s", mail.mail_id, reference, why)
            else:
                row.error = f"attempt {mail.attempts}: {why}"[:1000]
                row.next_attempt_at = now + timedelta(seconds=self.backoff(mail.attempts - 1))
            await session.commit()


def _event(
    session: AsyncSession, job_id: int, kind: str, detail: dict[str, Any], now: datetime
) -> None:
    # Written here, not with services.jobs.record_event: jobs.create_job queues mails.
    session.add(JobEvent(job_id=job_id, actor="system", kind=kind, detail=detail, at=now))


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "techfriends.invalid"


async def run_mail_sender(
    sender: MailSender, stopping: asyncio.Event, poll_seconds: float = POLL_SECONDS
) -> None:
    """Send due mails every `poll_seconds` until `stopping`; purge old ones now and then.

    Looking is one read-only query: a round with nothing to send writes nothing.
    """
    purged_at: datetime | None = None
    while not stopping.is_set():
        try:
            await sender.send_due()
            now = sender.clock()
            if purged_at is None or now - purged_at >= PURGE_EVERY:
                await sender.purge()
                purged_at = now
        except Exception:
            # The database away for a moment must not end the sender: the rows are the truth.
            log.exception("customer mail round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=poll_seconds)
