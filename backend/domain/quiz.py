"""The vetting quiz: drawing questions from the bank, scoring the answers, when to retry."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from product.categories import CATEGORIES
from product.languages import DEFAULT_LANGUAGE, LANGUAGES

LETTERS = "ABCDEF"


@dataclass(frozen=True)
class Question:
    id: str
    skill: str
    answer: int
    # language → (question, options)
    texts: dict[str, tuple[str, tuple[str, ...]]]

    def prompt(self, language: str) -> tuple[str, tuple[str, ...]]:
        return self.texts.get(language, self.texts[DEFAULT_LANGUAGE])


@dataclass(frozen=True)
class QuizPolicy:
    per_skill: int = 5
    # Right answers needed out of per_skill, for every chosen skill.
    pass_mark: int = 4
    retry_after: timedelta = timedelta(hours=24)
    # Attempts in all: the first and one retry.
    attempts: int = 2


class BankError(ValueError):
    """The question bank file is not usable; raised at start-up, not mid-quiz."""


def bank_from(raw: Any, source: str, minimum: int = 6) -> dict[str, Question]:
    """Every question of the bank's data (from `source`, named in errors) by id; checks each
    skill has enough questions in every language."""
    if not isinstance(raw, dict):
        raise BankError(f"{source}: expected a mapping of skill → questions")
    bank: dict[str, Question] = {}
    for skill in CATEGORIES:
        items = raw.get(skill) or []
        if len(items) < minimum:
            raise BankError(f"{source}: {skill} has {len(items)} questions, needs {minimum}")
        for item in items:
            texts: dict[str, tuple[str, tuple[str, ...]]] = {}
            for language in LANGUAGES:
                part = item[language]
                texts[language] = (str(part["question"]), tuple(str(o) for o in part["options"]))
            counts = {len(options) for _, options in texts.values()}
            answer = int(item["answer"])
            if len(counts) != 1 or not 0 <= answer < counts.pop():
                raise BankError(f"{source}: {item['id']}: options or answer do not fit")
            bank[str(item["id"])] = Question(str(item["id"]), skill, answer, texts)
    return bank


def draw(bank: dict[str, Question], skills: list[str], seed: str, per_skill: int = 5) -> list[str]:
    """per_skill questions for each skill, all in one shuffled order; the same seed (the
    Friend and the attempt) always draws the same quiz."""
    rng = random.Random(seed)
    chosen: list[str] = []
    for skill in sorted(set(skills)):
        ids = sorted(q.id for q in bank.values() if q.skill == skill)
        chosen.extend(rng.sample(ids, min(per_skill, len(ids))))
    rng.shuffle(chosen)
    return chosen


# Words around a typed letter that do not change it, in every language: "Antwort B",
# "réponse b", "c'est la B", "la risposta è C", "odpowiedź A", "odp. b".
_ANSWER_WORDS = frozenset(
    [
        "antwort",
        "ist",
        "die",
        "answer",
        "the",
        "it",
        "is",
        "réponse",
        "reponse",
        "c",
        "est",
        "la",
        "le",
        "l",
        "option",
        "risposta",
        "è",
        "e",
        "opzione",
        "odpowiedź",
        "odpowiedz",
        "odp",
        "to",
        "jest",
    ]
)


def parse_answer(raw: str, options: int) -> int | None:
    """ "B", "b)", "2", "réponse B", "la risposta è C" → the option's index; anything else None
    (the question is asked again)."""
    words = re.findall(r"\w+", raw.lower())
    if len(words) > 1 and all(word in _ANSWER_WORDS for word in words[:-1]):
        raw = words[-1]
    cleaned = raw.strip().upper().rstrip(").:")
    if len(cleaned) == 1 and cleaned in LETTERS[:options]:
        return LETTERS.index(cleaned)
    if cleaned.isdigit() and 1 <= int(cleaned) <= options:
        return int(cleaned) - 1
    return None


@dataclass(frozen=True)
class Score:
    right: int
    total: int
    per_skill: dict[str, tuple[int, int]]  # skill → (right, asked)
    passed: bool


def score(
    bank: dict[str, Question], questions: list[str], answers: list[int], policy: QuizPolicy
) -> Score:
    """Passed when every skill reaches the pass mark (scaled if fewer questions were asked)."""
    per_skill: dict[str, tuple[int, int]] = {}
    for question_id, answer in zip(questions, answers, strict=False):
        question = bank[question_id]
        right, asked = per_skill.get(question.skill, (0, 0))
        per_skill[question.skill] = (right + (answer == question.answer), asked + 1)
    unanswered = len(answers) < len(questions)
    passed = not unanswered and all(
        right * policy.per_skill >= policy.pass_mark * asked for right, asked in per_skill.values()
    )
    right = sum(r for r, _ in per_skill.values())
    return Score(right, len(questions), per_skill, passed and bool(questions))


def retry_at(finished_at: datetime, policy: QuizPolicy) -> datetime:
    return finished_at + policy.retry_after
