"""The WhatsApp template registry: the shipped file is valid for Meta, every template renders
in every language with exactly its named parameters, and mistakes are named clearly."""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from backend.__main__ import main
from backend.whatsapp import cli
from backend.whatsapp.templates import (
    DEFAULT_FILE,
    MAX_BODY,
    TemplateError,
    TemplateRegistry,
    load,
    meta_language,
    template_file,
)
from product.languages import LANGUAGES

NEWS_INTENTS = (
    "EXTERNAL_friend_assigned",
    "EXTERNAL_friend_contacted",
    "EXTERNAL_job_completed",
    "EXTERNAL_rating_reminder",
    "EXTERNAL_friend_handed_back",
    "EXTERNAL_friend_missed_deadline",
    "EXTERNAL_nobody_found",
    "EXTERNAL_job_cancelled",
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def registry() -> TemplateRegistry:
    return load(DEFAULT_FILE)


def _raw() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_shipped_file_covers_the_offer_and_every_customer_news(
    registry: TemplateRegistry,
) -> None:
    offer = registry.get("friend_offer")
    assert offer.audience == "friends"
    assert offer.buttons == ("claim", "decline")
    for intent in NEWS_INTENTS:
        template = registry.for_notice(intent)
        assert template is not None, intent
        assert template.audience == "customers"
    assert registry.for_notice("EXTERNAL_unknown") is None


def test_news_in_german_avoid_the_sharp_s_so_swiss_customers_read_them_too(
    registry: TemplateRegistry,
) -> None:
    for template in registry.templates.values():
        assert "ß" not in template.variants["de"].body, template.name


@pytest.mark.parametrize("name", sorted(load(DEFAULT_FILE).templates))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_renders_with_its_named_parameters(
    registry: TemplateRegistry, name: str, language: str
) -> None:
    template = registry.get(name)
    variant = template.variants[language]
    params = {p: f"value of {p}" for p in template.parameters}
    payloads = [f"/payload_{i}" for i in range(len(template.buttons))]
    body = registry.render(name, language, "41791234567", params, payloads)
    assert body["messaging_product"] == "whatsapp"
    assert body["to"] == "41791234567"
    assert body["type"] == "template"
    sent = body["template"]
    assert sent["name"] == name
    assert sent["language"] == {"code": language}
    components = sent.get("components", [])
    body_parts = [c for c in components if c["type"] == "body"]
    named = {p["parameter_name"]: p["text"] for p in body_parts[0]["parameters"]}
    assert named == params
    # Every parameter the text shows is one that is sent, and nothing else.
    assert set(re.findall(r"\{\{(\w+)\}\}", variant.body)) == set(named)
    buttons = [c for c in components if c["type"] == "button"]
    assert [b["parameters"][0]["payload"] for b in buttons] == payloads
    assert [b["index"] for b in buttons] == [str(i) for i in range(len(payloads))]
    assert len(variant.body) <= MAX_BODY


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("de", "de"),
        ("de-CH", "de"),
        ("de_AT", "de"),
        ("en", "en"),
        ("en-GB", "en"),
        ("fr", "fr"),
        ("fr-CH", "fr"),
        ("it_CH", "it"),
        ("pl", "pl"),
        ("tlh", "en"),
    ],
)
def test_swiss_and_austrian_customers_get_german_and_strangers_english(
    registry: TemplateRegistry, language: str, code: str
) -> None:
    assert meta_language(language) == code
    body = registry.render(
        "news_nobody_found", language, "41791234567", {"job_reference": "TF-7K2Q"}, []
    )
    assert body["template"]["language"]["code"] == code


def test_an_unknown_template_is_named_with_the_known_ones(registry: TemplateRegistry) -> None:
    with pytest.raises(TemplateError, match=r"unknown WhatsApp template 'no_such'.*friend_offer"):
        registry.render("no_such", "de", "41791234567", {}, [])


def test_wrong_parameters_and_payloads_are_named(registry: TemplateRegistry) -> None:
    with pytest.raises(TemplateError, match=r"missing: \['friend_name'\]"):
        registry.render("news_friend_assigned", "de", "41791234567", {"job_reference": "X"}, [])
    with pytest.raises(TemplateError, match=r"not used: \['extra'\]"):
        registry.render(
            "news_nobody_found", "de", "41791234567", {"job_reference": "X", "extra": "y"}, []
        )
    with pytest.raises(TemplateError, match="empty parameters"):
        registry.render("news_nobody_found", "de", "41791234567", {"job_reference": " "}, [])
    with pytest.raises(TemplateError, match="1 buttons"):
        registry.render("news_job_cancelled", "de", "41791234567", {"job_reference": "X"}, [])
    with pytest.raises(TemplateError, match="wa_id"):
        registry.render("news_nobody_found", "de", "+4179", {"job_reference": "X"}, [])


