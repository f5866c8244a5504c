"""The generated tables of docs/nlu-report.md, from the files the measurements left in var/nlu-cv/.

Each table is followed by the command that measured it and when, on which commit ("+changes":
the data, config or held-out sets differed from that commit). A measurement that was not run
leaves its table out instead of showing old figures.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tools.nlu_common import FOLDS, OUT, ROOT, SPLIT_SEED, VARIANTS, load_json, load_nlu_data
from tools.nlu_measures import ENTITY_SETS

REPORT = ROOT / "docs" / "nlu-report.md"
IMAGE_DIR = ROOT / "docs" / "img"
START, END = "<!-- generated: start -->", "<!-- generated: end -->"
CHOSEN = "current"
COMMAND = ".venv-bot/bin/python -m tools.nlu_report"
VARIANT_TITLES = {
    "current": "linear SVM + e5 ×25 (config.yml, chosen)",
    "no_e5": "linear SVM, n-grams only (no encoder)",
    "dense_10": "linear SVM + e5 ×10",
    "dense_50": "linear SVM + e5 ×50",
    "c_0_2": "linear SVM + e5, C 0.2",
    "c_1": "linear SVM + e5, C 1",
    "word_1_2": "linear SVM + e5, word bigrams added",
    "no_reject": "linear SVM + e5, no “none of these” score",
    "diet": "DIET + e5 ×20 (30 epochs, fully connected sparse layer)",
    "diet_no_e5": "DIET on n-grams (60 epochs, no encoder)",
}


def macro_f1(report: dict[str, Any]) -> float:
    return float(report["macro avg"]["f1-score"])


def intent_labels(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    summary = {"accuracy", "macro avg", "weighted avg", "micro avg", "no_entity"}
    return {k: v for k, v in report.items() if k not in summary and isinstance(v, dict)}


def _measured(path: Path) -> str:
    """The date and commit of a measurement file (its modification date when it records none)."""
    stored = load_json(path) or {}
    if "date" in stored:
        return f"{stored['date']}, {stored['commit']}"
    if path.exists():
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d")
    return "–"


def _footer(command: str, when: str) -> list[str]:
    return ["", f"*Command: `{COMMAND} {command}`; measured {when}.*"]


def _cv_table() -> list[str]:
    rows = []
    for name in VARIANTS:
        intents = load_json(OUT / name / "intent_report.json")
        if intents is None:
            continue  # not measured
        timing = load_json(OUT / name / "timing.json")
        took = f"{timing['seconds'] / 60:.0f} min" if timing else "–"
        rows.append(
            f"| {name} | {VARIANT_TITLES.get(name, '')} | {macro_f1(intents):.3f} "
            f"| {intents['weighted avg']['f1-score']:.3f} | {intents['accuracy']:.3f} | {took} "
            f"| {_measured(OUT / name / 'timing.json')} |"
        )
    if not rows:
        return []
    lines = ["", f"### Intents: {FOLDS}-fold cross-validation, configurations compared", ""]
    lines += [
        "| variant | configuration | intent macro-F1 | weighted F1 | accuracy | 5 folds took "
        "| measured |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]
    return lines + _footer("cv <variant>", "as in the last column (the same seeded folds)")


def _intent_tables() -> list[str]:
    lines = _cv_table()
    chosen = load_json(OUT / CHOSEN / "intent_report.json")
    if chosen is None:
        return lines
    lines += ["", f"### Intents per intent ({CHOSEN}, {FOLDS}-fold cross-validation)", ""]
    lines += ["| intent | precision | recall | F1 | examples | most confused with |"]
    lines += ["|---|---|---|---|---|---|"]
    for intent, values in sorted(intent_labels(chosen).items()):
        confused = ", ".join(
            f"{label} ({count})" for label, count in (values.get("confused_with") or {}).items()
        )
        lines.append(
            f"| {intent} | {values['precision']:.3f} | {values['recall']:.3f} "
            f"| {values['f1-score']:.3f} | {values['support']} | {confused or '–'} |"
        )
    image = OUT / CHOSEN / "intent_confusion_matrix.png"
    if image.exists():
        IMAGE_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(image, IMAGE_DIR / "intent_confusion_matrix.png")
        lines += ["", "![intent confusion matrix](img/intent_confusion_matrix.png)"]
    return lines + _footer(f"cv {CHOSEN}", _measured(OUT / CHOSEN / "timing.json"))


def _split_table() -> list[str]:
    rows = []
    for name in VARIANTS:
        out = OUT / f"split_{name}"
        intents = load_json(out / "intent_report.json")
        if intents is None:
            continue
        timing = load_json(out / "timing.json")
        took = f"{timing['seconds']} s" if timing else "–"
        rows.append(
            f"| {name} | {VARIANT_TITLES.get(name, '')} | {macro_f1(intents):.3f} "
            f"| {intents['accuracy']:.3f} | {intents['macro avg']['support']} | {took} "
            f"| {_measured(out / 'timing.json')} |"
        )
    if not rows:
        return []
    title = f"### Intents: one held-out fifth (screening; `rasa data split nlu`, seed {SPLIT_SEED})"
    lines = ["", title, ""]
    lines += [
        "| variant | configuration | intent macro-F1 | accuracy | test sentences | training took "
        "| measured |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]
    return lines + _footer("split <variant>", "as in the last column")


def _ruler_table(name: str, title: str) -> list[str]:
    path = OUT / f"{name}.json"
    ruler = load_json(path)
    if ruler is None:
        return []
    lines = ["", f"### Entities: the EntityRuler on the {title}", ""]
    lines += ["| entity | precision | recall | F1 | tokens |", "|---|---|---|---|---|"]
    for label, values in ruler["labels"].items():
        lines.append(
            f"| {label} | {values['precision']:.3f} | {values['recall']:.3f} "
            f"| {values['f1-score']:.3f} | {values['support']} |"
        )
    lines += [
        f"| **macro** | {ruler['macro_precision']:.3f} | {ruler['macro_recall']:.3f} "
        f"| **{ruler['macro_f1']:.3f}** | |",
        "",
        f"{ruler['examples']} sentences ({ruler['without_entities']} without an entity), "
        f"{len(ruler['disagreements'])} with a disagreement"
        + (":" if ruler["disagreements"] else "."),
    ]
    for item in ruler["disagreements"]:
        lines.append(
            f"- “{item['text']}”: annotated {item['annotated'] or 'nothing'}, "
            f"ruler {item['ruler'] or 'nothing'}"
        )
    return lines + _footer("entities", _measured(path))


def _names_table() -> list[str]:
    path = OUT / "names.json"
    names = load_json(path)
    if names is None:
        return []
    model = f"`{names['model']}`" + (
        f", fingerprint {names['model_fingerprint']}…" if "model_fingerprint" in names else ""
    )
    lines = ["", f"### Full names at the name question ({model})", ""]
    lines += [
        "| set | file | names | read as inform | lowest confidence of those | otherwise |",
        "|---|---|---|---|---|---|",
    ]
    misread: list[str] = []
    for title in ("development names", "held-out names"):
        result = names[title]
        counts: dict[str, int] = result["counts"]
        others = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "inform") or "–"
        lowest = min(
            (r["confidence"] for r in result["read"] if r["intent"] == "inform"), default=0
        )
        lines.append(
            f"| {title} | `{result['file']}` | {sum(counts.values())} "
            f"| {counts.get('inform', 0)} | {lowest:.2f} | {others} |"
        )
        misread += [
            f"“{r['text']}” ({title}: {r['intent']} {r['confidence']:.2f})"
            for r in result["read"]
            if r["intent"] != "inform"
        ]
    if misread:
        lines += ["", f"Not read as `inform`: {', '.join(misread)}."]
    return lines + _footer("names", _measured(path))


def _gibberish_table() -> list[str]:
    path = OUT / "gibberish.json"
    result = load_json(path)
    if result is None:
        return []
    count = result["count"]
    lines = ["", f"### Random letter strings ({count}, seed {result['seed']})", ""]
    lines += [
        f"{result['with_known_word']} of the {count} strings contain a word of the training data "
        "(the “none of these” score does not apply to them).",
        "",
        "| model (trained on data/) | to the fallback | share | the hand-off test's three |",
        "|---|---|---|---|",
    ]
    for variant in ("current", "no_reject"):
        row = result[variant]
        handoff = ", ".join(f"{k} → {v}" for k, v in row["handoff_test"].items())
        lines.append(
            f"| {VARIANT_TITLES[variant]} | {row['fallback']} | {row['fallback'] / count:.0%} "
            f"| {handoff} |"
        )
    return lines + _footer("gibberish", _measured(path))


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


def _data_tables(when: str) -> list[str]:
    lines = ["", "### Category inference (actions/categories.py) on the problem descriptions", ""]
    lines += ["| category | language | examples | right | asks | wrong |"]
    lines += ["|---|---|---|---|---|---|", *_category_rows(), *_footer("report", when)]
    lines += ["", "### Training examples per intent and language", ""]
    lines += ["| intent | German | English |", "|---|---|---|", *_examples_per_language()]
    return lines + _footer("report", when)


def render() -> str:
    from tools.nlu_common import provenance

    now = provenance()
    lines = [START, *_intent_tables(), *_split_table()]
    for name, (_, title) in ENTITY_SETS.items():
        lines += _ruler_table(name, title)
    lines += [
        *_names_table(),
        *_gibberish_table(),
        *_data_tables(f"{now['date']}, {now['commit']}"),
    ]
    lines += ["", END]
    return "\n".join(lines)


def write_report() -> None:
    text = REPORT.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    REPORT.write_text(before + render() + after, encoding="utf-8")
