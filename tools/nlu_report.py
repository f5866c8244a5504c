"""Measure the NLU model and write the tables of docs/nlu-report.md.

Run with the bot's venv from the repository root (it needs Rasa and spaCy)::

    .venv-bot/bin/python -m tools.nlu_report cv current      # 5-fold CV of config.yml
    .venv-bot/bin/python -m tools.nlu_report cv diet         # ... of an alternative (VARIANTS)
    .venv-bot/bin/python -m tools.nlu_report entities        # the EntityRuler against the data
    .venv-bot/bin/python -m tools.nlu_report standin         # fast linear stand-in, seconds
    .venv-bot/bin/python -m tools.nlu_report split no_e5     # one held-out fifth, one training
    .venv-bot/bin/python -m tools.nlu_report report          # tables + image into docs/

``cv`` runs ``rasa test nlu --cross-validation --folds 5`` on data/ with config.yml or a variant
of it and writes rasa's output to var/nlu-cv/<variant>/ (not in git). Rasa shuffles the folds
with numpy's global random state and no seed, so the folds would differ from run to run; the
command seeds numpy first, which makes every variant see the same five folds.

``entities`` is needed because ``rasa test nlu`` leaves SpacyEntityExtractor out of its entity
evaluation (it counts as "pretrained"), and device/brand come from our spaCy EntityRuler. The
ruler learns nothing from the data, so the 5 folds would all give the same numbers: it is run
once over every annotated example and scored per token the way rasa scores entities.

``report`` reads those output files and rewrites the part of docs/nlu-report.md between the
``<!-- generated -->`` markers; the prose around it is written by hand.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "nlu-cv"
REPORT = ROOT / "docs" / "nlu-report.md"
IMAGE_DIR = ROOT / "docs" / "img"
FOLDS = 5
FOLD_SEED = 2026
CHOSEN = "current"
# The chosen configuration once more on all of data/ (the comparison runs on a snapshot when
# data/ changes meanwhile); the per-intent table and the image come from it when it exists.
FINAL = "current_all"
ENTITY_LABELS = ("device", "brand")
START, END = "<!-- generated: start -->", "<!-- generated: end -->"

# Alternatives to config.yml, as changes to its pipeline: component name -> settings to
# override (a list index picks one of several components with the same name).
VARIANTS: dict[str, dict[str, Any]] = {
    "current": {},
    # Without the pretrained sentence encoder: word and character n-grams only.
    "no_e5": {"bot.sentence_embeddings.SentenceEmbeddingFeaturizer#0": None},
    # The encoder's vector counts less / more against the n-gram counts.
    "dense_10": {"bot.intent_classifier.LinearIntentClassifier#0": {"dense_weight": 10.0}},
    "dense_50": {"bot.intent_classifier.LinearIntentClassifier#0": {"dense_weight": 50.0}},
    # Softer / harder margin.
    "c_0_2": {"bot.intent_classifier.LinearIntentClassifier#0": {"C": 0.2}},
    "c_1": {"bot.intent_classifier.LinearIntentClassifier#0": {"C": 1.0}},
    # Word bigrams next to the single words ("no thanks", "wer kommt").
    "word_1_2": {"CountVectorsFeaturizer#0": {"min_ngram": 1, "max_ngram": 2}},
    # DIET instead of the linear SVM, on the same features, with the settings that did best
    # for it on the held-out fifth (30 epochs, fully connected sparse input layer).
    "diet": {
        "bot.sentence_embeddings.SentenceEmbeddingFeaturizer#0": {"scale": 20.0},
        "bot.intent_classifier.LinearIntentClassifier#0": {
            "name": "DIETClassifier",
            "number_of_transformer_layers": 0,
            "epochs": 30,
            "connection_density": 1.0,
            "entity_recognition": False,
            "constrain_similarities": True,
            "random_seed": 42,
        },
    },
    # DIET as configured before the encoder (60 epochs, n-grams only).
    "diet_no_e5": {
        "bot.sentence_embeddings.SentenceEmbeddingFeaturizer#0": None,
        "bot.intent_classifier.LinearIntentClassifier#0": {
            "name": "DIETClassifier",
            "number_of_transformer_layers": 0,
            "epochs": 60,
            "entity_recognition": False,
            "constrain_similarities": True,
            "random_seed": 42,
        },
    },
}


def variant_config(name: str, spacy_path: Path) -> dict[str, Any]:
    """config.yml with the variant's changes and the spaCy pipeline at ``spacy_path``."""
    config: dict[str, Any] = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
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
    from bot.spacy_pipeline import build

    return build(directory / "techfriends_de")