def test_line_breaks_in_a_value_become_spaces_because_meta_refuses_them(
    registry: TemplateRegistry,
) -> None:
    body = registry.render(
        "news_nobody_found", "en", "41791234567", {"job_reference": "TF\n-7\tK2Q   x"}, []
    )
    assert body["template"]["components"][0]["parameters"][0]["text"] == "TF -7 K2Q   x"


def _broken(mutate: Any) -> dict[str, Any]:
    data = _raw()
    mutate(data["templates"])
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t["news_nobody_found"]["languages"].pop("en"), r"no text in \['en'\]"),
        (
            lambda t: t["news_nobody_found"]["parameters"].update(extra="x"),
            r"declared but not used: \['extra'\]",
        ),
        (
            lambda t: t["news_nobody_found"]["languages"]["de"].update(body="Hallo {{wer}} da"),
            r"used but not declared: \['wer'\]",
        ),
        (
            lambda t: t["news_nobody_found"]["languages"]["de"].update(
                body="x" * 1000 + " {{job_reference}} " + "y" * 30
            ),
            "at most 1024",
        ),
        (
            lambda t: t["news_job_cancelled"]["languages"]["de"].update(
                buttons=["Ein sehr langer Knopftext hier"]
            ),
            "at most 25",
        ),
        (
            lambda t: t["news_job_cancelled"].update(buttons=["a", "b", "c", "d"]),
            "at most 3",
        ),
        (lambda t: t["news_job_cancelled"].update(category="MARKETING"), "must be UTILITY"),
        (
            lambda t: t["news_nobody_found"]["languages"]["en"].update(body="{{job_reference}} x"),
            "starts or ends with a parameter",
        ),
        (lambda t: t.update({"Bad-Name": t["news_nobody_found"]}), "lowercase"),
        (
            lambda t: t["news_job_cancelled"].update(notices=["EXTERNAL_nobody_found"]),
            "told by two templates",
        ),
    ],
)
def test_a_broken_registry_is_refused_with_the_reason(mutate: Any, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        TemplateRegistry.from_data(_broken(mutate), "test.yml")


def test_the_file_comes_from_the_environment_when_set(tmp_path: Path) -> None:
    assert template_file({}) == DEFAULT_FILE
    other = tmp_path / "t.yml"
    assert template_file({"WHATSAPP_TEMPLATES_FILE": str(other)}) == other
    with pytest.raises(TemplateError, match="cannot read"):
        load(other)
    other.write_text("templates: [", encoding="utf-8")
    with pytest.raises(TemplateError, match="not valid YAML"):
        load(other)


def test_the_command_prints_a_meta_definition_for_every_template_and_language(
    registry: TemplateRegistry,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backend", "whatsapp-templates"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "WHATSAPP_TEMPLATES_FILE": str(DEFAULT_FILE)},
    )
    assert result.returncode == 0, result.stderr
    definitions = json.loads(result.stdout)
    assert {(d["name"], d["language"]) for d in definitions} == {
        (name, language) for name in registry.templates for language in LANGUAGES
    }
    for definition in definitions:
        assert definition["category"] == "UTILITY"
        assert definition["parameter_format"] == "NAMED"
        body = definition["components"][0]
        assert body["type"] == "BODY"
        used = re.findall(r"\{\{(\w+)\}\}", body["text"])
        examples = body.get("example", {}).get("body_text_named_params", [])
        assert [e["param_name"] for e in examples] == list(dict.fromkeys(used))
        assert all(e["example"] for e in examples)
        buttons = definition["components"][1:]
        template = registry.get(definition["name"])
        if template.buttons:
            assert [b["type"] for b in buttons[0]["buttons"]] == ["QUICK_REPLY"] * len(
                template.buttons
            )
        else:
            assert buttons == []


def test_the_command_names_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("templates: {}\n", encoding="utf-8")
    assert main(["whatsapp-templates", "--file", str(broken)]) == 2
    assert "no templates" in capsys.readouterr().err
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(argparse.Namespace(file=DEFAULT_FILE), out, err) == 0
    assert json.loads(out.getvalue())


def test_the_offer_takes_the_parameters_the_friends_offer_fills(
    registry: TemplateRegistry,
) -> None:
    """backend/whatsapp/offer_template.py (the Friends' side) fills exactly these."""
    offer = registry.get("friend_offer")
    assert set(offer.parameters) == {"reference", "category", "place", "when", "package", "payout"}
    body = registry.render(
        "friend_offer",
        "de",
        "41791234567",
        {p: "x" for p in offer.parameters},
        ["CLAIM:TF-7K2Q", "DECLINE:TF-7K2Q"],
    )
    assert [c["parameters"][0]["payload"] for c in body["template"]["components"][1:]] == [
        "CLAIM:TF-7K2Q",
        "DECLINE:TF-7K2Q",
    ]
