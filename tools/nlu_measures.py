"""Measurements on sets outside the cross-validation: the EntityRuler, names, gibberish.

The sets are in tests/nlu_heldout/ (outside data/, so Rasa never trains on them):
``dev_*.yml`` were looked at while the vocabulary and data were changed (development sets, their
scores are optimistic); ``entities.yml`` and ``names.yml`` are held out: written before the
pipeline was run on them, and nothing is tuned on them.
"""

from __future__ import annotations

import asyncio
import random
import string
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.nlu_common import (
    ENTITY_LABELS,
    HELD_OUT_DIR,
    ROOT,
    build_spacy,
    load_nlu_data,
    untyped,
    variant_config,
    yaml_dump,
    yaml_load,
)

# name -> (file or None for data/, what the set is), in the report's order.
ENTITY_SETS: dict[str, tuple[Path | None, str]] = {
    "entity_ruler": (None, "training data (data/), annotations follow the ruler"),
    "entity_ruler_dev": (HELD_OUT_DIR / "dev_entities.yml", "development set (used for tuning)"),
    "entity_ruler_held_out": (HELD_OUT_DIR / "entities.yml", "held-out set"),
}
NAME_SETS: dict[str, Path] = {
    "development names": HELD_OUT_DIR / "dev_names.yml",
    "held-out names": HELD_OUT_DIR / "names.yml",
}
FALLBACK = "nlu_fallback"
GIBBERISH_SEED = 2026
GIBBERISH_COUNT = 200
# The three misunderstood messages of the hand-off test (tests/bot/test_channel_with_rasa.py).
HANDOFF_GIBBERISH = ("qwrtz plmkn", "xjq vbnm zzt", "qqq wvx jjk")


def _token_labels(tokens: list[tuple[int, int]], spans: list[tuple[int, int, str]]) -> list[str]:
    labels = []
    for start, end in tokens:
        label = "no_entity"
        for span_start, span_end, span_label in spans:
            if start >= span_start and end <= span_end:
                label = span_label
        labels.append(label)
    return labels


def load_entity_set(name: str) -> Any:
    path, _ = ENTITY_SETS[name]
    return load_nlu_data(path) if path is not None else load_nlu_data()


def _compare(nlp: Any, data: Any) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Token labels annotated and found by the ruler over every example, and the examples on
    which they disagree."""
    targets: list[str] = []
    predictions: list[str] = []
    disagreements: list[dict[str, Any]] = []
    for message in data.nlu_examples:
        text = message.get("text")
        if not text:
            continue
        # SpacyNLP runs with case_sensitive: false, i.e. on the lower-cased text.
        doc = nlp(text.lower())
        tokens = [(t.idx, t.idx + len(t)) for t in doc]
        annotated = [
            (e["start"], e["end"], e["entity"])
            for e in message.get("entities") or []
            if e["entity"] in ENTITY_LABELS
        ]
        found = [
            (e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in ENTITY_LABELS
        ]
        target = _token_labels(tokens, annotated)
        predicted = _token_labels(tokens, found)
        targets += target
        predictions += predicted
        if target != predicted:
            disagreements.append(
                {
                    "text": text,
                    "annotated": [(text[s:e], label) for s, e, label in annotated],
                    "ruler": [(text[s:e], label) for s, e, label in found],
                }
            )
    return targets, predictions, disagreements


def evaluate_ruler(data: Any) -> dict[str, Any]:
    """Token-level precision/recall/F1 of the ruler per label and their macro average (the
    way rasa scores entities), and every disagreement."""
    import spacy

    with tempfile.TemporaryDirectory() as directory:
        nlp = spacy.load(build_spacy(Path(directory)))
    targets, predictions, disagreements = _compare(nlp, data)
    precision, recall, f1, support = untyped("sklearn.metrics").precision_recall_fscore_support(
        targets, predictions, labels=list(ENTITY_LABELS), zero_division=0
    )
    per_label = {
        label: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1-score": float(f1[i]),
            "support": int(support[i]),
        }
        for i, label in enumerate(ENTITY_LABELS)
    }

    def macro(key: str) -> float:
        return sum(v[key] for v in per_label.values()) / len(per_label)

    examples = [m for m in data.nlu_examples if m.get("text")]
    return {
        "labels": per_label,
        "macro_precision": macro("precision"),
        "macro_recall": macro("recall"),
        "macro_f1": macro("f1-score"),
        "examples": len(examples),
        "without_entities": sum(not m.get("entities") for m in examples),
        "disagreements": disagreements,
    }


# --- names and gibberish through a trained model ------------------------------------------------


def parser(model: Path) -> Callable[[str], dict[str, Any]]:
    """Parse texts with the NLU of a trained model (no conversation: intent only)."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> dict[str, Any]:
        result: dict[str, Any] = loop.run_until_complete(agent.parse_message(text))
        return result

    return parse


