"""A job is completed: the money settled into the ledger, the invoice issued, the job closed.

One code path (`complete`) for the Friend's "done" in chat (`complete_job`), the console and
`POST /api/v1/jobs/{reference}/completion` (`complete_booked`): in one transaction the job
moves to completed, the ledger gets the job's settlement summary (`LedgerEntry`: price,
commission, payout, paid via), the invoice is composed and issued with its gapless number and
its journal entry (backend/services/invoices.py), and the customer's news is stored. A job has
at most one invoice (a unique index); a repeated completion through the API returns it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Customer, Friend, Job, JobEvent, LedgerEntry
from backend.billing.accounts import BillingSettings
from backend.billing.journal import PaidVia
from backend.billing.orm import Invoice
from backend.billing.qr import Payment
from backend.domain.deadlines import DeadlinePolicy
from backend.domain.money import MAX_EXTRA_MINUTES, Money, Settlement, settle_money
from backend.domain.packages import Package
from backend.domain.statuses import WITH_FRIEND, JobStatus
from backend.services.claims import held_job
from backend.services.customer_news import friend_news, store_notice
from backend.services.invoices import customer_news, issue_job_invoice
from backend.services.jobs import move_job, record_event

# The job's log remembers the package chosen, so a number typed next finds its job.
PACKAGE_CHOSEN = "done_package_chosen"
# The ledger's word for a job the customer paid the Friend directly (its API says "cash").
LEDGER_PAID_VIA = {PaidVia.PLATFORM: "platform", PaidVia.DIRECT: "cash"}


class CompletionError(Exception):
    """Why the job cannot be completed like this (told to the Friend)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key  # a backend/friends_chat/texts.py key


@dataclass(frozen=True)
class Completed:
    job: Job
    friend: Friend
    customer: Customer
    settlement: Settlement
    currency: str
    invoice: Invoice | None = None
    payment: Payment | None = None
    # The job was completed before (an API retry): nothing new was issued.
    repeated: bool = False


def _settle(job: Job, package: Package, extra_minutes: int) -> tuple[Settlement, str]:
    """The money for the job in its country, and the currency; CompletionError if none."""
    price = package.prices.get(job.country)
    rate = package.extra_per_15_min.get(job.country)
    if price is None or (extra_minutes and rate is None):
        raise CompletionError("done_package_invalid")
    extra = Money(rate.amount, rate.currency) if rate else Money(Decimal(0), price.currency)
    # The ledger keeps this currency with the job's entry; a rate in another one is refused.
    return settle_money(Money(price.amount, price.currency), extra_minutes, extra), price.currency


async def complete_job(
    session: AsyncSession,
    reference: str,
    messenger_id: str,
    package: Package,
    extra_minutes: int,
    now: datetime,
    policy: DeadlinePolicy,
    paid_via: PaidVia = PaidVia.PLATFORM,
    billing: BillingSettings | None = None,
) -> Completed:
    """The Friend's own "done" (chat): only the Friend who holds the job; CompletionError when
    not possible."""
    job = await held_job(session, reference, messenger_id)
    if job is None:
        raise CompletionError("done_refused")
    actor = f"friend:{job.assigned_friend_id}"
    return await complete(
        session, job, package, extra_minutes, paid_via, actor, now, policy, billing
    )


async def complete_booked(
    session: AsyncSession,
    reference: str,
    packages: Mapping[str, Package],
    extra_minutes: int,
    paid_via: PaidVia,
    actor: str,
    now: datetime,
    policy: DeadlinePolicy,
    billing: BillingSettings | None = None,
) -> Completed | None:
    """Completion for the Friend by support (the API, the console): the package booked, the
    extra time given. None when there is no such job; a job completed before returns its
    invoice (`repeated`); CompletionError("done_refused") when nobody holds the job."""
    job = await session.scalar(select(Job).where(Job.reference == reference.upper()))
    if job is None:
        return None
    if job.status == JobStatus.COMPLETED:
        return await _repeated(session, job)
    if job.status not in WITH_FRIEND or job.assigned_friend_id is None:
        raise CompletionError("done_refused")
    package = packages.get(job.package)
    if package is None:
        raise CompletionError("done_package_invalid")
    try:
        return await complete(
            session, job, package, extra_minutes, paid_via, actor, now, policy, billing
        )
    except CompletionError as exc:
        if exc.key != "done_refused":
            raise
        # Completed by someone else in the meantime: theirs is the one invoice.
        job = await session.scalar(select(Job).where(Job.reference == reference.upper()))
        if job is not None and job.status == JobStatus.COMPLETED:
            return await _repeated(session, job)
        raise


async def _repeated(session: AsyncSession, job: Job) -> Completed:
    invoice = await session.scalar(select(Invoice).where(Invoice.invoiced_job_id == job.id))
    entry = await session.scalar(select(LedgerEntry).where(LedgerEntry.job_id == job.id))
    friend = await session.get(Friend, job.assigned_friend_id) if job.assigned_friend_id else None
    customer = await session.get(Customer, job.customer_id)
    if invoice is None or entry is None or friend is None or customer is None:
        # Completed before invoices existed: there is nothing to return, nor to issue now.
        raise CompletionError("done_refused")
    settlement = Settlement(entry.price, entry.commission, entry.payout)
    return Completed(job, friend, customer, settlement, entry.currency, invoice, repeated=True)


