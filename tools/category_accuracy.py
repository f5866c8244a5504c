"""How often the assistant takes the right category at once for a first message (issue 17).

    .venv-bot/bin/python -m tools.category_accuracy                 # models/techfriends.tar.gz
    .venv-bot/bin/python -m tools.category_accuracy --model PATH    # another trained model
    .venv-bot/bin/python -m tools.category_accuracy --train         # `rasa train nlu` once first

A first message counts as right when
- it describes a problem of category C: the intent is describe_problem (or choose_category)
  and actions/categories.py is confident about C;
- it is expected as "other": describe_problem, and the classifier is not confident (the bot asks);
- it is a question about the service (expected intent, e.g. ask_who_comes): that intent.
"Shortlist" also counts a problem as right when the bot asks and its two or three offered
categories include the right one (categories.shortlist), which is what the customer sees.

Prints one table for the dev set (tests/nlu_heldout/first_messages_dev.yml, may be tuned on)
and one for the held-out set (first_messages.yml, never tuned on), then the misses.
Runs in .venv-bot from the repository root (config.yml's spaCy path is relative to it).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actions import categories
from product.categories import CATEGORIES
from tools.nlu_common import HELD_OUT_DIR, MODEL, ROOT, untyped, yaml_load

SETS = {
    "dev": HELD_OUT_DIR / "first_messages_dev.yml",
    "held-out": HELD_OUT_DIR / "first_messages.yml",
}
PROBLEM_INTENTS = frozenset({"describe_problem", "choose_category"})


@dataclass(frozen=True)
class Outcome:
    text: str
    expect: str
    intent: str
    category: str | None
    offered: tuple[str, ...]

    @property
    def right(self) -> bool:
        if self.expect not in CATEGORIES:
            return self.intent == self.expect
        if self.intent not in PROBLEM_INTENTS:
            return False
        wanted = None if self.expect == "other" else self.expect
        return self.category == wanted

    @property
    def right_or_offered(self) -> bool:
        if self.right:
            return True
        return (
            self.expect in CATEGORIES
            and self.intent in PROBLEM_INTENTS
            and self.category is None
            and self.expect in self.offered[:-1]
        )


def load_set(path: Path) -> list[tuple[str, str]]:
    data = yaml_load(path.read_text(encoding="utf-8"))
    return [(str(row["text"]), str(row["expect"])) for row in data["messages"]]


def outcome(text: str, expect: str, intent: str) -> Outcome:
    found = categories.classify(text)
    return Outcome(text, expect, intent, found.category, categories.shortlist(found.scores))


def train(output: Path) -> Path:
    """`rasa train nlu` with config.yml and data/ into ``output``; the model's path."""
    training = untyped("rasa.model_training")
    result = training.train_nlu(
        config=str(ROOT / "config.yml"),
        nlu_data=str(ROOT / "data"),
        output=str(output),
        domain=str(ROOT / "domain.yml"),
    )
    return Path(str(result))


async def parse_all(model: Path, texts: list[str]) -> list[str]:
    # Only warnings: rasa logs every parsed message at debug level.
    untyped("rasa.utils.common").configure_logging_and_warnings(logging.WARNING)
    untyped("rasa.utils.log_utils").configure_structlog(logging.WARNING)
    agent_module = untyped("rasa.core.agent")
    agent: Any = agent_module.Agent.load(str(model))
    intents: list[str] = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intents.append(str((parsed.get("intent") or {}).get("name")))
    return intents


def training_texts() -> set[str]:
    """Every training example in data/, entity annotations removed, normalised."""
    annotation = re.compile(r"\[([^\]]+)\]\((?:device|brand)\)")
    texts: set[str] = set()
    for path in (ROOT / "data").glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("    - "):
                texts.add(categories.normalise(annotation.sub(r"\1", line[6:])))
    return texts


def report(name: str, outcomes: list[Outcome]) -> list[str]:
    lines = _summary(name, outcomes)
    seen = training_texts()
    unseen = [o for o in outcomes if categories.normalise(o.text) not in seen]
    if len(unseen) < len(outcomes):
        lines += _summary(f"{name} without the {len(outcomes) - len(unseen)} also in data/", unseen)
    for o in outcomes:
        if not o.right:
            mark = "offered" if o.right_or_offered else "MISS"
            lines.append(
                f"  {mark:7} {o.text!r}: expected {o.expect}, got intent {o.intent}, "
                f"category {o.category}, offered {','.join(o.offered) or 'all'}"
            )
    return lines


def _summary(name: str, outcomes: list[Outcome]) -> list[str]:
    total = len(outcomes)
    right = sum(o.right for o in outcomes)
    offered = sum(o.right_or_offered for o in outcomes)
    lines = [
        f"{name}: {right}/{total} right at once = {right / total:.1%}; "
        f"right or among the offered two or three = {offered}/{total} = {offered / total:.1%}"
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--train", action="store_true", help="train an NLU model first")
    args = parser.parse_args(argv)
    model: Path = args.model
    with tempfile.TemporaryDirectory() as scratch:
        if args.train:
            model = train(Path(scratch))
        sets = {name: load_set(path) for name, path in SETS.items()}
        texts = [text for rows in sets.values() for text, _ in rows]
        intents = dict(zip(texts, asyncio.run(parse_all(model, texts)), strict=True))
    for name, rows in sets.items():
        outcomes = [outcome(text, expect, intents[text]) for text, expect in rows]
        print("\n".join(report(name, outcomes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
