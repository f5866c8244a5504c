"""Becoming a Friend by chat: sign-up questions, then the vetting quiz.

Where each person stands is a FriendConversation row, written before the reply is queued, so a
restart in the middle resumes at the same question. Passing the quiz makes the Friend `vetted`;
support staff activate them in the console after checking their documents.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.adapters.config_files import load_bank
from backend.adapters.messenger import quick_replies, text_message
from backend.adapters.orm import Friend, FriendConversation, QuizAttempt
from backend.domain import quiz as quiz_rules
from backend.domain.friend_commands import normalise
from backend.domain.jobs import normalise_phone
from backend.domain.signup import RADIUS_CHOICES, clean_name, postal_code_in, radius_in
from backend.services import postcodes
from backend.texts import text
from messenger_platform.events import InboundEvent
from product.categories import CATEGORIES, category_label
from product.countries import COUNTRIES, country_name, time_zone
from product.languages import LANGUAGE_NAMES, LANGUAGES, first_of

log = logging.getLogger(__name__)

Say = Callable[[str, dict[str, Any]], Awaitable[None]]


# What a Friend may type to name a language: its names in every language, and its code.
_LANGUAGE_WORDS = {
    code: {normalise(name) for name in names.values()} | {code}
    for code, names in LANGUAGE_NAMES.items()
}


def _phone_example(country: str) -> str:
    known = COUNTRIES.get(country)
    return known.phone_example if known else ""


def skills_text(skills: list[str], language: str) -> str:
    return ", ".join(category_label(s, language) for s in skills) or "–"


def languages_text(languages: list[str], language: str) -> str:
    return ", ".join(
        LANGUAGE_NAMES[code][language] if code in LANGUAGE_NAMES else code for code in languages
    )


def radius_replies(language: str) -> list[tuple[str, str]]:
    return [(f"{km} km", f"RADIUS:{km}") for km in RADIUS_CHOICES]


def skill_replies(chosen: list[str], language: str, finish: bool) -> list[tuple[str, str]]:
    chips = [(category_label(s, language), f"SKILL:{s}") for s in CATEGORIES if s not in chosen]
    if finish and chosen:
        chips.insert(0, (text("button_finished", language), "SKILLS_DONE"))
    return chips


def language_replies(language: str) -> list[tuple[str, str]]:
    return [(LANGUAGE_NAMES[code][language], f"LANGS:{code}") for code in LANGUAGES] + [
        (text("languages_both", language), "LANGS:" + ",".join(LANGUAGES))
    ]


def languages_from(answer: str) -> list[str] | None:
    if answer.startswith("LANGS:"):
        codes = [c for c in answer[6:].split(",") if c in LANGUAGES]
        return codes or None
    words = set(normalise(answer).split())
    found = [code for code in LANGUAGES if words & _LANGUAGE_WORDS[code]]
    if words & {"beides", "both", "beide"}:
        found = list(LANGUAGES)
    return found or None


def skill_from(answer: str, language: str) -> str | None:
    if answer.startswith("SKILL:") and answer[6:] in CATEGORIES:
        return answer[6:]
    typed = normalise(answer)
    for skill in CATEGORIES:
        labels = {normalise(category_label(skill, lang)) for lang in LANGUAGES}
        if typed and any(typed in label or label in typed for label in labels):
            return skill
    return None


@dataclass
class FriendSignup:
    sessions: async_sessionmaker[AsyncSession]
    say: Say
    clock: Callable[[], datetime]
    bank: dict[str, quiz_rules.Question] = field(default_factory=load_bank)
    policy: quiz_rules.QuizPolicy = field(default_factory=quiz_rules.QuizPolicy)

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
            reply = await self._advance(session, conversation, friend, answer)
            conversation.updated_at = self.clock()
            await session.commit()
        for message in reply:
            await self.say(psid, message)

    async def _advance(
        self,
        session: AsyncSession,
        conv: FriendConversation,
        friend: Friend | None,
        answer: str,
    ) -> list[dict[str, Any]]:
        """Moves the conversation on by one answer; returns the replies to send (after commit)."""
        lang = conv.language
        data = dict(conv.data)

        def say(key: str, **values: Any) -> list[dict[str, Any]]:
            return [text_message(text(key, lang, **values))]

        def chips(key: str, choices: list[tuple[str, str]], **values: Any) -> list[dict[str, Any]]:
            return [quick_replies(text(key, lang, **values), choices)]

        def goto(step: str, **changes: Any) -> None:
            conv.step = step
            conv.data = data | changes

        if friend is not None:
            if friend.status == "suspended":
                return say("account_stopped")
            if conv.step in ("start", "done") and friend.status == "applicant":
                return await self._start_quiz(session, conv, friend, first=True)
            if conv.step in ("start", "done") and friend.status == "vetted":
                return say("awaiting_activation")

        step = conv.step
        if step == "start" or (step == "declined" and friend is None):
            goto("language")
            return [
                quick_replies(
                    text("signup_welcome", lang),
                    [("Deutsch", "SIGNUP_LANG:de"), ("English", "SIGNUP_LANG:en")],
                )
            ]
        if step == "language":
            chosen = languages_from(answer.replace("SIGNUP_LANG:", "LANGS:"))
            if not chosen or len(chosen) != 1:
                return [
                    quick_replies(
                        text("signup_language_again", lang),
                        [("Deutsch", "SIGNUP_LANG:de"), ("English", "SIGNUP_LANG:en")],
                    )
                ]
            conv.language = lang = chosen[0]
            goto("name")
            return say("signup_ask_name")
        if step == "name":
            # A stale chip tapped now (SIGNUP_LANG:de) is not a name.
            name = None if answer.split(":")[0].isupper() else clean_name(answer)
            if name is None:
                return say("signup_name_again")
            goto("postal_code", name=name)
            return say("signup_ask_postal_code", name=name.split()[0])
        if step in ("postal_code", "country"):
            if step == "country" and answer.startswith("COUNTRY:"):
                code, country = data.get("postal_code", ""), answer[8:]
            else:
                code, country = postal_code_in(answer) or "", ""
            places = await postcodes.lookup(session, code, country or None) if code else []
            if not places:
                goto("postal_code")
                return say("signup_postal_code_again")
            if len({p.country for p in places}) > 1:
                goto("country", postal_code=code)
                return chips(
                    "signup_ask_country",
                    [(country_name(p.country, lang), f"COUNTRY:{p.country}") for p in places],
                    postal_code=code,
                )
            place = places[0]
            goto("radius", postal_code=place.postal_code, country=place.country)
            return chips(
                "signup_ask_radius",
                radius_replies(lang),
                postal_code=place.postal_code,
                place=place.city,
            )
        if step == "radius":
            km = radius_in(answer.removeprefix("RADIUS:"))
            if km is None:
                return chips("signup_radius_again", radius_replies(lang))
            goto("skills", radius_km=km, skills=[])
            return chips("signup_ask_skills", skill_replies([], lang, finish=False))
        if step == "skills":
            chosen = list(data.get("skills", []))
            finished = answer == "SKILLS_DONE" or normalise(answer) in ("fertig", "done")
            if finished and chosen:
                goto("languages")
                return chips("signup_ask_languages", language_replies(lang))
            skill = None if finished else skill_from(answer, lang)
            if skill is None:
                return chips("signup_skills_again", skill_replies(chosen, lang, finish=True))
            if skill not in chosen:
                chosen.append(skill)
            goto("skills", skills=chosen)
            return chips(
                "signup_skills_so_far",
                skill_replies(chosen, lang, finish=True),
                skills=skills_text(chosen, lang),
            )
        if step == "languages":
            languages = languages_from(answer)
            if languages is None:
                return chips("signup_ask_languages", language_replies(lang))
            goto("phone", languages=languages)
            return say("signup_ask_phone")
        if step == "phone":
            country = str(data.get("country", "DE"))
            phone = normalise_phone(answer, country)
            if phone is None:
                return say("signup_phone_again", example=_phone_example(country))
            goto("consent", phone=phone)
            return chips(
                "signup_ask_consent",
                [(text("button_agree", lang), "CONSENT:yes"), (text("button_no", lang), "NO")],
            )
        if step == "consent":
            agreed = answer == "CONSENT:yes" or normalise(answer) in (
                "ja",
                "ich stimme zu",
                "yes",
                "i agree",
                "einverstanden",
            )
            refused = answer == "NO" or normalise(answer) in ("nein", "no")
            if refused:
                goto("declined")
                return say("signup_declined")
            if not agreed:
                return chips(
                    "signup_consent_again",
                    [(text("button_agree", lang), "CONSENT:yes"), (text("button_no", lang), "NO")],
                )
            new = await self._create_friend(session, conv, data)
            return await self._start_quiz(session, conv, new, first=True)
        if step == "quiz" and friend is not None:
            return await self._answer_quiz(session, conv, friend, answer)
        if step == "quiz_wait" and friend is not None:
            finished_at = datetime.fromisoformat(str(data["finished_at"]))
            when = quiz_rules.retry_at(finished_at, self.policy)
            if self.clock() < when:
                return say("quiz_wait", when=self._when(when, friend.country))
            return await self._start_quiz(session, conv, friend, first=False)
        if step == "quiz_over":
            return say("quiz_over")
        if friend is not None and friend.status == "vetted":
            return say("awaiting_activation")
        return say("signup_declined") if step == "declined" else []

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
            status="applicant",
            phone=str(data["phone"]),
            created_at=self.clock(),
        )
        session.add(friend)
        await session.flush()
        # The consent is kept with the conversation, next to the answers given.
        conv.data = data | {"consented_at": self.clock().isoformat(), "friend_id": friend.id}
        log.info("friend %s signed up by chat", friend.id)
        return friend

    async def _start_quiz(
        self, session: AsyncSession, conv: FriendConversation, friend: Friend, first: bool
    ) -> list[dict[str, Any]]:
        done = await session.scalar(
            select(func.count()).select_from(QuizAttempt).where(QuizAttempt.friend_id == friend.id)
        )
        number = int(done or 0) + 1
        if number > self.policy.attempts:
            conv.step = "quiz_over"
            return [text_message(text("quiz_over", conv.language))]
        questions = quiz_rules.draw(
            self.bank, friend.skills, f"{friend.id}:{number}", self.policy.per_skill
        )
        attempt = QuizAttempt(
            friend_id=friend.id, questions=questions, answers=[], score=0, started_at=self.clock()
        )
        session.add(attempt)
        await session.flush()
        conv.step = "quiz"
        conv.data = dict(conv.data) | {"attempt_id": attempt.id}
        replies: list[dict[str, Any]] = []
        if first:
            replies.append(
                text_message(
                    text(
                        "quiz_intro",
                        conv.language,
                        count=len(questions),
                        mark=self.policy.pass_mark,
                        per_skill=self.policy.per_skill,
                    )
                )
            )
        replies.append(self._question(attempt, conv.language))
        return replies

    def _question(self, attempt: QuizAttempt, language: str) -> dict[str, Any]:
        index = len(attempt.answers)
        question = self.bank[attempt.questions[index]]
        body, options = question.prompt(language)
        lines = "\n".join(f"{quiz_rules.LETTERS[i]}) {o}" for i, o in enumerate(options))
        return quick_replies(
            text(
                "quiz_question",
                language,
                number=index + 1,
                count=len(attempt.questions),
                question=body,
                options=lines,
            ),
            [(quiz_rules.LETTERS[i], f"QUIZ:{question.id}:{i}") for i in range(len(options))],
        )

    async def _answer_quiz(
        self, session: AsyncSession, conv: FriendConversation, friend: Friend, answer: str
    ) -> list[dict[str, Any]]:
        attempt = await session.get(QuizAttempt, int(conv.data["attempt_id"]))
        assert attempt is not None
        index = len(attempt.answers)
        question = self.bank[attempt.questions[index]]
        options = len(question.prompt(conv.language)[1])
        if answer.startswith("QUIZ:"):
            _, question_id, chosen = answer.split(":", 2)
            # A tap on an older question's chip (a redelivery, a double tap) is not an answer.
            choice = int(chosen) if question_id == question.id and chosen.isdigit() else None
        else:
            choice = quiz_rules.parse_answer(answer, options)
        if choice is None or not 0 <= choice < options:
            return [
                text_message(text("quiz_answer_again", conv.language)),
                self._question(attempt, conv.language),
            ]
        attempt.answers = [*attempt.answers, str(choice)]
        if len(attempt.answers) < len(attempt.questions):
            return [self._question(attempt, conv.language)]
        result = quiz_rules.score(
            self.bank, attempt.questions, [int(a) for a in attempt.answers], self.policy
        )
        now = self.clock()
        attempt.score, attempt.passed, attempt.finished_at = result.right, result.passed, now
        values = {"right": result.right, "total": result.total}
        if result.passed:
            friend.status = "vetted"
            conv.step = "done"
            return [text_message(text("quiz_passed", conv.language, **values))]
        attempts = await session.scalar(
            select(func.count()).select_from(QuizAttempt).where(QuizAttempt.friend_id == friend.id)
        )
        if int(attempts or 0) >= self.policy.attempts:
            conv.step = "quiz_over"
            return [text_message(text("quiz_failed_final", conv.language, **values))]
        conv.step = "quiz_wait"
        conv.data = dict(conv.data) | {"finished_at": now.isoformat()}
        when = self._when(quiz_rules.retry_at(now, self.policy), friend.country)
        return [text_message(text("quiz_failed_retry", conv.language, when=when, **values))]

    def _when(self, at: datetime, country: str) -> str:
        local = at.astimezone(ZoneInfo(time_zone(country)))
        return f"{local:%d.%m.%Y %H:%M}"
