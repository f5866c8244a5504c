"""The vetting quiz by chat, after the sign-up: questions one at a time, then the score.

The rules (drawing, scoring, when to retry) are backend/domain/quiz.py; each attempt is a
QuizAttempt row, so the next answer finds its question after a restart too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.messenger import quick_replies, text_message
from backend.adapters.orm import Friend, FriendConversation, QuizAttempt
from backend.domain import quiz as quiz_rules
from backend.domain.statuses import FriendStatus
from backend.friends_chat.texts import text
from product.countries import time_zone

Replies = list[dict[str, Any]]


@dataclass
class Quiz:
    bank: dict[str, quiz_rules.Question]
    policy: quiz_rules.QuizPolicy
    clock: Callable[[], datetime]

    async def start(
        self, session: AsyncSession, conv: FriendConversation, friend: Friend, first: bool
    ) -> Replies:
        """A new attempt (the intro first time); after the last one, the quiz is over."""
        number = await _attempts(session, friend) + 1
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
        replies: Replies = []
        if first:
            intro = text(
                "quiz_intro",
                conv.language,
                count=len(questions),
                mark=self.policy.pass_mark,
                per_skill=self.policy.per_skill,
            )
            replies.append(text_message(intro))
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

    async def answer(
        self, session: AsyncSession, conv: FriendConversation, friend: Friend, answer: str
    ) -> Replies:
        """One answer: the next question, or at the end the score (and vetted, or a retry)."""
        attempt = await session.get(QuizAttempt, int(conv.data["attempt_id"]))
        assert attempt is not None
        question = self.bank[attempt.questions[len(attempt.answers)]]
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
        return await self._finish(session, conv, friend, attempt)

    async def _finish(
        self,
        session: AsyncSession,
        conv: FriendConversation,
        friend: Friend,
        attempt: QuizAttempt,
    ) -> Replies:
        result = quiz_rules.score(
            self.bank, attempt.questions, [int(a) for a in attempt.answers], self.policy
        )
        now = self.clock()
        attempt.score, attempt.passed, attempt.finished_at = result.right, result.passed, now
        values = {"right": result.right, "total": result.total}
        if result.passed:
            friend.status = FriendStatus.VETTED
            conv.step = "done"
            return [text_message(text("quiz_passed", conv.language, **values))]
        if await _attempts(session, friend) >= self.policy.attempts:
            conv.step = "quiz_over"
            return [text_message(text("quiz_failed_final", conv.language, **values))]
        conv.step = "quiz_wait"
        conv.data = dict(conv.data) | {"finished_at": now.isoformat()}
        when = self.when(quiz_rules.retry_at(now, self.policy), friend.country)
        return [text_message(text("quiz_failed_retry", conv.language, when=when, **values))]

    async def wait_or_retry(
        self, session: AsyncSession, conv: FriendConversation, friend: Friend
    ) -> Replies:
        """After a failed first attempt: how long to wait, or the second attempt."""
        finished_at = datetime.fromisoformat(str(conv.data["finished_at"]))
        retry = quiz_rules.retry_at(finished_at, self.policy)
        if self.clock() < retry:
            return [
                text_message(
                    text("quiz_wait", conv.language, when=self.when(retry, friend.country))
                )
            ]
        return await self.start(session, conv, friend, first=False)

    def when(self, at: datetime, country: str) -> str:
        local = at.astimezone(ZoneInfo(time_zone(country)))
        return f"{local:%d.%m.%Y %H:%M}"


async def _attempts(session: AsyncSession, friend: Friend) -> int:
    done = await session.scalar(
        select(func.count()).select_from(QuizAttempt).where(QuizAttempt.friend_id == friend.id)
    )
    return int(done or 0)
