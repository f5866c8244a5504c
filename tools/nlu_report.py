"""Measure the NLU model and write the tables of docs/nlu-report.md.

Run with the bot's venv from the repository root (it needs Rasa and spaCy)::

    .venv-bot/bin/python -m tools.nlu_report cv current      # 5-fold CV of config.yml
    .venv-bot/bin/python -m tools.nlu_report cv diet         # ... of an alternative (VARIANTS)
    .venv-bot/bin/python -m tools.nlu_report split no_e5     # one held-out fifth, one training
    .venv-bot/bin/python -m tools.nlu_report standin         # fast linear stand-in, seconds
    .venv-bot/bin/python -m tools.nlu_report entities        # the EntityRuler on data/ and sets
    .venv-bot/bin/python -m tools.nlu_report names [MODEL]   # full names through the model
    .venv-bot/bin/python -m tools.nlu_report gibberish       # random letters, with/without reject
    .venv-bot/bin/python -m tools.nlu_report report          # tables + image into docs/

``cv`` runs ``rasa test nlu --cross-validation --folds 5`` on data/ with config.yml or a variant
of it and writes rasa's output to var/nlu-cv/<variant>/ (not in git). Rasa shuffles the folds
with numpy's global random state and no seed, so the folds would differ from run to run; the
command seeds numpy first, which makes every variant see the same five folds.
``cv <variant> <nlu file or folder> <output name>`` cross-validates a copy of the data instead;
``split`` takes the same optional arguments; ``standin [<nlu>] ["faq=a,b;c=d,e"]`` merges
intents for the stand-in.

``entities`` is needed because ``rasa test nlu`` leaves SpacyEntityExtractor out of its entity
evaluation (it counts as "pretrained"), and device/brand come from our spaCy EntityRuler. The
ruler learns nothing from the data, so the 5 folds would all give the same numbers: it is run
once over every annotated example of data/, the development set and the held-out set
(tests/nlu_heldout/) and scored per token the way rasa scores entities.

``names`` parses the development and held-out full names (tests/nlu_heldout/) with the trained
model (default models/techfriends.tar.gz); ``gibberish`` trains config.yml and the variant
without the "none of these" score on data/ (a temporary directory) and counts how many random
letter strings each sends to the fallback. Every command prints its figures and stores them in
var/nlu-cv/ with the date and commit.

``report`` reads those files and rewrites the part of docs/nlu-report.md between the
``<!-- generated -->`` markers; the prose around it is written by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tools.nlu_common import MODEL, OUT, ROOT, VARIANTS, save_json


def _entities() -> None:
    from tools.nlu_measures import ENTITY_SETS, evaluate_ruler, load_entity_set

    for name, (_, title) in ENTITY_SETS.items():
        result = evaluate_ruler(load_entity_set(name))
        save_json(OUT / f"{name}.json", result)
        for item in result["disagreements"]:
            print(f"{item['text']!r}: annotated {item['annotated']} ruler {item['ruler']}")
        per_label = ", ".join(
            f"{label} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1-score']:.3f}"
            f" ({v['support']} tokens)"
            for label, v in result["labels"].items()
        )
        print(
            f"{name} ({title}, {result['examples']} sentences): macro P "
            f"{result['macro_precision']:.3f} R {result['macro_recall']:.3f} "
            f"F1 {result['macro_f1']:.3f}; {per_label}"
        )


def _names(model: Path) -> None:
    from tools.nlu_measures import NAME_SETS, evaluate_names

    result = evaluate_names(model)
    save_json(OUT / "names.json", result)
    for title in NAME_SETS:
        counts = result[title]["counts"]
        misread = [f"{r['text']} -> {r['intent']}" for r in result[title]["read"]]
        misread = [m for m in misread if not m.endswith("-> inform")]
        print(f"{title}: {counts.get('inform', 0)} of {sum(counts.values())} read as inform")
        print(f"  {counts}; {'; '.join(misread) or 'all inform'}")


def _gibberish() -> None:
    from tools.nlu_measures import evaluate_gibberish

    result = evaluate_gibberish()
    save_json(OUT / "gibberish.json", result)
    count = result["count"]
    print(f"{count} random letter strings, {result['with_known_word']} with a known word")
    for variant in ("current", "no_reject"):
        row = result[variant]
        print(
            f"{variant}: {row['fallback']} of {count} ({row['fallback'] / count:.0%}) to the "
            f"fallback; most common {row['most_common']}; hand-off test {row['handoff_test']}"
        )


def _standin(args: list[str]) -> None:
    from tools.nlu_render import intent_labels, macro_f1
    from tools.nlu_runs import run_standin

    # Optional: another NLU file or folder; "a=x,y;b=z" merges intents x and y into a ...
    merge = {
        member: name
        for group in (args[1] if len(args) == 2 else "").split(";")
        if group
        for name, members in [group.split("=")]
        for member in members.split(",")
    }
    report = run_standin(Path(args[0]) if args else ROOT / "data", merge)
    save_json(OUT / "standin.json", report)
    per_intent = sorted((v["f1-score"], k) for k, v in intent_labels(report).items())
    print(" ".join(f"{intent} {f1:.2f}" for f1, intent in per_intent))
    print(
        f"stand-in: intent macro-F1 {macro_f1(report):.3f}, accuracy {report['accuracy']:.3f}, "
        f"{len(report['errors'])} errors in var/nlu-cv/standin.json"
    )


def _intents(command: str, variant: str, data: tuple[Path, str] | tuple[()]) -> None:
    from tools.nlu_render import macro_f1
    from tools.nlu_runs import run_cv, run_split

    out = (run_cv if command == "cv" else run_split)(variant, *data)
    report: dict[str, Any] = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    print(f"{out.name}: intent macro-F1 {macro_f1(report):.3f}, accuracy {report['accuracy']:.3f}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command, rest = (args[0], args[1:]) if args else ("", [])
    if command in ("cv", "split") and len(rest) in (1, 3) and rest[0] in VARIANTS:
        # Optional: another NLU file or folder and output name (to compare variants on a
        # snapshot of the data while data/ changes).
        _intents(command, rest[0], (Path(rest[1]), rest[2]) if len(rest) == 3 else ())
    elif command == "entities" and not rest:
        _entities()
    elif command == "names" and len(rest) <= 1:
        _names(Path(rest[0]).resolve() if rest else MODEL)
    elif command == "gibberish" and not rest:
        _gibberish()
    elif command == "standin" and len(rest) <= 2:
        _standin(rest)
    elif command == "report" and not rest:
        from tools.nlu_render import write_report

        write_report()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
