"""Consistency of domain.yml, data/nlu.yml and bot/spacy_pipeline.py (no Rasa needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from actions.categories import CATEGORIES, CATEGORY_LABELS
from bot.spacy_pipeline import BRANDS, DEVICES, entity_patterns

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def _is_english(variant: dict[str, Any]) -> bool:
    return any(
        c.get("type") == "slot" and c.get("name") == "language" and c.get("value") == "en"
        for c in variant.get("condition") or []
    )


def test_every_response_has_a_german_default_and_an_english_variant() -> None:
    responses = _load("domain.yml")["responses"]
    assert responses
    for name, variants in responses.items():
        defaults = [v for v in variants if not v.get("condition")]
        english = [v for v in variants if _is_english(v)]
        assert len(defaults) == 1, f"{name}: one German default variant"
        assert len(english) == 1, f"{name}: one English variant"
        assert not any(v.get("channel") for v in variants), f"{name}: no channel variants"


def test_quick_replies_fit_messenger_and_match_the_category_labels() -> None:
    responses = _load("domain.yml")["responses"]
    for name, variants in responses.items():
        for variant in variants:
            language = "en" if _is_english(variant) else "de"
            for button in variant.get("buttons") or []:
                assert len(button["title"]) <= 20, f"{name}: {button['title']!r} too long"
                payload = button["payload"]
                if payload.startswith("/choose_category"):
                    category = json.loads(payload[len("/choose_category") :])["category"]
                    assert category in CATEGORIES
                    assert button["title"] == CATEGORY_LABELS[category][language]


def test_welcome_says_it_is_an_automated_assistant() -> None:
    welcome = _load("domain.yml")["responses"]["utter_welcome"]
    texts = {("en" if _is_english(v) else "de"): v["text"] for v in welcome}
    assert "automatische Assistent" in texts["de"]
    assert "automated assistant" in texts["en"]


def test_synonyms_cover_every_entity_ruler_variant() -> None:
    nlu = _load("data/nlu.yml")["nlu"]
    synonyms: dict[str, str] = {}
    for block in nlu:
        if "synonym" in block:
            for line in block["examples"].splitlines():
                variant = line.strip().removeprefix("- ").strip()
                if variant:
                    synonyms[variant] = block["synonym"]
    for table in (DEVICES, BRANDS):
        for canonical, variants in table.items():
            for variant in (canonical.lower(), *variants):
                if variant != canonical:
                    assert synonyms.get(variant) == canonical, variant


def test_entity_patterns_are_lower_case_token_patterns() -> None:
    patterns = entity_patterns()
    assert {p["label"] for p in patterns} == {"device", "brand"}
    for pattern in patterns:
        for token in pattern["pattern"]:
            assert set(token) == {"LOWER"}
            assert token["LOWER"] == token["LOWER"].lower()
