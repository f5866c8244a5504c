"""What happens when a Friend writes to or taps a button on the Friends' page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.messenger import button_message, postback_button, text_message
from backend.adapters.orm import Customer, Friend, Job, utcnow
from backend.adapters.rasa import RasaClient
from backend.domain.claims import ClaimOutcome
from backend.services import claims, outbox
from backend.services.jobs import record_event
from backend.services.outbox import FRIENDS_PAGE
from backend.texts import text
from messenger_platform.events import InboundEvent
from messenger_platform.send_policy import OutsideWindowError

log = logging.getLogger(__name__)

_REFUSALS = {
    ClaimOutcome.ALREADY_TAKEN: "already_taken",
    ClaimOutcome.NOT_OFFERED: "not_offered",
    ClaimOutcome.NOT_ACTIVE: "not_active",
    ClaimOutcome.NO_SUCH_JOB: "no_such_job",
}


@dataclass
class FriendChat:
    sessions: async_sessionmaker[AsyncSession]
    wake_outbox: Callable[[], None]
    rasa: RasaClient

    async def say(self, recipient: str, message: dict[str, Any]) -> None:
        """Queue a reply; the person just wrote, so their window is open."""
        async with self.sessions() as session:
            try:
                await outbox.enqueue(session, FRIENDS_PAGE, recipient, message, utcnow())
            except OutsideWindowError as exc:
                log.error("reply not queued: %s", exc)
                return
            await session.commit()
        self.wake_outbox()

    async def say_text(self, recipient: str, body: str) -> None:
        await self.say(recipient, text_message(body))

    async def handle(self, event: InboundEvent) -> None:
        async with self.sessions() as session:
            friend = await session.scalar(
                select(Friend).where(Friend.messenger_id == event.sender_id)
            )
        language = friend.languages[0] if friend and friend.languages else "de"
        if friend is None:
            await self.say_text(event.sender_id, text("unknown_friend", language))
            return
        action, _, reference = event.payload.partition(":")
        if event.kind in ("postback", "quick_reply") and reference:
            if action == "CLAIM":
                await self._claim(event.sender_id, reference, language)
                return
            if action == "DECLINE":
                async with self.sessions() as session:
                    await claims.decline_offer(session, reference, event.sender_id)
                await self.say_text(
                    event.sender_id, text("declined", language, reference=reference)
                )
                return
            if action == "CONTACTED":
                async with self.sessions() as session:
                    ok = await claims.mark_contacted(session, reference, event.sender_id)
                key = "contacted" if ok else "contacted_refused"
                await self.say_text(event.sender_id, text(key, language, reference=reference))
                return
        await self.say_text(event.sender_id, text("help", language))

    async def _claim(self, sender_id: str, reference: str, language: str) -> None:
        async with self.sessions() as session:
            result = await claims.claim_job(session, reference, sender_id)
            if result.outcome is not ClaimOutcome.WON or result.job is None:
                key = _REFUSALS.get(result.outcome, "already_taken")
                await self.say_text(sender_id, text(key, language, reference=reference.upper()))
                return
            job, friend = result.job, result.friend
            customer = await session.get(Customer, job.customer_id)
        assert friend is not None and customer is not None
        address = ", ".join(p for p in (job.street, f"{job.postal_code} {job.city}") if p)
        await self.say(
            sender_id,
            button_message(
                text(
                    "won",
                    language,
                    reference=job.reference,
                    name=customer.name,
                    phone=customer.phone,
                    address=address,
                ),
                [postback_button(text("button_contacted", language), f"CONTACTED:{job.reference}")],
            ),
        )
        if not result.repeat:
            await self._tell_customer(job, friend, customer)

    async def _tell_customer(self, job: Job, friend: Friend, customer: Customer) -> None:
        entities: dict[str, str] = {
            "friend_name": friend.name.split()[0],
            "job_reference": job.reference,
        }
        if friend.rating is not None:
            entities["friend_rating"] = f"{friend.rating:.1f}"
        delivered = await self.rasa.trigger_intent(
            customer.psid, "EXTERNAL_friend_assigned", entities
        )
        async with self.sessions() as session:
            fresh = await session.get(Job, job.id)
            if fresh is not None:
                record_event(
                    session,
                    fresh,
                    "system",
                    "customer_told" if delivered else "customer_not_told",
                    friend=friend.name,
                )
                await session.commit()
