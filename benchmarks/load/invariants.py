"""The load test's invariants: the run's jobs, assignments and offers in the database against
what Meta (the fake Graph API) saw.

- every confirmed booking (the customer was sent the reference) is exactly one job, and every
  job of the run was confirmed to its customer;
- every job has at most one active assignment (one offer won, the assigned Friend's, one
  `claimed` event, one Friend told "it is yours");
- every offer the backend sent is recorded (offers table vs. the offers the Friends received),
  none sent twice, none left undelivered.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Customer as CustomerRow
from backend.adapters.orm import Friend, Job, JobEvent, Offer
from benchmarks.load.graph import CONFIRMED, REFERENCE, Call
from tests.e2e.conversation import buttons, is_message, text


@dataclass
class Observed:
    """What the fake Graph API saw during the run, the side of the invariants outside the DB."""

    confirmations: dict[str, set[str]]  # customer psid → references in confirmation messages
    offer_sends: Counter[tuple[str, str]]  # (reference, Friend) → offer messages
    won_told: dict[str, set[str]]  # reference → Friends told the job is theirs


@dataclass
class Invariants:
    violations: list[str]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.violations


@dataclass
class Stored:
    """The run's side of the invariants in the database."""

    jobs: dict[int, tuple[Job, str]]  # job id → (job, customer psid)
    offers: list[tuple[Offer, str]]  # (offer, the Friend's messenger id)
    claimed_events: dict[int, int]  # job id → `claimed` events
    friend_ids: dict[int, str]  # Friend id → messenger id


def observe(calls: Iterable[Call], prefix: str, friends: set[str]) -> Observed:
    confirmations: dict[str, set[str]] = defaultdict(set)
    offer_sends: Counter[tuple[str, str]] = Counter()
    won_told: dict[str, set[str]] = defaultdict(set)
    for call in calls:
        if not is_message(call):
            continue
        recipient = str(call.get("recipient") or "")
        said = text(call)
        if recipient.startswith(f"{prefix}-c") and CONFIRMED.search(said):
            confirmations[recipient].update(REFERENCE.findall(said))
        for payload in buttons(call):
            action, _, reference = payload.partition(":")
            if action == "CLAIM":
                offer_sends[(reference, recipient)] += 1
            elif action == "CONTACTED" and recipient in friends:
                won_told[reference].add(recipient)
    return Observed(dict(confirmations), offer_sends, dict(won_told))


# --- the database's side --------------------------------------------------------------------


# --- the database's side --------------------------------------------------------------------


async def queued_offers(database_url: str, prefix: str) -> int:
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            count = await session.scalar(
                select(func.count(Offer.id))
                .join(Job, Job.id == Offer.job_id)
                .join(CustomerRow, CustomerRow.id == Job.customer_id)
                .where(CustomerRow.channel_id.like(f"{prefix}-c%"), Offer.status == "queued")
            )
            return int(count or 0)
    finally:
        await engine.dispose()


