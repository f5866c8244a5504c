"""Consistency of domain.yml, data/nlu.yml, bot/spacy_pipeline.py and the action classes (Rasa
only for the one test that registers the actions as the action server does)."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.buttons import category_buttons
from actions.categories import CATEGORIES, CATEGORY_LABELS
from actions.language import detect_language
from bot.spacy_pipeline import BRANDS, DEVICES, entity_patterns
from product.languages import DEFAULT_LANGUAGE, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def _is_english(variant: dict[str, Any]) -> bool:
    return any(
        c.get("type") == "slot" and c.get("name") == "language" and c.get("value") == "en"
        for c in variant.get("condition") or []
    )


def _language_of(variant: dict[str, Any]) -> str:
    """The language a variant is written in: its language condition, else the default."""
    for c in variant.get("condition") or []:
        if c.get("type") == "slot" and c.get("name") == "language":
            return str(c.get("value"))
    return DEFAULT_LANGUAGE


def _situation(variant: dict[str, Any]) -> frozenset[tuple[str, Any]]:
    """The conditions of a variant besides the language (the website chat's e-mail address in
    the summary, its status link in the confirmation)."""
    return frozenset(
        (c["name"], c.get("value"))
        for c in variant.get("condition") or []
        if c.get("name") != "language"
    )


def test_every_response_has_a_german_default_and_an_english_variant() -> None:
    responses = _load("domain.yml")["responses"]
    assert responses
    for name, variants in responses.items():
        defaults = [v for v in variants if not v.get("condition")]
        english = [v for v in variants if _is_english(v)]
        assert len(defaults) == 1, f"{name}: one German default variant"
        # One English variant per situation (usually just one).
        situations = [_situation(v) for v in english]
        assert english and len(set(situations)) == len(situations), f"{name}: English"
        assert not any(v.get("channel") for v in variants), f"{name}: no channel variants"


def _chosen(variants: list[dict[str, Any]], slots: dict[str, Any]) -> list[dict[str, Any]]:
    """The variants Rasa 3.6 chooses from at random (rasa.core.nlg.generator.
    ResponseVariationFilter without channels): the conditional ones whose slots all match,
    else the default."""
    matching = [
        v
        for v in variants
        if v.get("condition")
        and all(slots.get(c["name"]) == c.get("value") for c in v["condition"])
    ]
    return matching or [v for v in variants if not v.get("condition")]


# Messenger (no website-chat slot is ever set there), and the website chat's situations.
# greeting_style is always set (initial value "de").
SITUATIONS: tuple[dict[str, Any], ...] = (
    {"greeting_style": "de"},
    {"email_given": True},
    {"status_link": True},
    {"greeting_style": "ch"},
    {"greeting_style": "at"},
)


def test_every_situation_gets_exactly_one_variant_in_its_language() -> None:
    """No random pick between two texts, and no customer gets another language: the
    website-chat variants exclude the plain ones by their null condition, and the Swiss
    French/Ticino variants exclude the plain French/Italian ones by greeting_style."""
    responses = _load("domain.yml")["responses"]
    for name, variants in responses.items():
        for situation in SITUATIONS:
            for language in LANGUAGES:
                slots = {"greeting_style": "de", **situation, "language": language}
                chosen = _chosen(variants, slots)
                assert len(chosen) == 1, f"{name} {language} {situation}: {len(chosen)} variants"
                assert _language_of(chosen[0]) == language, f"{name} {situation}"


def test_website_chat_variants_show_the_e_mail_address_and_the_status_link() -> None:
    responses = _load("domain.yml")["responses"]
    for language, style in [(language, "de") for language in LANGUAGES] + [
        ("fr", "ch"),
        ("it", "ch"),
    ]:
        slots = {"language": language, "greeting_style": style}
        plain = _chosen(responses["utter_summary"], slots)[0]["text"]
        web = _chosen(responses["utter_summary"], {**slots, "email_given": True})
        assert "{email}" in web[0]["text"] and "{email}" not in plain
        # The same summary otherwise: only the e-mail line is added.
        assert re.sub(r"\nE-[Mm]ail ?: \{email\}", "", web[0]["text"]) == plain
        booked = _chosen(responses["utter_job_submitted"], slots)[0]["text"]
        linked = _chosen(responses["utter_job_submitted"], {**slots, "status_link": True})[0][
            "text"
        ]
        assert "{status_url}" in linked and "{status_url}" not in booked
        assert linked.startswith(booked)


def test_quick_replies_fit_messenger_and_match_the_category_labels() -> None:
    responses = _load("domain.yml")["responses"]
    for name, variants in responses.items():
        for variant in variants:
            for button in variant.get("buttons") or []:
                assert len(button["title"]) <= 20, f"{name}: {button['title']!r} too long"
                payload = button["payload"]
                assert not payload.startswith("/choose_category"), name
    for language in LANGUAGES:
        for button in category_buttons(language):
            category = json.loads(button["payload"][len("/choose_category") :])["category"]
            assert category in CATEGORIES
            assert button["title"] == CATEGORY_LABELS[category][language]


def test_welcome_says_it_is_an_automated_assistant() -> None:
    welcome = _load("domain.yml")["responses"]["utter_welcome"]
    texts = {_language_of(v): v["text"] for v in welcome if not _situation(v)}
    assert "automatische Assistent" in texts["de"]
    assert "automated assistant" in texts["en"]
    assert "assistant automatique" in texts["fr"]
    assert "assistente automatico" in texts["it"]
    assert "automatycznym asystentem" in texts["pl"]


def test_synonyms_cover_every_entity_ruler_variant() -> None:
    # data/nlu.yml holds the German/English synonyms, data/nlu_languages_synonyms.yml the
    # French/Italian/Polish ones (issue 17).
    nlu = [
        block
        for path in sorted((ROOT / "data").glob("nlu*.yml"))
        for block in _load(f"data/{path.name}").get("nlu") or []
    ]
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


# Registers the `actions` package as the action server does (rasa_sdk.endpoint.create_app) and
# prints what the executor registered and the name() of every action class it found.
_REGISTER = """
import inspect, json
from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import Action
executor = ActionExecutor()
executor.register_package("actions")
classes = [
    c for c in utils.all_subclasses(Action)
    if c.__module__.startswith("actions.") and not inspect.isabstract(c)
]
names = [c().name() for c in classes]
print(json.dumps({"registered": sorted(executor.actions), "classes": names}))
"""


def _registered_actions() -> dict[str, list[str]]:
    """What rasa-sdk's executor registers from the `actions` package (run in .venv-bot: rasa_sdk
    is not installed in this venv)."""
    python = ROOT / ".venv-bot" / "bin" / "python"
    if not python.exists():
        pytest.fail(f"{python} missing: run `make venvs` first")
    found = subprocess.run(
        [str(python), "-c", _REGISTER],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    registered: dict[str, list[str]] = json.loads(found.stdout.strip().splitlines()[-1])
    return registered


def test_every_custom_action_has_one_class() -> None:
    domain = _load("domain.yml")
    found = _registered_actions()
    assert set(domain["actions"]) == set(found["registered"])
    assert sorted(found["classes"]) == sorted(found["registered"])  # one class per name


def test_only_the_dialogue_modules_import_rasa() -> None:
    """The modules directly in actions/ are the pure decisions, tested without Rasa."""
    for path in sorted((ROOT / "actions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert not any(m.split(".")[0] in ("rasa", "rasa_sdk") for m in modules), path.name


def test_at_most_13_quick_replies_per_message() -> None:
    for name, variants in _load("domain.yml")["responses"].items():
        for variant in variants:
            assert len(variant.get("buttons") or []) <= 13, name


def test_swiss_and_austrian_greetings_are_answered_in_kind() -> None:
    welcome = _load("domain.yml")["responses"]["utter_welcome"]
    by_style = {}
    for variant in welcome:
        conditions = {c["name"]: c["value"] for c in variant.get("condition") or []}
        by_style[(conditions.get("language", "de"), conditions.get("greeting_style"))] = variant
    assert by_style[("de", None)]["text"].startswith("Hallo")
    assert by_style[("de", "ch")]["text"].startswith("Grüezi")
    assert "ß" not in by_style[("de", "ch")]["text"]  # Swiss German writes "ss"
    assert by_style[("de", "at")]["text"].startswith("Grüß Gott")
    for variant in by_style.values():
        assert "automat" in variant["text"]


def test_no_domain_button_payload_carries_entities() -> None:
    """Rasa fills {…} placeholders in every field of a domain response and logs an ERROR for a
    JSON payload; buttons with entities are built by the actions (actions/buttons.py)."""
    for name, variants in _load("domain.yml")["responses"].items():
        for variant in variants:
            for button in variant.get("buttons") or []:
                assert "{" not in button["payload"], f"{name}: {button['payload']}"


def test_responses_whose_buttons_an_action_adds_exist_without_buttons() -> None:
    responses = _load("domain.yml")["responses"]
    for name in (
        "utter_choose_category",
        "utter_ask_category",
        "utter_ask_time_window",
        "utter_choose_field",
        "utter_please_rephrase",
        "utter_please_rephrase_again",
        "utter_default",
        "utter_ask_rating",
        "utter_rating_reminder",
        "utter_ask_rating_again",
        "utter_ask_rating_comment",
        "utter_confirm_cancel_job",
        "utter_which_job_to_cancel",
    ):
        assert name in responses, name
        assert not any(v.get("buttons") for v in responses[name]), name


def test_the_summary_offers_confirm_change_and_cancel() -> None:
    for variant in _load("domain.yml")["responses"]["utter_summary"]:
        assert [b["payload"] for b in variant["buttons"]] == ["/affirm", "/change", "/cancel"]


def test_new_intents_have_enough_german_and_english_examples() -> None:
    examples: dict[str, list[str]] = {}
    for block in _load("data/nlu.yml")["nlu"]:
        if "intent" in block:
            examples[block["intent"]] = [
                line.strip().removeprefix("- ").strip()
                for line in block["examples"].splitlines()
                if line.strip()
            ]
    for intent in (
        "ask_price",
        "ask_how_it_works",
        "ask_who_comes",
        "ask_privacy",
        "bot_challenge",
        "chitchat",
        "change",
        "choose_field",
    ):
        texts = examples[intent]
        assert len(texts) >= 15, intent
        english = [t for t in texts if detect_language(t, "de") == "en"]
        assert len(english) >= 5, intent
        assert len(texts) - len(english) >= 10, intent


def _in_form(mapping: dict[str, Any], form: str) -> bool:
    return any(c.get("active_loop") == form for c in mapping.get("conditions") or [])


def test_detour_intents_never_fill_a_job_form_slot() -> None:
    detours = {"ask_price", "ask_how_it_works", "ask_who_comes", "ask_privacy", "chitchat"}
    detours |= {"bot_challenge", "cancel", "change", "choose_field"}
    # A person, the job list and the backend's news are never an answer either.
    detours |= {"human_handoff", "my_jobs", "EXTERNAL_friend_assigned", "EXTERNAL_job_completed"}
    for name, slot in _load("domain.yml")["slots"].items():
        for mapping in slot["mappings"]:
            asked = _in_form(mapping, "job_form") or not mapping.get("conditions")
            if mapping["type"] == "from_text" and "not_intent" in mapping and asked:
                assert detours <= set(mapping["not_intent"]), name


def test_in_the_rating_any_text_is_a_comment_but_a_person_or_news_are_not() -> None:
    """A comment may read like small talk ("war sehr nett"), so only the intents that leave the
    rating are kept out of its slots. "abbrechen" (cancel) is taken by the form, which ends the
    rating itself: outside the form cancel would ask to cancel a job."""
    leave = {"human_handoff", "my_jobs", "EXTERNAL_job_completed"}
    slots = _load("domain.yml")["slots"]
    for name in ("rating_stars", "rating_comment"):
        texts = [m for m in slots[name]["mappings"] if m["type"] == "from_text"]
        assert texts and all(_in_form(m, "rating_form") for m in texts), name
        assert all(leave <= set(m["not_intent"]) for m in texts), name
        assert all("cancel" not in m["not_intent"] for m in texts), name


def _external_intents() -> set[str]:
    return {i for i in _load("domain.yml")["intents"] if str(i).startswith("EXTERNAL_")}


def test_no_backend_news_is_ever_taken_as_an_answer() -> None:
    externals = _external_intents()
    assert "EXTERNAL_friend_handed_back" in externals
    for name, slot in _load("domain.yml")["slots"].items():
        for mapping in slot["mappings"]:
            if mapping["type"] == "from_text" and "not_intent" in mapping:
                assert externals <= set(mapping["not_intent"]), name


def test_every_backend_news_has_a_rule_outside_and_inside_the_job_form() -> None:
    """A fresh conversation (no slots) needs the plain rule, a booking in progress the one
    that goes back to the form; both start with the news intent."""
    plain: set[str] = set()
    in_form: set[str] = set()
    for rule in _load("data/rules.yml")["rules"]:
        first = rule["steps"][0]
        intent = first.get("intent", "") if isinstance(first, dict) else ""
        if not intent.startswith("EXTERNAL_"):
            continue
        conditions = rule.get("condition") or []
        if {"active_loop": "job_form"} in conditions:
            in_form.add(intent)
            assert rule["steps"][-2:] == [{"action": "job_form"}, {"active_loop": "job_form"}]
        elif not conditions:
            plain.add(intent)
    assert plain == _external_intents()
    assert in_form == _external_intents()


def test_new_after_booking_intents_have_20_examples_per_language() -> None:
    examples = {
        block["intent"]: [
            line.strip().removeprefix("- ").strip()
            for line in block["examples"].splitlines()
            if line.strip()
        ]
        for block in _load("data/nlu_after_booking.yml")["nlu"]
        if "intent" in block
    }
    for intent in ("my_jobs", "human_handoff", "rate"):
        texts = examples[intent]
        english = [t for t in texts if detect_language(t, "de") == "en"]
        german = [t for t in texts if detect_language(t, "en") == "de"]
        assert len(english) >= 20, (intent, len(english))
        assert len(german) >= 20, (intent, len(german))


def test_device_and_brand_come_from_the_problem_description_only() -> None:
    """A later "Ist das ein Computer?" (bot_challenge) or "Hier ein Bild vom Drucker"
    (share_image) tags a device too; it must not replace the device of the job."""
    slots = _load("domain.yml")["slots"]
    for name in ("device", "brand"):
        mappings = slots[name]["mappings"]
        assert mappings, name
        for mapping in mappings:
            assert mapping["type"] == "from_entity", name
            assert mapping.get("intent") == "describe_problem", name
