"""How often the assistant takes the right category at once for a first message (issue 17).

    .venv-bot/bin/python -m tools.category_accuracy                 # models/techfriends.tar.gz
    .venv-bot/bin/python -m tools.category_accuracy --model PATH    # another trained model
    .venv-bot/bin/python -m tools.category_accuracy --train         # `rasa train nlu` once first
    .venv-bot/bin/python -m tools.category_accuracy --keywords-only # the keyword scorer alone

A first message counts as right when
- it describes a problem of category C: the intent is describe_problem (or choose_category)
  and actions/categories.py is confident about C;
- it is expected as "other": describe_problem, and the classifier is not confident (the bot asks);
- it is a question about the service (expected intent, e.g. ask_who_comes): that intent.
"Shortlist" also counts a problem as right when the bot asks and its two or three offered
categories include the right one (categories.shortlist), which is what the customer sees.

Per language, one line for the dev set (tests/nlu_heldout/first_messages_dev.yml and
first_messages_<lang>_dev.yml, may be tuned on) and one for the held-out set (first_messages.yml
and first_messages_<lang>.yml, never tuned on), each followed by its misses; then a table of
every language. German and English share one pair of files ("de+en").

``--keywords-only`` needs no model: every problem description counts as describe_problem, so
the numbers are those of actions/categories.py alone, and the service questions are left out.
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

# (language, set) -> file
SETS: dict[tuple[str, str], Path] = {
    ("de+en", "dev"): HELD_OUT_DIR / "first_messages_dev.yml",
    ("de+en", "held-out"): HELD_OUT_DIR / "first_messages.yml",
    **{
        (language, name): HELD_OUT_DIR / f"first_messages_{language}{suffix}.yml"
        for language in ("fr", "it", "pl")
        for name, suffix in (("dev", "_dev"), ("held-out", ""))
    },
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


def table(results: dict[tuple[str, str], list[Outcome]]) -> list[str]:
    """One row per language: right at once and right or offered, dev and held-out."""

    def cell(outcomes: list[Outcome] | None) -> str:
        if not outcomes:
            return f"{'-':>23}"
        total = len(outcomes)
        right = sum(o.right for o in outcomes) / total
        offered = sum(o.right_or_offered for o in outcomes) / total
        return f"{right:>7.1%} {offered:>7.1%} {total:>5}"

    languages = list(dict.fromkeys(language for language, _ in results))
    lines = [
        f"{'language':9} {'dev: right':>10} {'offered':>7} {'n':>5}   "
        f"{'held-out: right':>15} {'offered':>7} {'n':>5}"
    ]
    for language in languages:
        dev = cell(results.get((language, "dev")))
        held_out = cell(results.get((language, "held-out")))
        lines.append(f"{language:9}    {dev}          {held_out}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--train", action="store_true", help="train an NLU model first")
    parser.add_argument(
        "--keywords-only",
        action="store_true",
        help="no model: problem descriptions count as describe_problem, questions are left out",
    )
    args = parser.parse_args(argv)
    model: Path = args.model
    sets = {key: load_set(path) for key, path in SETS.items() if path.exists()}
    if args.keywords_only:
        sets = {
            key: [(text, expect) for text, expect in rows if expect in CATEGORIES]
            for key, rows in sets.items()
        }
        intents = {text: "describe_problem" for rows in sets.values() for text, _ in rows}
    else:
        with tempfile.TemporaryDirectory() as scratch:
            if args.train:
                model = train(Path(scratch))
            texts = list(dict.fromkeys(text for rows in sets.values() for text, _ in rows))
            intents = dict(zip(texts, asyncio.run(parse_all(model, texts)), strict=True))
    results: dict[tuple[str, str], list[Outcome]] = {}
    for (language, name), rows in sets.items():
        outcomes = [outcome(text, expect, intents[text]) for text, expect in rows]
        results[(language, name)] = outcomes
        print("\n".join(report(f"{language} {name}", outcomes)))
    print()
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
