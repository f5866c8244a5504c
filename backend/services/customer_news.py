"""Telling a customer what happened to their job, through the bot (Rasa's trigger_intent).

A notice is stored by `store_notice` in the transaction of the change it reports (a claim, a
missed deadline, a completion), so it exists exactly when the change does. `NoticeSender` sends
what is due: right after that commit for the job at hand, and in every deadline sweep for
whatever is left (Rasa was away, or the process died in between). Each notice carries its
unique id to the bot as the entity `notice_id`; a notice whose earlier attempt may have reached
the bot (a timeout, a process killed mid-send) is looked up in the conversation's tracker first,
so it is not told twice. After MAX_ATTEMPTS, or when Rasa refuses it for good, support gets a
`customer_not_told` alert to tell the customer themselves.

WhatsApp customers hear the news through the bot while their 24-hour window is open (with a
margin, so the window does not close while the bot's turn runs); otherwise the backend sends
the notice's approved template itself (backend/whatsapp/news.py), and Meta's answer decides:
sent → told; a rate limit or a failure on Meta's side → the same notice later; not deliverable,
a broken template or a refusal → support is alerted, never a retry loop. (A template whose
answer never came is sent again: Meta has no idempotency key, and a repeated piece of news is
better than a lost one.)
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import Customer, CustomerNotice, Friend, Job, SupportAlert, utcnow
from backend.adapters.rasa import NOTICE_ENTITY, Delivery, RasaClient, TemplateResult
from backend.adapters.sweeping import next_untried
from backend.domain.friends import first_name as friend_first_name
from backend.services.customer_mail import queue_customer_mail
from backend.services.jobs import record_event
from messenger_platform.send_policy import backoff_seconds
from product.channels import WHATSAPP
from product.languages import DEFAULT_LANGUAGE
from whatsapp_platform.errors import Action

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # with the 5-minute cap, Rasa may be away for about a quarter of an hour
# Longer than one attempt may take (tracker look-up 15 s, trigger_intent 30 s): while it runs,
# no other process takes the notice; if the process dies, the lease runs out and one does.
LEASE = timedelta(seconds=60)
# After an attempt that got no answer, the next one asks the tracker first. Rasa saves the
# tracker only when the turn ends, so the question waits until a turn still running then
# (a busy bot; Rasa's conversation lock lives 60 s) would have ended.
UNCERTAIN_WAIT = timedelta(minutes=2)
BATCH = 200
# The bot tells a WhatsApp customer only while their window stays open this long still: its
# turn (and a retry of it) must not end after the window closed (Meta: error 131047).
WINDOW_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class _Outcome:
    """How an attempt ended; `via` and `reason` go into the event and the alert, `wait`
    overrides the backoff before the next attempt."""

    delivery: Delivery
    via: str = "bot"
    reason: str = ""
    template: str = ""
    wait: timedelta | None = None


def _of_template(result: TemplateResult) -> _Outcome:
    if result.action is Action.SENT:
        delivery = Delivery.DELIVERED
    elif result.action.retries:
        delivery = Delivery.RETRY
    else:  # not deliverable, a template error, refused: a person must tell them
        delivery = Delivery.REFUSED
    return _Outcome(delivery, "whatsapp_template", result.reason, result.template, result.wait)


def first_name(friend: Friend | None) -> str:
    return friend_first_name(friend.name) if friend else ""


def friend_news(job: Job, friend: Friend | None) -> dict[str, Any]:
    """The entities of a notice about the job and its Friend (by first name only)."""
    return {"job_reference": job.reference, "friend_name": first_name(friend)}


def cancelled_news(job: Job, by: str) -> dict[str, Any]:
    """The entities of EXTERNAL_job_cancelled: who cancelled ("support", "partner",
    "customer"), without the staff member's address the console's actor carries."""
    return {"job_reference": job.reference, "cancelled_by": by.split(":", 1)[0]}


def assigned_news(job: Job, friend: Friend) -> dict[str, Any]:
    """The entities of EXTERNAL_friend_assigned: the bot's rules tell with or without a rating."""
    entities = friend_news(job, friend)
    if friend.rating is not None:
        entities["friend_rating"] = f"{friend.rating:.1f}"
    return entities


async def store_notice(
    session: AsyncSession, job: Job, intent: str, entities: dict[str, Any], now: datetime
) -> CustomerNotice:
    """Add the notice to the caller's transaction (the caller commits). It goes back through
    the customer's own channel, into their conversation."""
    customer = await session.get(Customer, job.customer_id)
    notice = CustomerNotice(
        notice_id=uuid.uuid4().hex,
        job_id=job.id,
        channel=customer.channel if customer else job.channel,
        conversation_id=customer.channel_id if customer else "",
        intent=intent,
        entities=entities,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        error="",
    )
    session.add(notice)
    await queue_customer_mail(session, job, customer, intent, entities, now)
    return notice


@dataclass(frozen=True)
class _Leased:
    id: int
    notice_id: str
    job_id: int
    channel: str
    conversation_id: str
    intent: str
    entities: dict[str, Any]
    attempts: int


