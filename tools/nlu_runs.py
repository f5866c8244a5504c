"""The intent measurements: rasa's 5-fold cross-validation, one held-out fifth, the stand-in.

Commands in tools/nlu_report.py; rasa's output lands in var/nlu-cv/<name>/ (not in git).
"""

from __future__ import annotations

import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tools.nlu_common import (
    FOLD_SEED,
    FOLDS,
    OUT,
    ROOT,
    SPLIT_SEED,
    build_spacy,
    load_nlu_data,
    save_json,
    untyped,
    variant_config,
    yaml_dump,
)


def _fresh(out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    return out


def run_cv(name: str, nlu: Path = ROOT / "data", out_name: str | None = None) -> Path:
    """5-fold cross-validation of one variant on the NLU data in ``nlu`` (a file or folder);
    rasa's output lands in var/nlu-cv/<out_name or variant name>."""
    import numpy

    out = _fresh(OUT / (out_name or name))
    spacy_path = build_spacy(out / "spacy")
    config_path = out / "config.yml"
    config_path.write_text(
        yaml_dump(variant_config(name, spacy_path), sort_keys=False), encoding="utf-8"
    )
    numpy.random.seed(FOLD_SEED)
    from rasa.__main__ import main as rasa_main

    argv = ["rasa", "test", "nlu", "--nlu", str(nlu), "--config", str(config_path)]
    argv += ["--cross-validation", "--folds", str(FOLDS), "--out", str(out)]
    sys.argv = argv
    started = time.monotonic()
    rasa_main()
    # Wall time of the 5 trainings and evaluations, for the report (CPU shared with other work).
    save_json(out / "timing.json", {"seconds": round(time.monotonic() - started)})
    return out


def run_split(name: str, nlu: Path = ROOT / "data", out_name: str | None = None) -> Path:
    """One stratified held-out fifth (SPLIT_SEED, as ``rasa data split nlu``) for a variant: one
    training instead of five, to screen configurations; rasa's output in var/nlu-cv/<name>."""
    import subprocess

    from rasa.nlu.test import drop_intents_below_freq
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    out = _fresh(OUT / (out_name or f"split_{name}"))
    data = drop_intents_below_freq(load_nlu_data(nlu), FOLDS)
    training, testing = data.train_test_split(train_frac=0.8, random_seed=SPLIT_SEED)
    RasaYAMLWriter().dump(out / "train.yml", training)
    RasaYAMLWriter().dump(out / "test.yml", testing)
    config = variant_config(name, build_spacy(out / "spacy"))
    (out / "config.yml").write_text(yaml_dump(config, sort_keys=False), encoding="utf-8")
    rasa = [sys.executable, "-m", "rasa"]
    train = ["train", "nlu", "-c", str(out / "config.yml"), "--nlu", str(out / "train.yml")]
    test = ["test", "nlu", "-m", str(out / "model.tar.gz"), "--nlu", str(out / "test.yml")]
    started = time.monotonic()
    subprocess.run([*rasa, *train, "--out", str(out), "--fixed-model-name", "model"], check=True)
    seconds = round(time.monotonic() - started)
    subprocess.run([*rasa, *test, "--out", str(out)], check=True)
    save_json(out / "timing.json", {"seconds": seconds})
    return out


def run_standin(nlu: Path = ROOT / "data", merge: dict[str, str] | None = None) -> dict[str, Any]:
    """The fast stand-in for ``cv``: a linear SVM on the word and character n-grams of the
    pipeline (words 1-2, char_wb 1-4, lower-cased), the same stratified 5 folds for every run.

    Seconds instead of minutes, so data changes can be tried one by one; the pipeline is then
    checked with ``cv`` (the stand-in has no sentence encoder: it measures the data, not the
    model). Intents with fewer than 5 examples are left out as rasa does. ``merge`` maps an
    intent to another label, to measure what merging intents (retrieval intents) would give.
    """
    vectorizers = untyped("sklearn.feature_extraction.text")
    metrics = untyped("sklearn.metrics")
    selection, pipeline = untyped("sklearn.model_selection"), untyped("sklearn.pipeline")
    svm = untyped("sklearn.svm")

    examples = [(m.get("text"), m.get("intent")) for m in load_nlu_data(nlu).intent_examples]
    counts = Counter(intent for _, intent in examples)
    examples = [(text, (merge or {}).get(i, i)) for text, i in examples if counts[i] >= FOLDS]
    texts = [text.lower() for text, _ in examples]
    labels = [intent for _, intent in examples]
    model = pipeline.make_pipeline(
        pipeline.make_union(
            vectorizers.CountVectorizer(token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2)),
            vectorizers.CountVectorizer(analyzer="char_wb", ngram_range=(1, 4)),
        ),
        svm.LinearSVC(C=0.5, max_iter=5000),
    )
    folds = selection.StratifiedKFold(FOLDS, shuffle=True, random_state=FOLD_SEED)
    predicted = selection.cross_val_predict(model, texts, labels, cv=folds)
    report: dict[str, Any] = metrics.classification_report(
        labels, predicted, output_dict=True, zero_division=0
    )
    report["errors"] = [
        {"text": text, "intent": intent, "predicted": str(guess)}
        for (text, intent), guess in zip(examples, predicted, strict=True)
        if intent != guess
    ]
    return report