def run_cv(name: str, nlu: Path = ROOT / "data", out_name: str | None = None) -> Path:
    """5-fold cross-validation of one variant on the NLU data in ``nlu`` (a file or folder);
    rasa's output lands in var/nlu-cv/<out_name or variant name>."""
    import numpy

    out = OUT / (out_name or name)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    spacy_path = build_spacy(out / "spacy")
    config_path = out / "config.yml"
    config_path.write_text(
        yaml.safe_dump(variant_config(name, spacy_path), sort_keys=False), encoding="utf-8"
    )
    numpy.random.seed(FOLD_SEED)
    from rasa.__main__ import main as rasa_main

    argv = ["rasa", "test", "nlu", "--nlu", str(nlu), "--config", str(config_path)]
    argv += ["--cross-validation", "--folds", str(FOLDS), "--out", str(out)]
    sys.argv = argv
    started = time.monotonic()
    rasa_main()
    # Wall time of the 5 trainings and evaluations, for the report (CPU shared with other work).
    (out / "timing.json").write_text(
        json.dumps({"seconds": round(time.monotonic() - started)}), encoding="utf-8"
    )
    return out


def run_split(name: str, nlu: Path = ROOT / "data", out_name: str | None = None) -> Path:
    """One stratified held-out fifth (seed 7, as ``rasa data split nlu``) for a variant: one
    training instead of five, to screen configurations; rasa's output in var/nlu-cv/<name>."""
    import subprocess

    from rasa.nlu.test import drop_intents_below_freq
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    out = OUT / (out_name or f"split_{name}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    data = drop_intents_below_freq(load_nlu_data(nlu), FOLDS)
    train, test = data.train_test_split(train_frac=0.8, random_seed=7)
    RasaYAMLWriter().dump(out / "train.yml", train)
    RasaYAMLWriter().dump(out / "test.yml", test)
    config = variant_config(name, build_spacy(out / "spacy"))
    (out / "config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    rasa = [sys.executable, "-m", "rasa"]
    train = ["train", "nlu", "-c", str(out / "config.yml"), "--nlu", str(out / "train.yml")]
    test = ["test", "nlu", "-m", str(out / "model.tar.gz"), "--nlu", str(out / "test.yml")]
    started = time.monotonic()
    subprocess.run([*rasa, *train, "--out", str(out), "--fixed-model-name", "model"], check=True)
    seconds = round(time.monotonic() - started)
    subprocess.run([*rasa, *test, "--out", str(out)], check=True)
    (out / "timing.json").write_text(json.dumps({"seconds": seconds}), encoding="utf-8")
    return out


def run_standin(nlu: Path = ROOT / "data", merge: dict[str, str] | None = None) -> dict[str, Any]:
    """The fast stand-in for ``cv``: a linear SVM on the word and character n-grams of the
    pipeline (words 1-2, char_wb 1-4, lower-cased), the same stratified 5 folds for every run.

    Seconds instead of minutes, so data changes can be tried one by one; the pipeline is then
    checked with ``cv`` (the stand-in has no sentence encoder: it measures the data, not the
    model). Intents with fewer than 5 examples are left out as rasa does. ``merge`` maps an
    intent to another label, to measure what merging intents (retrieval intents) would give.
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.metrics import classification_report
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    examples = [(m.get("text"), m.get("intent")) for m in load_nlu_data(nlu).intent_examples]
    counts = Counter(intent for _, intent in examples)
    examples = [(text, (merge or {}).get(i, i)) for text, i in examples if counts[i] >= FOLDS]
    texts = [text.lower() for text, _ in examples]
    labels = [intent for _, intent in examples]
    model = make_pipeline(
        make_union(
            CountVectorizer(token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2)),
            CountVectorizer(analyzer="char_wb", ngram_range=(1, 4)),
        ),
        LinearSVC(C=0.5, max_iter=5000),
    )
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=FOLD_SEED)
    predicted = cross_val_predict(model, texts, labels, cv=folds)
    report: dict[str, Any] = classification_report(
        labels, predicted, output_dict=True, zero_division=0
    )
    report["errors"] = [
        {"text": text, "intent": intent, "predicted": str(guess)}
        for (text, intent), guess in zip(examples, predicted, strict=True)
        if intent != guess
    ]
    return report


def load_nlu_data(nlu: Path = ROOT / "data") -> Any:
    """Every NLU example under data/ or ``nlu`` (rules and stories files left out)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    paths = [nlu] if nlu.is_file() else nlu.rglob("*.yml")
    files = sorted(p for p in paths if RasaYAMLReader.is_yaml_nlu_file(p))
    return TrainingData().merge(*(load_data(str(path)) for path in files))


# --- the EntityRuler against the annotations ---------------------------------------------------


def _token_labels(tokens: list[tuple[int, int]], spans: list[tuple[int, int, str]]) -> list[str]:
    labels = []
    for start, end in tokens:
        label = "no_entity"
        for span_start, span_end, span_label in spans:
            if start >= span_start and end <= span_end:
                label = span_label
        labels.append(label)
    return labels


# Sentences that are not in data/, written after the ruler and annotated the way a person
# would: every device and brand word, including plain "phone"/"Telefon" (left out of the ruler
# on purpose), brands it does not know and typos. The ruler's score on these is its honest one.
HELD_OUT = """
version: "3.1"
nlu:
- intent: describe_problem
  examples: |
    - unser [Fernseher](device) von [Panasonic](brand) hat plötzlich keinen Ton mehr
    - Die [Fritzbox](device) macht seit dem Update Zicken
    - mis [Natel](device) isch kaputt gange
    - [Drucker](device) von [Kyocera](brand) zieht kein Papier ein
    - der [Laptop](device) meiner Frau startet nicht, ein [Acer](brand)
    - ich krieg das [iPad](device) nicht mit dem WLAN verbunden
    - Das [Tablet](device) von [Samsung](brand) ist eingefroren
    - unsere [Heizungssteuerung](device) von [Viessmann](brand) zeigt Störung
    - [Alexa](brand) hört nicht mehr auf mich
    - Wie richte ich den neuen [Repeater](device) ein?
    - Mein [Telefon](device) klingelt nicht mehr
    - Der [Fernsehr](device) zeigt nur Schnee
    - [Sonos](brand) Box spielt nix mehr
    - Mei [Handy](device) is so langsam wie a Schnecke
    - Der [Rechner](device) von [Medion](brand) piepst nur
    - Der [Router](device) von [Vodafone](brand) blinkt rot
    - meine [Kamera](device) im Flur geht nicht
    - [Druker](device) geht nich
    - the [TV](device) from [Philips](brand) has no picture
    - my [phone](device) won't charge
    - The [printer](device) from [Brother](brand) is offline
    - my [laptop](device) screen flickers
    - my [iPhone](device) is stuck on the apple logo
    - The [router](device) keeps restarting
    - the [tado](brand) [thermostat](device) is offline
    - my [smart TV](device) can't find Netflix
    - the [doorbell](device) doesn't ring
    - my [Dell](brand) [computer](device) won't start
    - the [remote](device) doesn't work
    - my [phone](device) has no signal
    - My [Huawei](brand) [tablet](device) won't charge
    - the [speakers](device) make no sound
    - my [pritner](device) is out of ink
    - [Google Home](brand) doesn't answer
    - the [modem](device) lights are red
    - my [Lenovo](brand) [notebook](device) is slow
    - I need a new [wifi repeater](device) set up
    - my [HP](brand) [printer](device) jams all the time
    - the [Samsung](brand) [phone](device) keeps freezing
    - my [Canon](brand) [scanner](device) isn't found
"""


def load_held_out() -> Any:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    return RasaYAMLReader().reads(HELD_OUT)


def evaluate_ruler(data: Any) -> dict[str, Any]:
    """Token-level precision/recall/F1 of the ruler per label, and every disagreement."""
    import spacy
    from sklearn.metrics import precision_recall_fscore_support

    with tempfile.TemporaryDirectory() as directory:
        nlp = spacy.load(build_spacy(Path(directory)))
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
    precision, recall, f1, support = precision_recall_fscore_support(
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
    return {
        "labels": per_label,
        "macro_f1": sum(v["f1-score"] for v in per_label.values()) / len(per_label),
        "examples": len(data.nlu_examples),
        "disagreements": disagreements,
    }


# --- the report ---------------------------------------------------------------------------


def _macro(report: dict[str, Any]) -> float:
    return float(report["macro avg"]["f1-score"])


def _labels(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    summary = {"accuracy", "macro avg", "weighted avg", "micro avg", "no_entity"}
    return {k: v for k, v in report.items() if k not in summary and isinstance(v, dict)}


def _load_json(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _examples_per_language() -> list[str]:
    """Rows "intent | German | English" counted with the bot's own language detection."""
    from actions.language import detect_language

    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for message in load_nlu_data().intent_examples:
        counts[message.get("intent")][detect_language(message.get("text"), "de")] += 1
    return [
        f"| {intent} | {c['de']} | {c['en']} |"
        for intent, c in sorted(counts.items(), key=lambda item: -sum(item[1].values()))
    ]


def _category_rows() -> list[str]:
    """How actions/categories.py classifies the describe_problem examples of each group.

    The groups are the "# <category>, <language>" comments above the describe_problem blocks in
    data/nlu.yml. "asks" means not confident: the bot asks the customer to pick the area, which
    is the wanted answer for "other" (never inferred).
    """
    import re

    from actions.categories import classify

    annotation = re.compile(r"\[([^\]]+)\]\((?:device|brand)\)")
    heading = re.compile(r"# ([a-z_]+), (German|English)")
    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    group: tuple[str, str] | None = None
    for line in (ROOT / "data" / "nlu.yml").read_text(encoding="utf-8").splitlines():
        match = heading.match(line)
        if match:
            group = (match.group(1), match.group(2))
        elif line.startswith("- ") and "describe_problem" not in line:
            group = None
        elif group and line.startswith("    - "):
            text = annotation.sub(lambda m: m.group(1), line[6:])
            found = classify(text).category
            wanted = None if group[0] == "other" else group[0]
            verdict = "right" if found == wanted else ("asks" if found is None else "wrong")
            rows[group][verdict] += 1
    return [
        f"| {category} | {language} | {c.total()} | {c['right']} | {c['asks']} | {c['wrong']} |"
        for (category, language), c in rows.items()
    ]


def _minutes(path: Path) -> str:
    timing = _load_json(path)
    return f"{timing['seconds'] / 60:.0f} min" if timing else "–"


def _ruler_table(ruler: dict[str, Any], title: str) -> list[str]:
    lines = ["", f"### Entities: the EntityRuler (SpacyEntityExtractor) {title}", ""]
    lines += ["| entity | precision | recall | F1 | tokens |", "|---|---|---|---|---|"]
    for label, values in ruler["labels"].items():
        lines.append(
            f"| {label} | {values['precision']:.3f} | {values['recall']:.3f} "
            f"| {values['f1-score']:.3f} | {values['support']} |"
        )
    lines += [
        f"| **macro** | | | **{ruler['macro_f1']:.3f}** | |",
        "",
        f"{ruler['examples']} examples, {len(ruler['disagreements'])} with a disagreement"
        + (":" if ruler["disagreements"] else "."),
    ]
    for item in ruler["disagreements"]:
        lines.append(
            f"- “{item['text']}”: annotated {item['annotated'] or 'nothing'}, "
            f"ruler {item['ruler'] or 'nothing'}"
        )
    return lines


def render() -> str:
    lines = [START, "", "### Cross-validation: configurations compared", ""]
    lines += [
        "| variant | intent macro-F1 | intent weighted-F1 | intent accuracy | 5 folds took |",
        "|---|---|---|---|---|",
    ]
    for name in [*VARIANTS, FINAL]:
        intents = _load_json(OUT / name / "intent_report.json")
        if intents is None:
            continue  # not measured (yet)
        lines.append(
            f"| {name}{' (chosen)' if name == CHOSEN else ''} | {_macro(intents):.3f} "
            f"| {intents['weighted avg']['f1-score']:.3f} | {intents['accuracy']:.3f} "
            f"| {_minutes(OUT / name / 'timing.json')} |"
        )
    shown = FINAL if (OUT / FINAL / "intent_report.json").exists() else CHOSEN
    chosen = _load_json(OUT / shown / "intent_report.json")
    if chosen is not None:
        lines += ["", f"### Per intent ({shown}, {FOLDS}-fold cross-validation)", ""]
        lines += ["| intent | precision | recall | F1 | examples | most confused with |"]
        lines += ["|---|---|---|---|---|---|"]
        for intent, values in sorted(_labels(chosen).items()):
            confused = ", ".join(
                f"{label} ({count})" for label, count in (values.get("confused_with") or {}).items()
            )
            lines.append(
                f"| {intent} | {values['precision']:.3f} | {values['recall']:.3f} "
                f"| {values['f1-score']:.3f} | {values['support']} | {confused or '–'} |"
            )
        image = OUT / shown / "intent_confusion_matrix.png"
        if image.exists():
            IMAGE_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(image, IMAGE_DIR / "intent_confusion_matrix.png")
            lines += ["", "![intent confusion matrix](img/intent_confusion_matrix.png)"]
    for file, title in (
        ("entity_ruler.json", "against the training data"),
        ("entity_ruler_held_out.json", "on the held-out sentences (HELD_OUT)"),
    ):
        ruler = _load_json(OUT / file)
        if ruler is not None:
            lines += _ruler_table(ruler, title)
    lines += ["", "### Category inference (actions/categories.py) on the problem descriptions", ""]
    lines += ["| category | language | examples | right | asks | wrong |"]
    lines += ["|---|---|---|---|---|---|", *_category_rows()]
    lines += ["", "### Training examples per intent and language", ""]
    lines += ["| intent | German | English |", "|---|---|---|", *_examples_per_language()]
    lines += ["", END]
    return "\n".join(lines)


def write_report() -> None:
    text = REPORT.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    REPORT.write_text(before + render() + after, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["cv"] and len(args) in (2, 4) and args[1] in VARIANTS:
        # Optional: another NLU file or folder and output name (to compare variants on a
        # snapshot of the data while data/ changes).
        run_cv(args[1], *((Path(args[2]), args[3]) if len(args) == 4 else ()))
    elif args == ["entities"]:
        OUT.mkdir(parents=True, exist_ok=True)
        for name, data in (("entity_ruler", load_nlu_data()), ("entity_ruler_held_out", None)):
            result = evaluate_ruler(data if data is not None else load_held_out())
            (OUT / f"{name}.json").write_text(
                json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            for item in result["disagreements"]:
                print(f"{item['text']!r}: annotated {item['annotated']} ruler {item['ruler']}")
            print(f"{name}: entity macro-F1 {result['macro_f1']:.3f}, {result['labels']}")
    elif args[:1] == ["split"] and len(args) in (2, 4) and args[1] in VARIANTS:
        out = run_split(args[1], *((Path(args[2]), args[3]) if len(args) == 4 else ()))
        report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
        print(
            f"{out.name}: intent macro-F1 {_macro(report):.3f}, accuracy {report['accuracy']:.3f}"
        )
    elif args[:1] == ["standin"] and len(args) <= 3:
        # Optional: another NLU file or folder; "a=x,y;b=z" merges intents x and y into a ...
        merge = {
            member: name
            for group in (args[2] if len(args) == 3 else "").split(";")
            if group
            for name, members in [group.split("=")]
            for member in members.split(",")
        }
        report = run_standin(Path(args[1]) if len(args) >= 2 else ROOT / "data", merge)
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "standin.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        per_intent = sorted((v["f1-score"], k) for k, v in _labels(report).items())
        print(" ".join(f"{intent} {f1:.2f}" for f1, intent in per_intent))
        print(
            f"stand-in: intent macro-F1 {_macro(report):.3f}, accuracy {report['accuracy']:.3f}, "
            f"{len(report['errors'])} errors in var/nlu-cv/standin.json"
        )
    elif args == ["report"]:
        write_report()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