@dataclass
class NoticeSender:
    sessions: async_sessionmaker[AsyncSession]
    rasa: RasaClient
    clock: Callable[[], datetime] = utcnow
    backoff: Callable[[int], float] = field(default=backoff_seconds)

    async def send_due(self, job_id: int | None = None, limit: int = BATCH) -> int:
        """Send the due notices (of one job, or all); returns how many reached the bot."""
        told = 0
        tried: set[int] = set()
        while len(tried) < limit:
            leased = await self._lease(job_id, tried)
            if leased is None:
                break
            tried.add(leased.id)
            if await self._send(leased):
                told += 1
        return told

    async def _lease(self, job_id: int | None, tried: set[int]) -> _Leased | None:
        """Take the next due notice for one attempt; None when nothing is due."""
        while True:
            now = self.clock()
            async with self.sessions() as session:
                query = (
                    select(CustomerNotice)
                    .where(
                        CustomerNotice.status == "pending", CustomerNotice.next_attempt_at <= now
                    )
                    .order_by(CustomerNotice.next_attempt_at, CustomerNotice.id)
                    .limit(1)
                )
                if job_id is not None:
                    query = query.where(CustomerNotice.job_id == job_id)
                row = await next_untried(session, query, CustomerNotice.id, tried)
                if row is None:
                    return None
                # The conditional UPDATE is the claim (on SQLite the only one): just one process
                # moves on the attempt time it saw.
                attempts = await session.scalar(
                    update(CustomerNotice)
                    .where(
                        CustomerNotice.id == row.id,
                        CustomerNotice.status == "pending",
                        CustomerNotice.next_attempt_at == row.next_attempt_at,
                    )
                    .values(next_attempt_at=now + LEASE, attempts=CustomerNotice.attempts + 1)
                    .returning(CustomerNotice.attempts)
                )
                leased = _Leased(
                    row.id,
                    row.notice_id,
                    row.job_id,
                    row.channel,
                    row.conversation_id,
                    row.intent,
                    dict(row.entities),
                    attempts or 0,
                )
                await session.commit()
            if attempts is not None:
                return leased

    async def _send(self, notice: _Leased) -> bool:
        outcome: _Outcome | None = None
        conversation = notice.conversation_id
        if notice.attempts > 1 and await self.rasa.has_notice(conversation, notice.notice_id):
            outcome = _Outcome(Delivery.DELIVERED)
            log.info("notice %s had reached the bot already", notice.notice_id)
        if outcome is None and self._by_template(notice):
            now = self.clock()
            if not await self.rasa.window_open(notice.channel, conversation, now + WINDOW_MARGIN):
                outcome = await self._send_template(notice)
        if outcome is None and not await self.rasa.can_reach(
            notice.channel, conversation, self.clock()
        ):
            outcome = _Outcome(Delivery.UNREACHABLE)
        if outcome is None:
            delivery = await self.rasa.trigger_intent(
                conversation,
                notice.intent,
                {**notice.entities, NOTICE_ENTITY: notice.notice_id},
                notice.channel,
            )
            outcome = _Outcome(delivery)
        await self._record(notice, outcome)
        return outcome.delivery is Delivery.DELIVERED

    def _by_template(self, notice: _Leased) -> bool:
        """May this notice go as a WhatsApp template (when the window is not surely open)?"""
        news = self.rasa.whatsapp_news
        return notice.channel == WHATSAPP and news is not None and news.tells(notice.intent)

    async def _send_template(self, notice: _Leased) -> _Outcome:
        news = self.rasa.whatsapp_news
        assert news is not None  # _by_template said so
        async with self.sessions() as session:
            language = await session.scalar(
                select(Customer.language)
                .join(Job, Job.customer_id == Customer.id)
                .where(Job.id == notice.job_id)
            )
        result = await news.tell(
            notice.conversation_id,
            language or DEFAULT_LANGUAGE,
            notice.intent,
            notice.entities,
            notice.notice_id,
            notice.attempts - 1,
        )
        return _of_template(result)

    async def _record(self, notice: _Leased, outcome: _Outcome) -> None:
        now = self.clock()
        delivery = outcome.delivery
        async with self.sessions() as session:
            row = await session.get(CustomerNotice, notice.id, with_for_update=True)
            job = await session.get(Job, notice.job_id)
            if row is None or job is None or row.status != "pending":
                return
            if row.attempts != notice.attempts and delivery is not Delivery.DELIVERED:
                return  # this attempt overran its lease; the newer one decides what comes next
            detail = {"intent": notice.intent, **notice.entities, "notice": notice.notice_id}
            if outcome.template:
                detail |= {"via": outcome.via, "template": outcome.template}
            if delivery is Delivery.DELIVERED:
                row.status, row.sent_at = "sent", now
                record_event(session, job, "system", "customer_told", **detail)
            elif delivery in (Delivery.REFUSED, Delivery.UNREACHABLE) or (
                notice.attempts >= MAX_ATTEMPTS
            ):
                row.status = "failed"
                row.error = f"{delivery.value} after {notice.attempts} attempts"
                if outcome.reason:
                    row.error += f" ({outcome.reason})"
                session.add(
                    SupportAlert(
                        kind="customer_not_told",
                        job_id=job.id,
                        # Why: refused, unreachable (a phone call is the way left), tries; for
                        # a template, Meta's error too.
                        detail={
                            "reference": job.reference,
                            **detail,
                            "reason": delivery.value,
                            **({"error": outcome.reason} if outcome.reason else {}),
                        },
                        created_at=now,
                    )
                )
                record_event(session, job, "system", "customer_not_told", **detail)
                log.error("notice %s for job %s given up", notice.notice_id, job.reference)
            else:
                row.error = f"{delivery.value} at attempt {notice.attempts}"
                if outcome.reason:
                    row.error += f" ({outcome.reason})"
                wait = outcome.wait or timedelta(seconds=self.backoff(notice.attempts - 1))
                if delivery is Delivery.UNCERTAIN:
                    wait = max(wait, UNCERTAIN_WAIT)
                row.next_attempt_at = now + wait
            await session.commit()