async def check_invariants(database_url: str, prefix: str, observed: Observed) -> Invariants:
    """The run's jobs, assignments and offers in the database against what Meta saw."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            stored = await _stored(session, prefix)
    finally:
        await engine.dispose()
    references = {job.reference for job, _ in stored.jobs.values()}
    sends = {k: n for k, n in observed.offer_sends.items() if k[0] in references}
    violations = _booking_violations(stored, observed)
    assigned, assignment_violations = _assignments(stored, observed)
    violations += assignment_violations + _offer_violations(stored, sends)
    statuses = Counter(o.status for o, _ in stored.offers)
    counts = {
        "jobs": len(stored.jobs),
        "confirmed_bookings": len(observed.confirmations),
        "assigned_jobs": assigned,
        "offers_recorded": len(stored.offers),
        "offers_sent_to_meta": sum(sends.values()),
        **{f"offers_{status}": n for status, n in sorted(statuses.items())},
    }
    return Invariants(violations, counts)


async def _stored(session: AsyncSession, prefix: str) -> Stored:
    rows = (
        await session.execute(
            select(Job, CustomerRow.channel_id)
            .join(CustomerRow, CustomerRow.id == Job.customer_id)
            .where(CustomerRow.channel_id.like(f"{prefix}-c%"))
        )
    ).all()
    jobs = {job.id: (job, psid) for job, psid in rows}
    offers = (
        await session.execute(
            select(Offer, Friend.messenger_id)
            .join(Friend, Friend.id == Offer.friend_id)
            .where(Offer.job_id.in_(list(jobs)))
        )
    ).all()
    claimed_events = dict(
        (
            await session.execute(
                select(JobEvent.job_id, func.count(JobEvent.id))
                .where(JobEvent.job_id.in_(list(jobs)), JobEvent.kind == "claimed")
                .group_by(JobEvent.job_id)
            )
        ).all()
    )
    friend_ids = dict((await session.execute(select(Friend.id, Friend.messenger_id))).all())
    return Stored(jobs, [(o, m) for o, m in offers], claimed_events, friend_ids)


def _booking_violations(stored: Stored, observed: Observed) -> list[str]:
    """Every confirmed booking is exactly one job; no job its customer never heard of."""
    violations: list[str] = []
    jobs_of: dict[str, list[Job]] = defaultdict(list)
    for job, psid in stored.jobs.values():
        jobs_of[psid].append(job)
    for psid, sent in sorted(observed.confirmations.items()):
        mine = jobs_of.get(psid, [])
        if len(mine) != 1:
            refs = ", ".join(sorted(j.reference for j in mine)) or "none"
            violations.append(
                f"confirmed booking of {psid} ({', '.join(sorted(sent))}) "
                f"is {len(mine)} jobs: {refs}"
            )
        elif sent != {mine[0].reference}:
            violations.append(f"{psid} was told {sorted(sent)} but the job is {mine[0].reference}")
    for psid, mine in sorted(jobs_of.items()):
        if psid not in observed.confirmations:
            violations.append(f"{psid} has {len(mine)} job(s) but was never sent a reference")
    return violations


def _assignments(stored: Stored, observed: Observed) -> tuple[int, list[str]]:
    """At most one active assignment per job, and the same one everywhere: (assigned jobs,
    violations)."""
    violations: list[str] = []
    won_by_job: dict[int, list[str]] = defaultdict(list)
    for offer, messenger_id in stored.offers:
        if offer.status == "won":
            won_by_job[offer.job_id].append(messenger_id)
    assigned = 0
    for job_id, (job, _) in sorted(stored.jobs.items()):
        winners = sorted(won_by_job.get(job_id, []))
        holder = stored.friend_ids.get(job.assigned_friend_id) if job.assigned_friend_id else None
        told: list[str] = sorted(observed.won_told.get(job.reference, set()))
        if holder is not None:
            assigned += 1
        if len(winners) > 1:
            violations.append(f"job {job.reference} has {len(winners)} won offers: {winners}")
        if winners != ([holder] if holder is not None else []):
            violations.append(f"job {job.reference}: assigned to {holder}, won offers {winners}")
        if job.status in ("assigned", "contacted", "completed") and holder is None:
            violations.append(f"job {job.reference} is {job.status} without a Friend")
        if stored.claimed_events.get(job_id, 0) > 1:
            claims = stored.claimed_events[job_id]
            violations.append(f"job {job.reference} was claimed {claims} times")
        if len(told) > 1 or (told and told[0] != holder):
            violations.append(
                f"job {job.reference}: Friends told it is theirs {told}, holder {holder}"
            )
    return assigned, violations


def _offer_violations(stored: Stored, sends: dict[tuple[str, str], int]) -> list[str]:
    """Every offer made is recorded, sent once, and none is left undelivered."""
    violations: list[str] = []
    recorded = {(stored.jobs[o.job_id][0].reference, m): o for o, m in stored.offers}
    for (reference, friend), n in sorted(sends.items()):
        row = recorded.get((reference, friend))
        if row is None:
            violations.append(f"offer of {reference} to {friend} was sent but is not recorded")
        elif row.sent_at is None:
            violations.append(
                f"offer of {reference} to {friend} was sent, recorded {row.status} without sent_at"
            )
        if n > 1:
            violations.append(f"offer of {reference} to {friend} was sent {n} times")
    for (reference, friend), offer in sorted(recorded.items()):
        if offer.sent_at is not None and (reference, friend) not in sends:
            violations.append(
                f"offer of {reference} to {friend} is recorded sent but never reached Meta"
            )
        if offer.status == "queued":
            violations.append(f"offer of {reference} to {friend} is still queued")
    return violations
