"""The NLU evaluation sets in tests/nlu_heldout/ parse and stay out of the training data.

Rasa trains on every file in data/, so a held-out sentence copied into data/ (or a name added
to the training names) would silently turn the held-out score into a training score. The
development sets are checked the same way: they were looked at, but never trained on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.stack import ROOT

SETS = ROOT / "tests" / "nlu_heldout"
ANNOTATION = re.compile(r"\[([^\]]+)\]\(([a-z_]+)\)")
LABELS = {"device", "brand"}


def examples(path: Path) -> list[str]:
    """The example lines of a Rasa NLU file, annotations kept."""
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        line[2:].strip()
        for block in document.get("nlu") or []
        for line in str(block.get("examples", "")).splitlines()
        if line.startswith("- ")
    ]


def plain(example: str) -> str:
    """The text a customer typed, compared without case, punctuation or extra spaces."""
    text = ANNOTATION.sub(lambda m: m.group(1), example).lower()
    return " ".join(re.findall(r"\w+", text))


def training_texts() -> set[str]:
    return {plain(e) for path in sorted((ROOT / "data").rglob("*.yml")) for e in examples(path)}


@pytest.mark.parametrize(
    ("name", "at_least"),
    [("entities.yml", 40), ("names.yml", 32), ("dev_entities.yml", 40), ("dev_names.yml", 30)],
)
def test_each_set_parses_with_its_annotations(name: str, at_least: int) -> None:
    found = examples(SETS / name)
    assert len(found) >= at_least
    assert len({plain(e) for e in found}) == len(found), "a sentence is in the set twice"
    for example in found:
        assert {label for _, label in ANNOTATION.findall(example)} <= LABELS, example
        assert "[" not in ANNOTATION.sub("", example), f"broken annotation: {example}"


def test_no_held_out_or_development_sentence_is_in_the_training_data() -> None:
    training = training_texts()
    for name in ("entities.yml", "dev_entities.yml", "names.yml", "dev_names.yml"):
        leaked = [e for e in examples(SETS / name) if plain(e) in training]
        assert not leaked, f"{name}: in data/: {leaked}"


def test_no_held_out_name_occurs_inside_a_training_sentence() -> None:
    training = training_texts()
    for name in ("names.yml", "dev_names.yml"):
        for full_name in map(plain, examples(SETS / name)):
            pattern = re.compile(rf"\b{re.escape(full_name)}\b")
            assert not any(pattern.search(text) for text in training), full_name


def test_the_held_out_sets_share_nothing_with_the_development_sets() -> None:
    for held_out, development in (
        ("entities.yml", "dev_entities.yml"),
        ("names.yml", "dev_names.yml"),
    ):
        shared = {plain(e) for e in examples(SETS / held_out)} & {
            plain(e) for e in examples(SETS / development)
        }
        assert not shared, shared
