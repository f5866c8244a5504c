"""What the NLU measurements share: paths, the configuration variants, the data loaders.

Runs in .venv-bot (Rasa and spaCy are imported inside the functions, so importing this module
costs nothing). The commands are in tools/nlu_report.py.
"""

from __future__ import annotations

import importlib
import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "nlu-cv"
MODEL = ROOT / "models" / "techfriends.tar.gz"
HELD_OUT_DIR = ROOT / "tests" / "nlu_heldout"
FOLDS = 5
FOLD_SEED = 2026
# The seed of `rasa data split nlu` the one-split screens use (the same fifth for every run).
SPLIT_SEED = 7
ENTITY_LABELS = ("device", "brand")

_LINEAR = "bot.intent_classifier.LinearIntentClassifier#0"
_ENCODER = "bot.sentence_embeddings.SentenceEmbeddingFeaturizer#0"
_DIET = {
    "name": "DIETClassifier",
    "number_of_transformer_layers": 0,
    "entity_recognition": False,
    "constrain_similarities": True,
    "random_seed": 42,
}

# Alternatives to config.yml, as changes to its pipeline: component name -> settings to
# override (a list index picks one of several components with the same name; None removes it).
VARIANTS: dict[str, dict[str, Any]] = {
    "current": {},
    # Without the pretrained sentence encoder: word and character n-grams only.
    "no_e5": {_ENCODER: None},
    # The encoder's vector counts less / more against the n-gram counts.
    "dense_10": {_LINEAR: {"dense_weight": 10.0}},
    "dense_50": {_LINEAR: {"dense_weight": 50.0}},
    # Softer / harder margin.
    "c_0_2": {_LINEAR: {"C": 0.2}},
    "c_1": {_LINEAR: {"C": 1.0}},
    # Word bigrams next to the single words ("no thanks", "wer kommt").
    "word_1_2": {"CountVectorsFeaturizer#0": {"min_ngram": 1, "max_ngram": 2}},
    # Without the "none of these" score: a reject score this low never wins the softmax, so
    # every message is classified as if the feature did not exist (for `gibberish`).
    "no_reject": {_LINEAR: {"reject_score": -1.0e9}},
    # DIET instead of the linear SVM, on the same features, with the settings that did best
    # for it on the held-out fifth (30 epochs, fully connected sparse input layer).
    "diet": {
        _ENCODER: {"scale": 20.0},
        _LINEAR: {**_DIET, "epochs": 30, "connection_density": 1.0},
    },
    # DIET as configured before the encoder (60 epochs, n-grams only).
    "diet_no_e5": {_ENCODER: None, _LINEAR: {**_DIET, "epochs": 60}},
}


def untyped(module: str) -> Any:
    """A module typed Any at this boundary: scikit-learn ships no types, and bot/ is checked on
    its own (`make typecheck`: -p bot), so its errors are not reported again through tools/."""
    return importlib.import_module(module)


# PyYAML has no type hints in .venv-bot (mypy reads its untyped source): its two calls, typed.
yaml_load: Callable[[str], Any] = yaml.safe_load
yaml_dump: Callable[..., str] = yaml.safe_dump


def variant_config(name: str, spacy_path: Path) -> dict[str, Any]:
    """config.yml with the variant's changes and the spaCy pipeline at ``spacy_path``."""
    config: dict[str, Any] = yaml_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    pipeline: list[dict[str, Any]] = config["pipeline"]
    for component in pipeline:
        if component["name"] == "SpacyNLP":
            component["model"] = str(spacy_path)
    for key, change in VARIANTS[name].items():
        component_name, index = key.split("#")
        matching = [c for c in pipeline if c["name"] == component_name]
        target = matching[int(index)]
        if change is None:
            pipeline.remove(target)
        elif "name" in change:  # another component in its place
            pipeline[pipeline.index(target)] = dict(change)
        else:
            target.update(change)
    return config


def build_spacy(directory: Path) -> Path:
    return Path(untyped("bot.spacy_pipeline").build(directory / "techfriends_de"))


def load_nlu_data(nlu: Path = ROOT / "data") -> Any:
    """Every NLU example under data/ or ``nlu`` (rules and stories files left out)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    paths = [nlu] if nlu.is_file() else nlu.rglob("*.yml")
    files = sorted(p for p in paths if RasaYAMLReader.is_yaml_nlu_file(p))
    return TrainingData().merge(*(load_data(str(path)) for path in files))


def load_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def provenance() -> dict[str, str]:
    """When and on which commit a figure was measured, stored next to it for the report.
    "+changes" marks a work tree that differs from the commit (the figure may not match it)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    inputs = ["data", "config.yml", "domain.yml", "bot", "actions", "tests/nlu_heldout"]
    if git("status", "--porcelain", "--", *inputs):
        commit += "+changes"
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "commit": commit}


def save_json(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({**result, **provenance()}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
