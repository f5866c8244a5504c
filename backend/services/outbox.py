"""Every message to a Friend goes through here: window check, outbox, retries, rate limit.

`enqueue` adds the message to the caller's transaction, so the message exists exactly when the
change it reports (an offer, a claim) is committed. `deliver_due` sends what is due, the oldest
open message of each person first, so nobody's messages overtake each other.

The rules are the customers' outbox's (bot/messenger_outbox.py): both judge an attempt with
messenger_platform/send_policy.py's `outcome` and pause with its `pause`. The rows are not
shared: the bot runs in .venv-bot (Rasa pins SQLAlchemy 1.4) with its own store, while here the
row is written in the caller's SQLAlchemy 2 transaction and its outcome updates the offer.

Friends on WhatsApp (chat id "wa-<wa_id>") get the same messages: each Messenger-shaped message
becomes WhatsApp bodies when it is queued (whatsapp_platform/from_messenger.py), one row each,
and an answer to one is judged by whatsapp_platform/errors.py. An offer may carry its approved
template: sent at once outside the 24-hour window, and kept as the row's fallback inside it in
case Meta answers 131047 (the window closed meanwhile). Meta's statuses for what went out
(sent, delivered, read, failed) arrive by webhook: `record_statuses`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Update, case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.orm import (
    Friend,
    FriendConversation,
    MessengerContact,
    Offer,
    OutboxMessage,
    SupportAlert,
    utcnow,
)
from backend.domain.statuses import OfferStatus
from backend.friends_chat.texts import text
from backend.observability.metrics import OFFERS, OUTBOX_ATTEMPTS
from backend.services.outbox_causes import next_cause
from messenger_platform import send_policy
from messenger_platform.send_policy import OutsideWindowError, RateLimiter, within_window
from product.languages import first_of
from whatsapp_platform import errors as wa_errors
from whatsapp_platform import outbound as wa_outbound
from whatsapp_platform.from_messenger import convert
from whatsapp_platform.ids import wa_id_of

log = logging.getLogger(__name__)

FRIENDS_PAGE = "friends"
# Longer than a round may take (the transport gives up on a send after 20 s).
SEND_LEASE = timedelta(seconds=60)
ROUND_SIZE = 100
# Sends in flight at once: ten offers of a wave go out in about one Graph round trip.
SEND_CONCURRENCY = 10
Transport = Callable[[dict[str, Any]], Awaitable[tuple[int, dict[str, Any]]]]


async def record_inbound(
    session: AsyncSession, page: str, senders: set[str], now: datetime
) -> None:
    """Each sender just wrote: their 24-hour window starts now."""
    if not senders:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(MessengerContact).values(
        [{"page": page, "psid": s, "last_inbound_at": now} for s in sorted(senders)]
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["page", "psid"],
            set_={"last_inbound_at": statement.excluded.last_inbound_at},
        )
    )


async def can_message(session: AsyncSession, page: str, psid: str, now: datetime) -> bool:
    last = await session.scalar(
        select(MessengerContact.last_inbound_at).where(
            MessengerContact.page == page, MessengerContact.psid == psid
        )
    )
    return within_window(last, now)


async def enqueue(
    session: AsyncSession,
    page: str,
    recipient: str,
    message: dict[str, Any],
    now: datetime,
    offer_id: int | None = None,
    template: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Add a RESPONSE message to the session (the caller commits); refuses outside the window,
    unless the recipient is on WhatsApp and an approved `template` says the same."""
    cause = next_cause()
    if cause is not None:
        earlier = await session.scalar(select(OutboxMessage).where(OutboxMessage.cause == cause))
        if earlier is not None:  # queued by an earlier handling of the same event
            return earlier
    open_window = await can_message(session, page, recipient, now)
    wa_id = wa_id_of(recipient)
    if wa_id is None or (not open_window and template is None):
        if not open_window:
            raise OutsideWindowError(f"{recipient} has not written to the {page} page in 24 hours")
        row = OutboxMessage(
            page=page,
            recipient=recipient,
            body={"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": message},
            offer_id=offer_id,
            created_at=now,
            next_attempt_at=now,
            cause=cause,
        )
        session.add(row)
        return row
    if open_window:
        bodies = _whatsapp_bodies(wa_id, message, await _list_button(session, recipient))
        fallback = template
    else:
        assert template is not None
        bodies, fallback = [template], None
    rows = [
        OutboxMessage(
            page=page,
            recipient=recipient,
            body=body,
            created_at=now,
            next_attempt_at=now,
            # The first row carries the cause the next handling looks for.
            cause=None if cause is None else cause if n == 0 else f"{cause}.{n}",
        )
        for n, body in enumerate(bodies)
    ]
    # The last body carries the question (an offer's buttons): it is the offer's message.
    rows[-1].offer_id, rows[-1].fallback = offer_id, fallback
    session.add_all(rows)
    return rows[-1]


