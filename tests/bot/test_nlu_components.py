"""The NLU components of bot/ (the e5 sentence featurizer and the linear intent classifier),
run in .venv-bot by tests/bot/nlu_components_check.py, which prints what it observed."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from tools.stack import BOT_PYTHON, ROOT


@pytest.fixture(scope="module")
def observed() -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [str(BOT_PYTHON), "-m", "tests.bot.nlu_components_check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_featurizer_adds_one_unit_length_sentence_vector(observed: dict[str, Any]) -> None:
    assert observed["shape"] == [1, 384]
    assert observed["norm"] == pytest.approx(1.0, abs=1e-3)
    assert observed["empty_has_features"] is False


def test_the_same_question_in_german_and_english_lies_closer_than_another_topic(
    observed: dict[str, Any],
) -> None:
    assert observed["similar_across_languages"] > observed["unrelated"] + 0.05


def test_the_classifier_survives_storage_and_reads_unseen_sentences(
    observed: dict[str, Any],
) -> None:
    for text, seen in observed["predictions"].items():
        assert seen["intent"] == seen["expected"], text


def test_confidences_are_a_ranked_distribution(observed: dict[str, Any]) -> None:
    ranking = observed["ranking"]
    assert ranking == sorted(ranking, reverse=True)
    assert 0 < sum(ranking) <= 1.0 + 1e-6
    assert observed["temperature"] > 0


def test_a_message_without_a_known_word_keeps_some_confidence_for_none_of_these(
    observed: dict[str, Any],
) -> None:
    assert observed["gibberish_total"] < 0.99
    assert observed["known_word_total"] == pytest.approx(1.0)


def test_no_features_or_no_training_gives_no_intent(observed: dict[str, Any]) -> None:
    # As DIET says it: no name, no confidence (None made the FallbackClassifier crash).
    assert observed["no_features_intent"] == {"name": None, "confidence": 0.0}
    assert observed["untrained_intent"] == {"name": None, "confidence": 0.0}


def test_the_fallback_classifier_answers_when_there_is_no_intent(
    observed: dict[str, Any],
) -> None:
    assert observed["after_fallback"] == {
        "untrained": "nlu_fallback",
        "no_features": "nlu_fallback",
        "trained": "describe_problem",
    }


def test_two_intents_are_both_ranked(observed: dict[str, Any]) -> None:
    names = [name for name, _ in observed["two_intents"]]
    assert sorted(names) == ["ask_who_comes", "describe_problem"]
    assert names[0] == "describe_problem"
    assert sum(confidence for _, confidence in observed["two_intents"]) == pytest.approx(1.0)