def _examples(path: Path) -> list[str]:
    """The example texts of a Rasa NLU file (names carry no annotations)."""
    document: dict[str, Any] = yaml_load(path.read_text(encoding="utf-8"))
    return [
        line[2:].strip()
        for block in document["nlu"]
        for line in str(block.get("examples", "")).splitlines()
        if line.startswith("- ")
    ]


def evaluate_names(model: Path) -> dict[str, Any]:
    """How the model reads each full name of the development and held-out name sets."""
    parse = parser(model)
    result: dict[str, Any] = {"model": str(model.relative_to(ROOT))}
    fingerprint = model.with_suffix("").with_suffix(".fingerprint")
    if fingerprint.exists():
        result["model_fingerprint"] = fingerprint.read_text(encoding="utf-8").strip()[:12]
    for title, path in NAME_SETS.items():
        read = []
        for name in _examples(path):
            intent = parse(name)["intent"]
            read.append(
                {"text": name, "intent": intent["name"], "confidence": intent["confidence"]}
            )
        result[title] = {
            "file": str(path.relative_to(ROOT)),
            "counts": dict(Counter(str(r["intent"]) for r in read).most_common()),
            "read": read,
        }
    return result


def letter_strings(count: int = GIBBERISH_COUNT, seed: int = GIBBERISH_SEED) -> list[str]:
    """Random lower-case "messages" of one to three words of three to seven letters."""
    rng = random.Random(seed)
    return [
        " ".join(
            "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 7)))
            for _ in range(rng.randint(1, 3))
        )
        for _ in range(count)
    ]


def _train_nlu(variant: str, directory: Path) -> Path:
    from rasa.model_training import train_nlu

    config = directory / f"{variant}.yml"
    settings = variant_config(variant, build_spacy(directory / "spacy"))
    config.write_text(yaml_dump(settings, sort_keys=False), encoding="utf-8")
    model = train_nlu(str(config), str(ROOT / "data"), str(directory), fixed_model_name=variant)
    if model is None:
        raise RuntimeError(f"rasa trained no model for {variant}")
    return Path(model)


def evaluate_gibberish() -> dict[str, Any]:
    """Share of random letter strings the FallbackClassifier catches, with the "none of these"
    score of bot/intent_classifier.py (config.yml as it is) and without it (no_reject); both
    models trained on data/ here, in one process (the e5 vectors are computed once)."""
    words = untyped("bot.intent_classifier").words

    texts = letter_strings()
    # The score only applies to a message with no word from the training data.
    known = {w for m in load_nlu_data().intent_examples for w in words(m.get("text") or "")}
    result: dict[str, Any] = {
        "count": len(texts),
        "seed": GIBBERISH_SEED,
        "with_known_word": sum(not known.isdisjoint(words(text)) for text in texts),
    }
    with tempfile.TemporaryDirectory() as directory:
        for variant in ("current", "no_reject"):
            parse = parser(_train_nlu(variant, Path(directory)))
            intents = [parse(text)["intent"]["name"] for text in texts]
            result[variant] = {
                "fallback": intents.count(FALLBACK),
                "most_common": dict(Counter(intents).most_common(5)),
                "handoff_test": {text: parse(text)["intent"]["name"] for text in HANDOFF_GIBBERISH},
            }
    return result