async def complete(
    session: AsyncSession,
    job: Job,
    package: Package,
    extra_minutes: int,
    paid_via: PaidVia,
    actor: str,
    now: datetime,
    policy: DeadlinePolicy,
    billing: BillingSettings | None = None,
) -> Completed:
    """Settle, invoice and complete the job a Friend holds, in one transaction."""
    if not 0 <= extra_minutes <= MAX_EXTRA_MINUTES:
        raise CompletionError("done_extra_invalid")
    settlement, currency = _settle(job, package, extra_minutes)
    done = await move_job(
        session,
        JobStatus.COMPLETED,
        Job.id == job.id,
        Job.assigned_friend_id == job.assigned_friend_id,
        completed_at=now,
        contact_reminder_at=None,
        contact_deadline_at=None,
        rating_reminder_at=now + policy.rating_reminder,
    )
    if done is None:  # cancelled or completed in the meantime
        await session.rollback()
        raise CompletionError("done_refused")
    assert job.assigned_friend_id is not None
    friend_id = job.assigned_friend_id
    _book(session, job, friend_id, package, extra_minutes, settlement, currency, now, paid_via)
    await session.execute(
        update(Friend)
        .where(Friend.id == friend_id)
        .values(completed_jobs=Friend.completed_jobs + 1)
    )
    friend = await session.get(Friend, friend_id)
    customer = await session.get(Customer, job.customer_id)
    assert friend is not None and customer is not None
    settings = billing or BillingSettings()
    invoice, payment = await issue_job_invoice(
        session,
        job,
        friend,
        customer,
        package,
        extra_minutes,
        settlement,
        paid_via,
        actor,
        now,
        settings,
    )
    news = friend_news(job, friend) | customer_news(job, invoice, customer, settings)
    await store_notice(session, job, "EXTERNAL_job_completed", news, now)
    await session.commit()
    await session.refresh(job)
    await session.refresh(friend)
    await session.refresh(customer)
    return Completed(job, friend, customer, settlement, currency, invoice, payment)


def _book(
    session: AsyncSession,
    job: Job,
    friend_id: int,
    package: Package,
    extra_minutes: int,
    settlement: Settlement,
    currency: str,
    now: datetime,
    paid_via: PaidVia,
) -> None:
    """The job's settlement summary (the ledger; the journal gets the invoice's entry beside
    it) and the job's log of the money, in the completion's transaction."""
    session.add(
        LedgerEntry(
            job_id=job.id,
            friend_id=friend_id,
            package=package.id,
            extra_minutes=extra_minutes,
            currency=currency,
            price=settlement.price,
            commission=settlement.commission,
            payout=settlement.payout,
            paid_via=LEDGER_PAID_VIA[paid_via],
            created_at=now,
        )
    )
    record_event(
        session,
        job,
        f"friend:{friend_id}",
        "completed",
        package=package.id,
        extra_minutes=extra_minutes,
        price=str(settlement.price),
        commission=str(settlement.commission),
        payout=str(settlement.payout),
        currency=currency,
        paid_via=str(paid_via),
    )


async def choose_package(
    session: AsyncSession, reference: str, messenger_id: str, package: Package | None
) -> Job:
    """Remember the package the Friend did, so that a number typed next is its extra time.

    CompletionError when the Friend does not hold the job or the package has no price there.
    """
    job = await held_job(session, reference, messenger_id)
    if job is None:
        raise CompletionError("done_refused")
    if package is None or job.country not in package.prices:
        raise CompletionError("done_package_invalid")
    record_event(
        session, job, f"friend:{job.assigned_friend_id}", PACKAGE_CHOSEN, package=package.id
    )
    await session.commit()
    return job


async def pending_completion(session: AsyncSession, messenger_id: str) -> tuple[str, str] | None:
    """(reference, package) of this Friend's job that waits for its extra time, if any.

    When a Friend has chosen the package, the next number they type is the extra time.
    """
    jobs = (
        await session.scalars(
            select(Job)
            .join(Friend, Job.assigned_friend_id == Friend.id)
            .where(Friend.messenger_id == messenger_id, Job.status.in_(WITH_FRIEND))
        )
    ).all()
    latest: tuple[int, str, str] | None = None
    for job in jobs:
        event = await session.scalar(
            select(JobEvent)
            .where(JobEvent.job_id == job.id, JobEvent.kind == PACKAGE_CHOSEN)
            .order_by(JobEvent.id.desc())
            .limit(1)
        )
        if event is not None and (latest is None or event.id > latest[0]):
            latest = (event.id, job.reference, str(event.detail.get("package", "")))
    return None if latest is None else (latest[1], latest[2])
