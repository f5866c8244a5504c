"""The vetting quiz (bank, draw, scoring) and the checks for what a new Friend types."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from backend.adapters.config_files import load_bank
from backend.config import Settings
from backend.domain.jobs import normalise_phone
from backend.domain.quiz import BankError, QuizPolicy, draw, parse_answer, score
from backend.domain.signup import clean_name, languages_from, postal_code_in, radius_in
from product.categories import CATEGORIES
from product.languages import LANGUAGES

BANK = load_bank()
POLICY = QuizPolicy()


def test_the_bank_has_six_questions_per_skill_in_every_language() -> None:
    for skill in CATEGORIES:
        questions = [q for q in BANK.values() if q.skill == skill]
        assert len(questions) >= 6
        for q in questions:
            assert set(q.texts) == set(LANGUAGES)
            assert len({len(options) for _, options in q.texts.values()}) == 1
            assert len(q.texts["de"][1]) > q.answer
            # Each language's question is its own text, not a copy of another one.
            assert len({question for question, _ in q.texts.values()}) == len(LANGUAGES), q.id


def test_a_bank_with_too_few_questions_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "quiz.yml"
    path.write_text("internet_wifi: []\n", encoding="utf-8")
    with pytest.raises(BankError):
        load_bank(path)


def test_draw_takes_five_per_skill_shuffled_and_reproducible() -> None:
    first = draw(BANK, ["computer", "printer"], "friend-7:1")
    assert first == draw(BANK, ["printer", "computer"], "friend-7:1")
    assert len(first) == len(set(first)) == 10
    assert sum(BANK[q].skill == "computer" for q in first) == 5
    # Shuffled: the two skills are mixed, not one block after the other.
    skills = [BANK[q].skill for q in first]
    assert skills != sorted(skills) and skills != sorted(skills, reverse=True)
    seeds = {tuple(draw(BANK, ["computer", "printer"], f"friend-{n}:1")) for n in range(10)}
    assert len(seeds) > 1


def _answers(questions: list[str], wrong: set[str]) -> list[int]:
    return [(BANK[q].answer + 1) % 3 if q in wrong else BANK[q].answer for q in questions]


def test_four_of_five_passes_three_fails() -> None:
    questions = draw(BANK, ["computer"], "s")
    assert score(BANK, questions, _answers(questions, set()), POLICY).passed
    one_wrong = score(BANK, questions, _answers(questions, set(questions[:1])), POLICY)
    assert one_wrong.passed and one_wrong.right == 4 and one_wrong.total == 5
    two_wrong = score(BANK, questions, _answers(questions, set(questions[:2])), POLICY)
    assert not two_wrong.passed and two_wrong.right == 3


def test_every_skill_must_reach_the_pass_mark() -> None:
    questions = draw(BANK, ["computer", "printer"], "s")
    printer = [q for q in questions if BANK[q].skill == "printer"]
    result = score(BANK, questions, _answers(questions, set(printer[:2])), POLICY)
    assert result.right == 8 and not result.passed
    assert result.per_skill == {"computer": (5, 5), "printer": (3, 5)}


def test_the_pass_mark_is_configurable() -> None:
    questions = draw(BANK, ["computer"], "s")
    answers = _answers(questions, set(questions[:2]))
    assert score(BANK, questions, answers, QuizPolicy(pass_mark=3)).passed


def test_an_unfinished_quiz_does_not_pass() -> None:
    questions = draw(BANK, ["computer"], "s")
    assert not score(BANK, questions, _answers(questions, set())[:4], POLICY).passed


@pytest.mark.parametrize(
    ("typed", "index"),
    [
        ("A", 0),
        ("b", 1),
        ("C)", 2),
        ("2", 1),
        ("D", None),
        ("Antwort B", 1),
        ("réponse b", 1),
        ("C'est la C", 2),
        ("la risposta è A", 0),
        ("odpowiedź c", 2),
        ("bonjour", None),
        ("je ne sais pas b", None),
    ],
)
def test_answers_by_letter_or_number(typed: str, index: int | None) -> None:
    assert parse_answer(typed, 3) == index


def test_signup_checks() -> None:
    assert clean_name("  Anna   Schmidt ") == "Anna Schmidt"
    assert clean_name("12345") is None and clean_name("") is None
    assert postal_code_in("PLZ 10115 Berlin") == "10115"
    assert postal_code_in("Berlin") is None
    assert languages_from("Français et italien") == ["fr", "it"]
    assert languages_from("polski") == ["pl"] and languages_from("wloski") == ["it"]
    assert languages_from("toutes") == list(LANGUAGES)
    assert radius_in("15 km") == 15 and radius_in("0") is None and radius_in("weit") is None
    assert normalise_phone("0171 9876543", "DE") == "+491719876543"
    assert normalise_phone("0664 1234567", "AT") == "+436641234567"
    assert normalise_phone("079 123 45 67", "CH") == "+41791234567"
    assert normalise_phone("+41 79 123 45 67", "DE") == "+41791234567"
    assert normalise_phone("12", "DE") is None and normalise_phone("hallo", "DE") is None


def test_the_quiz_is_configured_from_the_environment() -> None:
    settings = Settings.from_env({"QUIZ_PASS_MARK": "3", "QUIZ_RETRY_HOURS": "48"})
    assert settings.quiz == QuizPolicy(pass_mark=3, retry_after=timedelta(hours=48))
    assert Settings.from_env({}).quiz == QuizPolicy()