def _whatsapp_bodies(wa_id: str, message: dict[str, Any], list_button: str) -> list[dict[str, Any]]:
    try:
        return convert(wa_id, message, list_button)
    except ValueError as exc:
        # A message the chat should never build: its words still reach the Friend.
        words = str(message.get("text") or message.get("attachment") or "")
        log.error("message to wa-%s has no WhatsApp form (%s); sent as text", wa_id, exc)
        return wa_outbound.text(wa_id, words)


async def _list_button(session: AsyncSession, recipient: str) -> str:
    """A list's button label in the language the Friend (or the sign-up) speaks."""
    languages = await session.scalar(
        select(Friend.languages).where(Friend.messenger_id == recipient)
    )
    if languages:
        return text("wa_list_button", first_of(languages))
    language = await session.scalar(
        select(FriendConversation.language).where(FriendConversation.psid == recipient)
    )
    return text("wa_list_button", first_of([language] if language else None))


def is_whatsapp(body: dict[str, Any]) -> bool:
    return body.get("messaging_product") == "whatsapp"


def transport(messenger: Transport, whatsapp: Transport | None) -> Transport:
    """One Transport for both channels' rows: each body names its own (see enqueue)."""

    async def send(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if not is_whatsapp(body):
            return await messenger(body)
        if whatsapp is None:
            # Failed for good (a 4xx): a number to configure, not an outage to wait out.
            message = "WhatsApp is not configured (FRIENDS_WHATSAPP_PHONE_NUMBER_ID/_TOKEN)"
            return 400, {"error": {"message": message}}
        return await whatsapp(body)

    return send


async def deliver_due(
    sessions: async_sessionmaker[AsyncSession],
    page: str,
    transport: Transport,
    limiter: RateLimiter,
    now: Callable[[], datetime] = utcnow,
    backoff: Callable[[int], float] = send_policy.backoff_seconds,
) -> int:
    """Send every message that is due now; returns how many went out.

    One round: lease the due messages in one conditional UPDATE (two backend processes never
    take the same message; a process that dies while sending leaves the lease to run out and
    the message is tried again), send them concurrently, at most SEND_CONCURRENCY at a time and
    within the rate limit, and store the outcomes as the answers come in: whatever has been
    answered while the previous outcomes were written goes into the next transaction. So a
    process killed mid-round sends again only what was in flight, not the whole round. A round
    holds only each person's oldest open message, so nobody's messages overtake each other.
    """
    started = now()
    async with sessions() as session:
        first_open = (
            select(func.min(OutboxMessage.id))
            .where(
                OutboxMessage.page == page,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
            )
            .group_by(OutboxMessage.recipient)
        )
        due = (
            select(OutboxMessage.id)
            .where(OutboxMessage.id.in_(first_open), OutboxMessage.next_attempt_at <= started)
            .order_by(OutboxMessage.id)
            .limit(ROUND_SIZE)
        )
        leased = (
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(due),
                    OutboxMessage.next_attempt_at <= started,
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.failed_at.is_(None),
                )
                .values(next_attempt_at=started + SEND_LEASE)
                .returning(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.body)
            )
        ).all()
        await session.commit()
    if not leased:
        return 0
    gate = asyncio.Semaphore(SEND_CONCURRENCY)

    async def send(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        async with gate:
            await limiter.acquire()
            return await transport(body)

    # Started in id order: the gate lets the oldest go first.
    sends = {
        asyncio.ensure_future(send(row.body)): row for row in sorted(leased, key=lambda r: r.id)
    }
    pending = set(sends)
    sent = 0
    try:
        while pending:
            answered, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            batch = sorted(((sends[t], t.result()) for t in answered), key=lambda p: p[0].id)
            sent += await _record(sessions, page, batch, now, backoff)
    finally:
        # A failed write ends the round: what is still in flight runs out its lease and is
        # tried again, as after a crash.
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    return sent


async def _record(
    sessions: async_sessionmaker[AsyncSession],
    page: str,
    batch: list[tuple[Row[Any], tuple[int, dict[str, Any]]]],
    now: Callable[[], datetime],
    backoff: Callable[[int], float],
) -> int:
    """Store the outcomes of answered sends in one transaction; returns how many went out."""
    results: list[str] = []
    offer_outcomes: dict[int, dict[str, Any]] = {}
    alerts: list[tuple[OutboxMessage, str, str]] = []
    async with sessions() as session:
        # Lock order matters on PostgreSQL: claims and cancellations lock offers, then their
        # outbox rows. Outcomes are written in the same order (offers first, no autoflush in
        # between), or the two deadlock. An offer's status changes only while it is queued, so
        # a withdrawal that won the race is never overwritten by "sent" or "failed".
        with session.no_autoflush:
            for row, (status, data) in batch:
                fresh = await session.get(OutboxMessage, row.id)
                if fresh is None:
                    continue
                if is_whatsapp(fresh.body):
                    outcome, alert = whatsapp_outcome(fresh, status, data, backoff)
                    if alert:
                        alerts.append((fresh, alert, outcome.error))
                else:
                    outcome = send_policy.outcome(status, data, fresh.attempts, backoff)
                results.append(outcome.result)
                offer_outcome = _apply(fresh, outcome, now())
                if fresh.offer_id is not None and offer_outcome is not None:
                    offer_outcomes[fresh.offer_id] = offer_outcome
            for offer_id in sorted(offer_outcomes):
                statement = _offer_update(offer_id, offer_outcomes[offer_id])
                await session.execute(statement.execution_options(synchronize_session=False))
            for message, kind, error in alerts:
                await support_alert(session, message, kind, error, now())
        await session.commit()
    # Counted once committed: outcomes lost to a crash are sent again, not counted twice.
    for result in results:
        OUTBOX_ATTEMPTS.labels(page, result).inc()
    for offer_outcome in offer_outcomes.values():
        OFFERS.labels(offer_outcome["status"]).inc()
    return results.count("sent")


# What a WhatsApp error asks of support (whatsapp_platform/errors.py's Action).
ALERTS = {
    wa_errors.Action.ALERT_SUPPORT: "friend_not_reachable",
    wa_errors.Action.ALERT_NEVER_RETRY: "whatsapp_template_broken",
}


def whatsapp_outcome(
    message: OutboxMessage,
    status: int | None,
    data: dict[str, Any],
    backoff: Callable[[int], float] = send_policy.backoff_seconds,
) -> tuple[send_policy.Outcome, str]:
    """One attempt of a WhatsApp row judged by Meta's codes: (the outcome, the kind of support
    alert it calls for or ""). `status` None: a `failed` status from the webhook. 131047 with a
    template fallback swaps the row's body for the template and sends it at once; the rate
    limits and Meta's failures wait (errors.retry_in) up to MAX_ATTEMPTS; a broken template is
    never retried."""
    code, subcode, words = send_policy.graph_error(data)
    action = wa_errors.classify(status, code, subcode)
    if action is wa_errors.Action.SENT:
        wamid = _wamid(data)
        if wamid is not None and wamid != message.wa_message_id:
            # Sent again (after a `failed` status): the new message's statuses start afresh.
            message.wa_message_id, message.wa_status, message.wa_status_at = wamid, None, None
        return send_policy.Outcome("sent"), ""
    error = f"{status if status is not None else 'failed status'} {code}/{subcode}: {words}"
    if action is wa_errors.Action.USE_TEMPLATE and message.fallback:
        message.body, message.fallback = message.fallback, None
        return send_policy.Outcome("retry", error, timedelta(0)), ""
    if action.retries and message.attempts + 1 < send_policy.MAX_ATTEMPTS:
        wait = (
            wa_errors.retry_in(action, message.attempts)
            if backoff is send_policy.backoff_seconds
            else wa_errors.retry_in(action, message.attempts, lambda n, base=1.0: backoff(n))
        )
        assert wait is not None
        return send_policy.Outcome("retry", error, wait), ""
    return send_policy.Outcome("failed", error), ALERTS.get(action, "")


def _wamid(data: dict[str, Any]) -> str | None:
    sent = data.get("messages")
    first = sent[0] if isinstance(sent, list) and sent else None
    wamid = first.get("id") if isinstance(first, dict) else None
    return wamid if isinstance(wamid, str) and len(wamid) <= 128 else None


async def support_alert(
    session: AsyncSession, message: OutboxMessage, kind: str, error: str, at: datetime
) -> None:
    """Support must act: the Friend cannot be reached on WhatsApp (phone them), or a template
    is broken (fix it at Meta). Names the Friend and, for an offer, the job."""
    friend = (
        await session.execute(
            select(Friend.id, Friend.name).where(Friend.messenger_id == message.recipient)
        )
    ).first()
    offer = await session.get(Offer, message.offer_id) if message.offer_id is not None else None
    detail: dict[str, Any] = {"recipient": message.recipient, "error": error}
    if friend is not None:
        detail["friend"] = friend.name
    template = message.body.get("template") if isinstance(message.body, dict) else None
    if isinstance(template, dict):
        detail["template"] = template.get("name")
    session.add(
        SupportAlert(
            kind=kind,
            job_id=offer.job_id if offer is not None else None,
            friend_id=friend.id if friend is not None else None,
            detail=detail,
            created_at=at,
        )
    )
    log.error(
        "outbox %s to %s: support alerted (%s): %s", message.id, message.recipient, kind, error
    )


def _apply(
    message: OutboxMessage, outcome: send_policy.Outcome, at: datetime
) -> dict[str, Any] | None:
    """Write one attempt's outcome on its row; what its offer becomes (None: unchanged)."""
    message.attempts += 1
    if outcome.result == "sent":
        message.sent_at = at
        # A withdrawal while the send was in flight marked it "not sent"; Meta took it, and
        # what went out is what the record says.
        message.failed_at = None
        return {"status": OfferStatus.SENT, "sent_at": at}
    message.error = outcome.error
    if outcome.result == "retry":
        message.next_attempt_at = at + outcome.retry_in
        log.warning("outbox %s to %s: %s; retrying", message.id, message.recipient, outcome.error)
        return None
    message.failed_at = at
    log.error("outbox %s to %s failed: %s", message.id, message.recipient, outcome.error)
    return {"status": OfferStatus.FAILED, "error": outcome.error}


def _offer_update(offer_id: int, outcome: dict[str, Any]) -> Update:
    if outcome["status"] == OfferStatus.SENT:
        # Withdrawn while in flight: it stays withdrawn, but the Friend has seen it, so the
        # record says when it went out.
        return (
            update(Offer)
            .where(
                Offer.id == offer_id,
                Offer.status.in_((OfferStatus.QUEUED, OfferStatus.WITHDRAWN)),
                Offer.sent_at.is_(None),
            )
            .values(
                status=case(
                    (Offer.status == OfferStatus.QUEUED, OfferStatus.SENT), else_=Offer.status
                ),
                sent_at=outcome["sent_at"],
            )
        )
    # Only an offer still waiting for its message takes the outcome (the table's queued →
    # failed); one claimed or withdrawn meanwhile keeps what happened to it.
    return (
        update(Offer)
        .where(Offer.id == offer_id, Offer.status == OfferStatus.QUEUED)
        .values(**outcome)
    )


async def next_due_in(
    sessions: async_sessionmaker[AsyncSession],
    page: str,
    now: Callable[[], datetime] = utcnow,
) -> float | None:
    async with sessions() as session:
        due = await session.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.page == page,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
            )
        )
    return None if due is None else max(0.0, (due - now()).total_seconds())


async def run(
    sessions: async_sessionmaker[AsyncSession],
    page: str,
    transport: Transport,
    wakeup: asyncio.Event,
    stopping: asyncio.Event,
    clock: Callable[[], datetime] = utcnow,
) -> None:
    limiter = RateLimiter()
    while not stopping.is_set():
        wakeup.clear()
        try:
            await deliver_due(sessions, page, transport, limiter, now=clock)
            wait = await next_due_in(sessions, page, clock)
        except Exception:  # the loop must outlive a bad row or a database hiccup
            log.exception("outbox round failed")
            wait = None
        await send_policy.pause(wakeup, stopping, wait)
