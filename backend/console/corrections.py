"""Misunderstood messages flagged by staff, exported as Rasa NLU training data."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import yaml

from backend.config import ROOT

INTENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")


def valid_intent(name: str) -> bool:
    return bool(INTENT_NAME.match(name))


def known_intents(domain_file: Path = ROOT / "domain.yml") -> list[str]:
    """The assistant's intents, for the staff's choice (empty when domain.yml is missing)."""
    try:
        domain = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    names = []
    for item in domain.get("intents") or []:
        name = item if isinstance(item, str) else next(iter(item), "")
        if name and not str(name).startswith("EXTERNAL_"):
            names.append(str(name))
    return sorted(names)


def nlu_yaml(corrections: list[tuple[str, str]]) -> str:
    """Rasa 3 NLU YAML from (text, intent) pairs: one block per intent, no duplicate examples."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in corrections:
        line = " ".join(text.split())
        if line and line not in by_intent[intent]:
            by_intent[intent].append(line)
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {example}" for example in by_intent[intent])
    return "\n".join(lines) + "\n"
