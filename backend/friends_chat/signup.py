"""Becoming a Friend by chat: sign-up questions, then the vetting quiz.

Where each person stands is a FriendConversation row, written before the reply is queued, so a
restart in the middle resumes at the same question. Each step of the sign-up has a handler
(`STEPS`); passing the quiz (backend/friends_chat/quiz.py) makes the Friend `vetted`; support
staff activate them in the console after checking their documents.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.config_files import load_bank
from backend.adapters.messenger import quick_replies, text_message
from backend.adapters.orm import Friend, FriendConversation
from backend.domain import quiz as quiz_rules
from backend.domain.friend_commands import normalise
from backend.domain.jobs import normalise_phone
from backend.domain.signup import (
    clean_name,
    languages_from,
    postal_code_in,
    radius_in,
    skill_from,
)
from backend.domain.statuses import FriendStatus
from backend.friends_chat import messages
from backend.friends_chat.quiz import Quiz, Replies
from backend.friends_chat.texts import text
from backend.services import postcodes
from messenger_platform.events import InboundEvent
from product.channels import WHATSAPP, of_conversation
from product.countries import (
    COUNTRIES,
    DEFAULT_COUNTRY,
    DEFAULT_SERVICE_COUNTRIES,
    country_name,
)
from product.country_context import decide_country, written_otherwise
from product.languages import first_of

log = logging.getLogger(__name__)

Say = Callable[[str, dict[str, Any]], Awaitable[None]]
# Steps in which a known Friend's status decides what comes next (the quiz, or waiting).
_RESTING = ("start", "done")
_AGREE = (
    "ja", "ich stimme zu", "yes", "i agree", "einverstanden",
    "oui", "j accepte", "d accord", "si", "accetto", "d accordo", "tak", "zgadzam sie",
)  # fmt: skip
_REFUSE = ("nein", "no")
_FINISHED = ("fertig", "done", "termine", "fini", "fatto", "finito", "gotowe")


@dataclass
class Answer:
    """One message in the sign-up, and the conversation it moves on."""

    session: AsyncSession
    conv: FriendConversation
    friend: Friend | None
    said: str  # the payload of a tapped chip, else the typed text
    data: dict[str, Any]  # the answers so far, as they were before this one

    def say(self, key: str, **values: Any) -> Replies:
        return [text_message(text(key, self.conv.language, **values))]

    def chips(self, key: str, choices: list[tuple[str, str]], **values: Any) -> Replies:
        return [quick_replies(text(key, self.conv.language, **values), choices)]

    def goto(self, step: str, **changes: Any) -> None:
        self.conv.step = step
        self.conv.data = self.data | changes


@dataclass
class FriendSignup:
    sessions: async_sessionmaker[AsyncSession]
    say: Say
    clock: Callable[[], datetime]
    bank: dict[str, quiz_rules.Question] = field(default_factory=load_bank)
    policy: quiz_rules.QuizPolicy = field(default_factory=quiz_rules.QuizPolicy)
    service_countries: tuple[str, ...] = DEFAULT_SERVICE_COUNTRIES

    def __post_init__(self) -> None:
        self.quiz = Quiz(self.bank, self.policy, self.clock)

    async def handle(self, event: InboundEvent, friend: Friend | None) -> None:
        """A message from someone who is not (yet) an active Friend."""
        psid = event.sender_id
        answer = (event.payload or event.text).strip()
        async with self.sessions() as session:
            if friend is not None:  # this session's copy: the quiz changes its status
                friend = await session.get(Friend, friend.id)
            conversation = await session.get(FriendConversation, psid)
            if conversation is None:
                language = first_of(friend.languages if friend else None)
                conversation = FriendConversation(
                    psid=psid, step="start", language=language, data={}, updated_at=self.clock()
                )
                session.add(conversation)
            reply = await self._advance(
                Answer(session, conversation, friend, answer, dict(conversation.data))
            )
            conversation.updated_at = self.clock()
            await session.commit()
        for message in reply:
            await self.say(psid, message)

    async def _advance(self, a: Answer) -> Replies:
        """Moves the conversation on by one answer; returns the replies to send (after commit)."""
        friend, step = a.friend, a.conv.step
        if friend is not None:
            if friend.status == FriendStatus.SUSPENDED:
                return a.say("account_stopped")
            if step in _RESTING and friend.status == FriendStatus.APPLICANT:
                return await self.quiz.start(a.session, a.conv, friend, first=True)
            if step in _RESTING and friend.status == FriendStatus.VETTED:
                return a.say("awaiting_activation")
        if step == "start" or (step == "declined" and friend is None):
            a.goto("language")
            return a.chips("signup_welcome", messages.chat_language_replies())
        handler = STEPS.get(step)
        if handler is not None:
            return await handler(self, a)
        if friend is not None and step == "quiz":
            return await self.quiz.answer(a.session, a.conv, friend, a.said)
        if friend is not None and step == "quiz_wait":
            return await self.quiz.wait_or_retry(a.session, a.conv, friend)
        if step == "quiz_over":
            return a.say("quiz_over")
        if friend is not None and friend.status == FriendStatus.VETTED:
            return a.say("awaiting_activation")
        return a.say("signup_declined") if step == "declined" else []

    async def _language(self, a: Answer) -> Replies:
        chosen = languages_from(a.said.replace("SIGNUP_LANG:", "LANGS:"))
        if not chosen or len(chosen) != 1:
            return a.chips("signup_language_again", messages.chat_language_replies())
        a.conv.language = chosen[0]
        a.goto("name")
        return a.say("signup_ask_name")

    async def _name(self, a: Answer) -> Replies:
        # A stale chip tapped now (SIGNUP_LANG:de) is not a name.
        name = None if a.said.split(":")[0].isupper() else clean_name(a.said)
        if name is None:
            return a.say("signup_name_again")
        a.goto("postal_code", name=name)
        return a.say("signup_ask_postal_code", name=name.split()[0])

    async def _postal_code(self, a: Answer) -> Replies:
        """The home postal code; one that exists in two countries asks which (step country)."""
        if a.conv.step == "country" and a.said.startswith("COUNTRY:"):
            code, country = a.data.get("postal_code", ""), a.said[8:]
        else:
            code, country = postal_code_in(a.said) or "", ""
        places = await postcodes.lookup(a.session, code, country or None) if code else []
        # Only where we serve (SERVICE_COUNTRIES); a German Friend's "20144" is Hamburg without
        # a question, like a customer's (product/country_context.py).
        having = list(dict.fromkeys(p.country for p in places))
        decision = decide_country(
            having,
            self.service_countries,
            weak=written_otherwise(code, having),
            named=country or None,
            language=a.conv.language,
        )
        if decision.country is None and not decision.candidates:
            # Only in countries not served yet: asked again (no "not there yet" text for
            # Friends so far).
            a.goto("postal_code")
            return a.say("signup_postal_code_again")
        places = [p for p in places if p.country in decision.candidates]
        if decision.must_ask:
            a.goto("country", postal_code=code)
            lang = a.conv.language
            countries = [(country_name(p.country, lang), f"COUNTRY:{p.country}") for p in places]
            return a.chips("signup_ask_country", countries, postal_code=code)
        place = places[0]
        a.goto("radius", postal_code=place.postal_code, country=place.country)
        return a.chips(
            "signup_ask_radius",
            messages.radius_replies(a.conv.language),
            postal_code=place.postal_code,
            place=place.city,
        )

    async def _radius(self, a: Answer) -> Replies:
        km = radius_in(a.said.removeprefix("RADIUS:"))
        if km is None:
            return a.chips("signup_radius_again", messages.radius_replies(a.conv.language))
        a.goto("skills", radius_km=km, skills=[])
        return a.chips("signup_ask_skills", messages.skill_replies([], a.conv.language, False))

    async def _skills(self, a: Answer) -> Replies:
        lang, chosen = a.conv.language, list(a.data.get("skills", []))
        finished = a.said == "SKILLS_DONE" or normalise(a.said) in _FINISHED
        if finished and chosen:
            a.goto("languages")
            return a.chips("signup_ask_languages", messages.language_replies(lang))
        skill = None if finished else skill_from(a.said)
        if skill is None:
            return a.chips("signup_skills_again", messages.skill_replies(chosen, lang, True))
        if skill not in chosen:
            chosen.append(skill)
        a.goto("skills", skills=chosen)
        return a.chips(
            "signup_skills_so_far",
            messages.skill_replies(chosen, lang, True),
            skills=messages.skills_text(chosen, lang),
        )

    async def _languages(self, a: Answer) -> Replies:
        languages = languages_from(a.said)
        if languages is None:
            return a.chips("signup_ask_languages", messages.language_replies(a.conv.language))
        a.goto("phone", languages=languages)
        return a.say("signup_ask_phone")

    async def _phone(self, a: Answer) -> Replies:
        country = str(a.data.get("country", DEFAULT_COUNTRY))
        phone = normalise_phone(a.said, country)
        if phone is None:
            known = COUNTRIES.get(country)
            return a.say("signup_phone_again", example=known.phone_example if known else "")
        a.goto("consent", phone=phone)
        return a.chips("signup_ask_consent", _consent_replies(a.conv.language))

    async def _consent(self, a: Answer) -> Replies:
        if a.said == "NO" or normalise(a.said) in _REFUSE:
            a.goto("declined")
            return a.say("signup_declined")
        if not (a.said == "CONSENT:yes" or normalise(a.said) in _AGREE):
            return a.chips("signup_consent_again", _consent_replies(a.conv.language))
        new = await self._create_friend(a.session, a.conv, a.data)
        replies = await self.quiz.start(a.session, a.conv, new, first=True)
        if of_conversation(a.conv.psid) == WHATSAPP:
            # The channel is the one the Friend signed up on; on WhatsApp offers reach them
            # without the daily message Messenger needs (approved templates).
            replies.insert(0, text_message(text("signup_channel_whatsapp", a.conv.language)))
        return replies

    async def _create_friend(
        self, session: AsyncSession, conv: FriendConversation, data: dict[str, Any]
    ) -> Friend:
        places = await postcodes.lookup(session, str(data["postal_code"]), str(data["country"]))
        place = places[0]
        friend = Friend(
            name=str(data["name"]),
            messenger_id=conv.psid,
            postal_code=place.postal_code,
            country=place.country,
            latitude=place.latitude,
            longitude=place.longitude,
            radius_km=float(data["radius_km"]),
            skills=list(data["skills"]),
            # The chat's language first: the backend writes to a Friend in their first language.
            languages=sorted(data["languages"], key=lambda code: code != conv.language),
            status=FriendStatus.APPLICANT,
            phone=str(data["phone"]),
            created_at=self.clock(),
        )
        session.add(friend)
        await session.flush()
        # The consent is kept with the conversation, next to the answers given.
        conv.data = data | {"consented_at": self.clock().isoformat(), "friend_id": friend.id}
        log.info("friend %s signed up by chat", friend.id)
        return friend


def _consent_replies(language: str) -> list[tuple[str, str]]:
    return [(text("button_agree", language), "CONSENT:yes"), (text("button_no", language), "NO")]


Step = Callable[[FriendSignup, Answer], Awaitable[Replies]]
# The sign-up's questions in order; "country" is the postal code's second question.
STEPS: dict[str, Step] = {
    "language": FriendSignup._language,
    "name": FriendSignup._name,
    "postal_code": FriendSignup._postal_code,
    "country": FriendSignup._postal_code,
    "radius": FriendSignup._radius,
    "skills": FriendSignup._skills,
    "languages": FriendSignup._languages,
    "phone": FriendSignup._phone,
    "consent": FriendSignup._consent,
}
