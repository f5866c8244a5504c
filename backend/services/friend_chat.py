"""What happens when a Friend writes to or taps a button on the Friends' page."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.messenger import button_message, postback_button, text_message
from backend.adapters.orm import Customer, Friend, Job, utcnow
from backend.adapters.rasa import RasaClient
from backend.domain.claims import ClaimOutcome
from backend.domain.deadlines import DeadlinePolicy
from backend.domain.money import format_money
from backend.domain.packages import Package
from backend.services import claims, completion, outbox
from backend.services.customer_news import tell_customer
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
EXTRA_CHOICES = (0, 15, 30, 60)
_MINUTES = re.compile(r"^\s*(\d{1,3})\s*(min\.?|minuten|minutes|m)?\s*$", re.IGNORECASE)


def quick_replies(body: str, choices: list[tuple[str, str]]) -> dict[str, Any]:
    """A text with up to 13 quick-reply chips (title ≤ 20 characters, Meta's limits)."""
    return {
        "text": body[:2000],
        "quick_replies": [
            {"content_type": "text", "title": title[:20], "payload": payload}
            for title, payload in choices[:13]
        ],
    }


def parse_minutes(raw: str) -> int | None:
    """Typed extra time: "45", "45 min", "30 Minuten" → minutes; anything else None."""
    match = _MINUTES.match(raw)
    return int(match.group(1)) if match else None


@dataclass
class FriendChat:
    sessions: async_sessionmaker[AsyncSession]
    wake_outbox: Callable[[], None]
    rasa: RasaClient
    packages: dict[str, Package] = field(default_factory=dict)
    deadlines: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    clock: Callable[[], datetime] = utcnow

    async def say(self, recipient: str, message: dict[str, Any]) -> None:
        """Queue a reply; the person just wrote, so their window is open."""
        async with self.sessions() as session:
            try:
                await outbox.enqueue(session, FRIENDS_PAGE, recipient, message, self.clock())
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
        action, _, argument = event.payload.partition(":")
        reference = argument.split(":", 1)[0]
        sender = event.sender_id
        if event.kind in ("postback", "quick_reply") and reference:
            if action == "CLAIM":
                await self._claim(sender, reference, language)
                return
            if action == "DECLINE":
                async with self.sessions() as session:
                    await claims.decline_offer(session, reference, sender)
                await self.say_text(sender, text("declined", language, reference=reference))
                return
            if action == "CONTACTED":
                await self._contacted(sender, reference, language)
                return
            if action == "HANDBACK":
                await self._hand_back(sender, reference, language, friend)
                return
            if action == "DONE":
                await self._ask_package(sender, reference, language)
                return
            if action == "DONEPKG":
                await self._ask_extra(sender, argument, language)
                return
            if action == "DONEEXTRA":
                parts = argument.split(":")
                chosen = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else -1
                await self._complete(
                    sender, reference, parts[1] if len(parts) > 1 else "", chosen, language
                )
                return
        typed = parse_minutes(event.text) if event.kind == "text" else None
        if typed is not None:
            async with self.sessions() as session:
                pending = await completion.pending_completion(session, sender)
            if pending is not None:
                await self._complete(sender, pending[0], pending[1], typed, language)
                return
        await self.say_text(sender, text("help", language))

    async def _hand_back(self, sender: str, reference: str, language: str, friend: Friend) -> None:
        async with self.sessions() as session:
            job = await claims.hand_back(session, reference, sender, self.clock())
            customer = await session.get(Customer, job.customer_id) if job else None
        key = "handed_back" if job else "hand_back_refused"
        await self.say_text(sender, text(key, language, reference=reference.upper()))
        if job is not None and customer is not None:
            # The customer was told this Friend would come; they hear that we look again.
            # Should the bot not know the intent, support gets an alert to tell them instead.
            await tell_customer(
                self.sessions,
                self.rasa,
                job.id,
                customer.psid,
                "EXTERNAL_friend_handed_back",
                {"job_reference": job.reference, "friend_name": _first_name(friend)},
            )

    async def _contacted(self, sender: str, reference: str, language: str) -> None:
        async with self.sessions() as session:
            ok = await claims.mark_contacted(session, reference, sender, self.clock())
        if not ok:
            await self.say_text(sender, text("contacted_refused", language, reference=reference))
            return
        ref = reference.upper()
        await self.say(
            sender,
            button_message(
                text("contacted_next", language, reference=ref),
                [postback_button(text("button_done", language), f"DONE:{ref}")],
            ),
        )

    def _package_choices(self, country: str) -> list[Package]:
        return [p for p in self.packages.values() if country in p.prices]

    async def _ask_package(self, sender: str, reference: str, language: str) -> None:
        async with self.sessions() as session:
            job = await completion.assigned_job(session, reference, sender)
        if job is None:
            await self.say_text(sender, text("done_refused", language, reference=reference))
            return
        choices = self._package_choices(job.country)
        lines = []
        for p in choices:
            price = p.prices[job.country]
            money = format_money(price.amount, price.currency, language)
            lines.append(f"• {p.names.get(language, p.id)}: {money}")
        body = text("done_ask_package", language, reference=job.reference) + "\n" + "\n".join(lines)
        await self.say(
            sender,
            quick_replies(
                body,
                [
                    (_short(p.names.get(language, p.id)), f"DONEPKG:{job.reference}:{p.id}")
                    for p in choices
                ],
            ),
        )

    async def _ask_extra(self, sender: str, argument: str, language: str) -> None:
        reference, _, package_id = argument.partition(":")
        package = self.packages.get(package_id)
        async with self.sessions() as session:
            job = await completion.assigned_job(session, reference, sender)
            if job is None:
                await self.say_text(sender, text("done_refused", language, reference=reference))
                return
            if package is None or job.country not in package.prices:
                await self.say_text(
                    sender, text("done_package_invalid", language, reference=job.reference)
                )
                return
            # Remembered in the job's log, so a typed number of minutes finds its job.
            record_event(
                session,
                job,
                f"friend:{job.assigned_friend_id}",
                "done_package_chosen",
                package=package.id,
            )
            await session.commit()
        rate = package.extra_per_15_min.get(job.country)
        rate_text = format_money(rate.amount, rate.currency, language) if rate else "–"
        choices = [
            (
                text("minutes_none", language) if m == 0 else text("minutes", language, minutes=m),
                f"DONEEXTRA:{job.reference}:{package.id}:{m}",
            )
            for m in EXTRA_CHOICES
        ]
        await self.say(
            sender, quick_replies(text("done_ask_extra", language, rate=rate_text), choices)
        )

    async def _complete(
        self, sender: str, reference: str, package_id: str, minutes: int, language: str
    ) -> None:
        package = self.packages.get(package_id)
        if package is None:
            await self.say_text(
                sender, text("done_package_invalid", language, reference=reference.upper())
            )
            return
        async with self.sessions() as session:
            try:
                done = await completion.complete_job(
                    session, reference, sender, package, minutes, self.clock(), self.deadlines
                )
            except completion.CompletionError as exc:
                await self.say_text(sender, text(exc.key, language, reference=reference.upper()))
                return
        s = done.settlement
        await self.say_text(
            sender,
            text(
                "done_summary",
                language,
                reference=done.job.reference,
                price=format_money(s.price, done.currency, language),
                commission=format_money(s.commission, done.currency, language),
                payout=format_money(s.payout, done.currency, language),
            ),
        )
        await tell_customer(
            self.sessions,
            self.rasa,
            done.job.id,
            done.customer.psid,
            "EXTERNAL_job_completed",
            {"job_reference": done.job.reference, "friend_name": _first_name(done.friend)},
        )

    async def _claim(self, sender_id: str, reference: str, language: str) -> None:
        async with self.sessions() as session:
            result = await claims.claim_job(
                session, reference, sender_id, self.clock(), self.deadlines
            )
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
                    hours=f"{self.deadlines.contact_deadline.total_seconds() / 3600:g}",
                ),
                [
                    postback_button(
                        text("button_contacted", language), f"CONTACTED:{job.reference}"
                    ),
                    postback_button(text("button_done", language), f"DONE:{job.reference}"),
                    postback_button(
                        text("button_hand_back", language), f"HANDBACK:{job.reference}"
                    ),
                ],
            ),
        )
        if job.image_urls:
            await self.say_text(
                sender_id,
                text("images", language, reference=job.reference, urls="\n".join(job.image_urls)),
            )
        if not result.repeat:
            await self._tell_customer(job, friend, customer)

    async def _tell_customer(self, job: Job, friend: Friend, customer: Customer) -> None:
        entities: dict[str, str] = {
            "friend_name": _first_name(friend),
            "job_reference": job.reference,
        }
        if friend.rating is not None:
            entities["friend_rating"] = f"{friend.rating:.1f}"
        await tell_customer(
            self.sessions, self.rasa, job.id, customer.psid, "EXTERNAL_friend_assigned", entities
        )


def _short(name: str) -> str:
    """A package name fit for a 20-character chip: "Einrichtung (2 Stunden)" → "Einrichtung"."""
    return name.split(" (")[0]


def _first_name(friend: Friend) -> str:
    return friend.name.split()[0] if friend.name.strip() else ""
