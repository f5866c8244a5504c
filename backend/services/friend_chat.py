"""What happens when a Friend writes to or taps a button on the Friends' page."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.messenger import (
    button_message,
    postback_button,
    quick_replies,
    text_message,
)
from backend.adapters.orm import (
    Customer,
    Friend,
    FriendConversation,
    Job,
    JobEvent,
    Offer,
    SupportAlert,
    utcnow,
)
from backend.adapters.rasa import RasaClient
from backend.domain.claims import ClaimOutcome
from backend.domain.deadlines import DeadlinePolicy
from backend.domain.friend_commands import Command, from_payload, parse
from backend.domain.geo import bounding_box, haversine_km
from backend.domain.jobs import WITH_FRIEND
from backend.domain.money import format_money
from backend.domain.packages import Package
from backend.domain.quiz import QuizPolicy
from backend.domain.signup import radius_in
from backend.services import claims, completion, outbox
from backend.services.customer_news import NoticeSender, first_name
from backend.services.friend_signup import (
    FriendSignup,
    language_replies,
    languages_from,
    languages_text,
    radius_replies,
    skills_text,
)
from backend.services.jobs import record_event
from backend.services.outbox import FRIENDS_PAGE
from backend.texts import text
from messenger_platform.events import InboundEvent
from messenger_platform.send_policy import OutsideWindowError
from product.categories import CATEGORIES, category_label
from product.countries import time_zone
from product.languages import first_of

log = logging.getLogger(__name__)

_REFUSALS = {
    ClaimOutcome.ALREADY_TAKEN: "already_taken",
    ClaimOutcome.NOT_OFFERED: "not_offered",
    ClaimOutcome.NOT_ACTIVE: "not_active",
    ClaimOutcome.NO_SUCH_JOB: "no_such_job",
}
EXTRA_CHOICES = (0, 15, 30, 60)
# Statuses of Friends who work by chat; everyone else is in sign-up, the quiz or waiting.
WORKING = ("active", "paused")
# Typed commands about one of the Friend's jobs, and the button payload that does the same.
JOB_COMMANDS = {
    "contacted": "CONTACTED",
    "done": "DONE",
    "hand_back": "HANDBACK",
    "unreachable": "UNREACHABLE",
}
# After this many recorded failed calls, support takes over reaching the customer.
UNREACHABLE_ATTEMPTS = 5
PROFILE_PAYLOADS = ("PROFILE_EDIT", "RADIUS", "SKILL", "LANGS")
_MINUTES = re.compile(r"^\s*(\d{1,3})\s*(min\.?|minuten|minutes|m)?\s*$", re.IGNORECASE)


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
    quiz: QuizPolicy = field(default_factory=QuizPolicy)

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

    def __post_init__(self) -> None:
        self.signup = FriendSignup(self.sessions, self.say, self.clock, policy=self.quiz)
        self.notices = NoticeSender(self.sessions, self.rasa, self.clock)

    async def handle(self, event: InboundEvent) -> None:
        async with self.sessions() as session:
            friend = await session.scalar(
                select(Friend).where(Friend.messenger_id == event.sender_id)
            )
        if friend is None or friend.status not in WORKING:
            # Not (yet) a Friend who takes jobs: sign-up, quiz, or waiting for activation.
            await self.signup.handle(event, friend)
            return
        language = first_of(friend.languages)
        checked_in = await self._check_in(friend, language)
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
            if action == "UNREACHABLE":
                await self._unreachable(friend, reference, language)
                return
            if action in PROFILE_PAYLOADS:
                await self._profile_change(friend, action, argument, language)
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
        command = from_payload(event.payload) if event.payload else None
        if command is None:
            command = parse(event.text) if event.kind == "text" else Command("unknown")
        await self._command(friend, command, language, checked_in)

    async def _command(
        self, friend: Friend, command: Command, language: str, checked_in: bool
    ) -> None:
        sender, kind, reference = friend.messenger_id, command.kind, command.reference
        if kind in ("claim", "decline"):
            if not reference:
                await self._pick_offer(friend, kind, language)
                return
            if kind == "claim":
                await self._claim(sender, reference, language)
            else:
                async with self.sessions() as session:
                    await claims.decline_offer(session, reference, sender)
                await self.say_text(sender, text("declined", language, reference=reference))
            return
        if kind in JOB_COMMANDS:
            if not reference:
                reference = await self._pick_job(friend, kind, language)
                if not reference:
                    return
            if kind == "contacted":
                await self._contacted(sender, reference, language)
            elif kind == "done":
                await self._ask_package(sender, reference, language)
            elif kind == "hand_back":
                await self._hand_back(sender, reference, language, friend)
            else:
                await self._unreachable(friend, reference, language)
            return
        if kind == "my_jobs":
            await self._my_jobs(friend, language)
        elif kind == "online":
            await self._online(friend, language, checked_in)
        elif kind == "offline":
            async with self.sessions() as session:
                await session.execute(
                    update(Friend).where(Friend.id == friend.id).values(online=False)
                )
                await session.commit()
            await self.say(sender, self._menu_message(text("offline", language), language))
        elif kind == "pause":
            await self._pause(friend, language)
        elif kind == "profile":
            await self._show_profile(friend, language)
        elif kind == "radius":
            if command.number is None or not 1 <= command.number <= 100:
                await self.say(
                    sender,
                    quick_replies(text("profile_radius_again", language), radius_replies(language)),
                )
            else:
                await self._profile_change(friend, "RADIUS", str(command.number), language)
        elif kind == "help":
            await self.say(sender, self._menu_message(text("menu", language), language))
        else:
            body = text("not_understood", language) + " " + text("menu", language)
            await self.say(sender, self._menu_message(body, language))

    def _menu_message(self, body: str, language: str) -> dict[str, Any]:
        return quick_replies(
            body,
            [
                (text("button_my_jobs", language), "MY_JOBS"),
                (text("button_online", language), "GO_ONLINE"),
                (text("button_offline", language), "GO_OFFLINE"),
                (text("button_profile", language), "PROFILE"),
                (text("button_pause", language), "PAUSE"),
            ],
        )

    async def _check_in(self, friend: Friend, language: str) -> bool:
        """The first message of a (local) day from an active Friend: online, and a greeting with
        the open jobs nearby. True when the greeting went out."""
        now = self.clock()
        zone = ZoneInfo(time_zone(friend.country))
        seen = friend.checked_in_at
        if seen is not None and seen.astimezone(zone).date() == now.astimezone(zone).date():
            return False
        active = friend.status == "active"
        async with self.sessions() as session:
            # Conditional on the value read: two messages arriving at once greet only once.
            guard = Friend.checked_in_at.is_(None) if seen is None else Friend.checked_in_at == seen
            values: dict[str, Any] = {"checked_in_at": now}
            if active:
                values["online"] = True
            done = await session.execute(
                update(Friend).where(Friend.id == friend.id, guard).values(**values)
            )
            await session.commit()
            if not done.rowcount or not active:  # type: ignore[attr-defined]
                return False
            count = await open_jobs_nearby(session, friend)
        hour = now.astimezone(zone).hour
        greeting = (
            "greeting_morning"
            if hour < 11
            else "greeting_evening"
            if hour >= 18
            else {"CH": "greeting_day_ch", "AT": "greeting_day_at"}.get(
                friend.country, "greeting_day"
            )
        )
        await self.say(
            friend.messenger_id,
            self._menu_message(
                text(
                    "check_in",
                    language,
                    greeting=text(greeting, language),
                    name=first_name(friend),
                    count=count,
                ),
                language,
            ),
        )
        return True

    async def _online(self, friend: Friend, language: str, checked_in: bool) -> None:
        async with self.sessions() as session:
            row = await session.get(Friend, friend.id)
            conversation = await session.get(FriendConversation, friend.messenger_id)
            assert row is not None
            if row.status == "paused":
                if conversation is None or conversation.step != "paused":
                    await self.say_text(friend.messenger_id, text("paused_by_support", language))
                    return
                # Paused by the Friend themselves: "online" ends the pause.
                row.status, conversation.step = "active", "done"
            row.online = True
            await session.commit()
            count = await open_jobs_nearby(session, row)
        if not checked_in:
            await self.say(
                friend.messenger_id,
                self._menu_message(text("online", language, count=count), language),
            )

    async def _pause(self, friend: Friend, language: str) -> None:
        async with self.sessions() as session:
            row = await session.get(Friend, friend.id)
            assert row is not None
            conversation = await session.get(FriendConversation, friend.messenger_id)
            if conversation is None:
                conversation = FriendConversation(
                    psid=friend.messenger_id, step="paused", language=language, data={}
                )
                session.add(conversation)
            if row.status == "active":
                # Remembered, so "online" may end this pause but never one set by support.
                row.status, conversation.step = "paused", "paused"
            conversation.updated_at = self.clock()
            await session.commit()
        await self.say_text(friend.messenger_id, text("paused", language))

    async def _pick_offer(self, friend: Friend, kind: str, language: str) -> None:
        """ "annehmen" without a reference: the one live offer, or a choice between several."""
        async with self.sessions() as session:
            references = list(
                (
                    await session.scalars(
                        select(Job.reference)
                        .join(Offer, Offer.job_id == Job.id)
                        .where(
                            Offer.friend_id == friend.id,
                            Offer.status.in_(claims.LIVE_OFFERS),
                            Job.status == "open",
                        )
                        .order_by(Offer.id.desc())
                    )
                ).all()
            )
        action = "CLAIM" if kind == "claim" else "DECLINE"
        if len(references) == 1:
            await self._command(friend, Command(kind, references[0]), language, True)
        elif references:
            await self.say(
                friend.messenger_id,
                quick_replies(
                    text("which_job", language), [(r, f"{action}:{r}") for r in references]
                ),
            )
        else:
            await self.say_text(friend.messenger_id, text("no_offer", language))

    async def _pick_job(self, friend: Friend, kind: str, language: str) -> str:
        """The Friend's one job a typed command can mean; with several, they are asked."""
        statuses = ("assigned",) if kind == "contacted" else WITH_FRIEND
        async with self.sessions() as session:
            references = list(
                (
                    await session.scalars(
                        select(Job.reference)
                        .where(Job.assigned_friend_id == friend.id, Job.status.in_(statuses))
                        .order_by(Job.claimed_at)
                    )
                ).all()
            )
        if len(references) == 1:
            return references[0]
        if references:
            await self.say(
                friend.messenger_id,
                quick_replies(
                    text("which_job", language),
                    [(r, f"{JOB_COMMANDS[kind]}:{r}") for r in references],
                ),
            )
        else:
            await self.say_text(friend.messenger_id, text("no_job_for_that", language))
        return ""

    async def _my_jobs(self, friend: Friend, language: str) -> None:
        zone = ZoneInfo(time_zone(friend.country))
        async with self.sessions() as session:
            rows = (
                await session.execute(
                    select(Job, Customer)
                    .join(Customer, Customer.id == Job.customer_id)
                    .where(Job.assigned_friend_id == friend.id, Job.status.in_(WITH_FRIEND))
                    .order_by(Job.claimed_at)
                )
            ).all()
        if not rows:
            await self.say(
                friend.messenger_id, self._menu_message(text("my_jobs_none", language), language)
            )
            return
        lines = []
        for job, customer in rows:
            if job.status == "assigned" and job.contact_deadline_at is not None:
                deadline = job.contact_deadline_at.astimezone(zone)
                status = text("status_assigned", language, deadline=f"{deadline:%d.%m. %H:%M}")
            else:
                status = text("status_contacted", language)
            lines.append(
                text(
                    "my_job_line",
                    language,
                    reference=job.reference,
                    status=status,
                    category=category_label(job.category, language),
                    customer=customer.name,
                    phone=customer.phone,
                    address=", ".join(
                        p for p in (job.street, f"{job.postal_code} {job.city}") if p
                    ),
                )
            )
        chips = []
        for job, _ in rows[:4]:
            action = "CONTACTED" if job.status == "assigned" else "DONE"
            label = text("button_contacted" if action == "CONTACTED" else "button_done", language)
            chips.append((f"{job.reference} {label}", f"{action}:{job.reference}"))
        await self.say(
            friend.messenger_id,
            quick_replies(text("my_jobs", language, jobs="\n".join(lines)), chips),
        )

    async def _unreachable(self, friend: Friend, reference: str, language: str) -> None:
        """One more failed attempt to reach the customer; at the limit, support is alerted."""
        async with self.sessions() as session:
            job = await completion.assigned_job(session, reference, friend.messenger_id)
            if job is None:
                await self.say_text(
                    friend.messenger_id, text("contacted_refused", language, reference=reference)
                )
                return
            actor = f"friend:{friend.id}"
            earlier = await session.scalar(
                select(func.count())
                .select_from(JobEvent)
                .where(
                    JobEvent.job_id == job.id,
                    JobEvent.kind == "customer_unreachable",
                    JobEvent.actor == actor,
                )
            )
            count = int(earlier or 0) + 1
            record_event(session, job, actor, "customer_unreachable", attempt=count)
            alerted = count >= UNREACHABLE_ATTEMPTS
            if count == UNREACHABLE_ATTEMPTS:
                session.add(
                    SupportAlert(
                        kind="customer_unreachable",
                        job_id=job.id,
                        friend_id=friend.id,
                        detail={"reference": job.reference, "attempts": count},
                        created_at=self.clock(),
                    )
                )
            await session.commit()
        key = "unreachable_alerted" if alerted else "unreachable_noted"
        await self.say_text(
            friend.messenger_id,
            text(key, language, count=count, limit=UNREACHABLE_ATTEMPTS, reference=job.reference),
        )

    async def _show_profile(self, friend: Friend, language: str) -> None:
        await self.say(
            friend.messenger_id,
            quick_replies(
                text(
                    "profile",
                    language,
                    name=friend.name,
                    postal_code=f"{friend.postal_code} ({friend.country})",
                    radius=f"{friend.radius_km:g}",
                    skills=skills_text(friend.skills, language),
                    languages=languages_text(friend.languages, language),
                    status=("online" if friend.online else "offline")
                    if friend.status == "active"
                    else friend.status,
                ),
                [
                    (text("button_radius", language), "PROFILE_EDIT:RADIUS"),
                    (text("button_skills", language), "PROFILE_EDIT:SKILLS"),
                    (text("button_languages", language), "PROFILE_EDIT:LANGS"),
                    (text("button_pause", language), "PAUSE"),
                ],
            ),
        )

    async def _profile_change(
        self, friend: Friend, action: str, argument: str, language: str
    ) -> None:
        sender = friend.messenger_id
        if action == "PROFILE_EDIT":
            if argument == "RADIUS":
                await self.say(
                    sender,
                    quick_replies(text("profile_ask_radius", language), radius_replies(language)),
                )
            elif argument == "SKILLS":
                await self._ask_skills(sender, friend.skills, language)
            else:
                await self.say(
                    sender,
                    quick_replies(
                        text("signup_ask_languages", language), language_replies(language)
                    ),
                )
            return
        async with self.sessions() as session:
            row = await session.get(Friend, friend.id)
            assert row is not None
            if action == "RADIUS":
                km = radius_in(argument)
                if km is not None:
                    row.radius_km = float(km)
            elif action == "SKILL" and argument in CATEGORIES:
                if argument in row.skills and len(row.skills) == 1:
                    await self.say_text(sender, text("profile_last_skill", language))
                    return
                row.skills = (
                    [s for s in row.skills if s != argument]
                    if argument in row.skills
                    else [*row.skills, argument]
                )
            elif action == "LANGS":
                chosen = languages_from(f"LANGS:{argument}")
                if chosen:
                    # The language this chat is in stays first: replies keep their language.
                    row.languages = sorted(chosen, key=lambda c: c != language)
            await session.commit()
            await session.refresh(row)
        if action == "SKILL":
            await self._ask_skills(sender, row.skills, language)
            return
        await self.say_text(
            sender,
            text(
                "profile_saved",
                language,
                radius=f"{row.radius_km:g}",
                skills=skills_text(row.skills, language),
                languages=languages_text(row.languages, language),
            ),
        )

    async def _ask_skills(self, sender: str, skills: list[str], language: str) -> None:
        chips = [
            (("✓ " if s in skills else "+ ") + category_label(s, language), f"SKILL:{s}")
            for s in CATEGORIES
        ]
        await self.say(
            sender,
            quick_replies(
                text("profile_ask_skills", language, skills=skills_text(skills, language)),
                [*chips, (text("button_profile", language), "PROFILE")],
            ),
        )

    async def _hand_back(self, sender: str, reference: str, language: str, friend: Friend) -> None:
        async with self.sessions() as session:
            job = await claims.hand_back(session, reference, sender, self.clock())
            customer = await session.get(Customer, job.customer_id) if job else None
        key = "handed_back" if job else "hand_back_refused"
        await self.say_text(sender, text(key, language, reference=reference.upper()))
        if job is not None and customer is not None:
            # The hand-back stored the customer's notice; it goes out now or at the next sweep.
            await self.notices.send_due(job_id=job.id)

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
        await self.notices.send_due(job_id=done.job.id)

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
        # The claim stored the customer's notice. Sent here, it is also sent when a process
        # killed right after the claim's commit left it and the claim comes again as a repeat.
        await self.notices.send_due(job_id=job.id)


async def open_jobs_nearby(session: AsyncSession, friend: Friend) -> int:
    """Open jobs within the Friend's radius in one of their skills (for the check-in)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(
        friend.latitude, friend.longitude, friend.radius_km
    )
    rows = (
        await session.execute(
            select(Job.latitude, Job.longitude, Job.category).where(
                Job.status == "open",
                Job.latitude.between(min_lat, max_lat),
                Job.longitude.between(min_lon, max_lon),
            )
        )
    ).all()
    return sum(
        1
        for r in rows
        if r.category in friend.skills
        and haversine_km(friend.latitude, friend.longitude, r.latitude, r.longitude)
        <= friend.radius_km
    )


def _short(name: str) -> str:
    """A package name fit for a 20-character chip: "Einrichtung (2 Stunden)" → "Einrichtung"."""
    return name.split(" (")[0]
