"""Per-language NLU table (issue 17): intent macro-F1 from the 5-fold cross-validation of the one
shared model, and the EntityRuler's F1 on each language's held-out set.

Run with the bot's venv from the repository root, after ``python -m tools.nlu_report cv current``
(which writes var/nlu-cv/current/intent_errors.json)::

    .venv-bot/bin/python -m tools.nlu_languages [CV_NAME]

All five languages are trained into ONE model (data/nlu.yml + data/nlu_after_booking.yml hold
German and English, data/nlu_<fr|it|pl>.yml the others; the e5 encoder is multilingual). The
cross-validation folds mix the languages; this script only splits the predictions by language:
an example of data/nlu_<code>.yml is language <code>, one of the German/English files is
``detect_language``'s verdict (German unless clearly English). Rasa writes the misclassified
examples only, so every other example counts as predicted correctly. Payload-only intents
(EXTERNAL_*, a single "/intent" example) are left out, as rasa's own report leaves nothing out
but they carry no language.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from typing import Any

from tools.nlu_common import OUT, ROOT

LANGUAGE_FILES = {"fr": "nlu_fr.yml", "it": "nlu_it.yml", "pl": "nlu_pl.yml"}
GERMAN_ENGLISH_FILES = ("nlu.yml", "nlu_after_booking.yml")
HELD_OUT = {
    "de/en": ROOT / "tests" / "nlu_heldout" / "entities.yml",
    "fr": ROOT / "tests" / "nlu_heldout" / "entities_fr.yml",
    "it": ROOT / "tests" / "nlu_heldout" / "entities_it.yml",
    "pl": ROOT / "tests" / "nlu_heldout" / "entities_pl.yml",
}


def labelled_examples() -> list[tuple[str, str, str]]:
    """(language, text, intent) of every typed training example."""
    from rasa.shared.nlu.training_data.loading import load_data

    from actions.language import detect_language

    rows: list[tuple[str, str, str]] = []
    for name in GERMAN_ENGLISH_FILES:
        for message in load_data(str(ROOT / "data" / name)).intent_examples:
            text = message.get("text")
            if text and not text.startswith("/") and not text.startswith("EXTERNAL"):
                rows.append((detect_language(text, "de"), text, message.get("intent")))
    for code, name in LANGUAGE_FILES.items():
        for message in load_data(str(ROOT / "data" / name)).intent_examples:
            rows.append((code, message.get("text"), message.get("intent")))
    return rows


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """Unweighted mean F1 over the intents that occur in ``gold``."""
    scores = []
    for intent in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == intent and p == intent)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != intent and p == intent)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == intent and p != intent)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def intent_table(cv_name: str) -> dict[str, dict[str, Any]]:
    errors_path = OUT / cv_name / "intent_errors.json"
    errors = json.loads(errors_path.read_text(encoding="utf-8"))
    wrong = {(e["text"], e["intent"]): e["intent_prediction"]["name"] for e in errors}
    by_language: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for language, text, intent in labelled_examples():
        gold, predicted = by_language[language]
        gold.append(intent)
        predicted.append(wrong.get((text, intent), intent))
    return {
        language: {
            "examples": len(gold),
            "macro_f1": macro_f1(gold, predicted),
            "accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold),
        }
        for language, (gold, predicted) in sorted(by_language.items())
    }


def entity_table() -> dict[str, dict[str, Any]]:
    from tools.nlu_common import load_nlu_data
    from tools.nlu_measures import evaluate_ruler

    table = {}
    for language, path in HELD_OUT.items():
        result = evaluate_ruler(load_nlu_data(path))
        table[language] = {"macro_f1": result["macro_f1"], "examples": result["examples"]}
    return table


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    cv_name = args[0] if args else "current"
    entities = entity_table()
    print("| language | entity F1, held-out (token, macro device/brand) | examples |")
    print("|---|---|---|")
    for language, row in entities.items():
        print(f"| {language} | {row['macro_f1']:.3f} | {row['examples']} |")
    if not (OUT / cv_name / "intent_errors.json").exists():
        print(f"no cross-validation in {OUT / cv_name}: run tools.nlu_report cv {cv_name}")
        return 1
    print()
    print("| language | intent macro-F1 (5-fold CV) | accuracy | examples |")
    print("|---|---|---|---|")
    for language, row in intent_table(cv_name).items():
        print(f"| {language} | {row['macro_f1']:.3f} | {row['accuracy']:.3f} | {row['examples']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
