"""The invoice's words: every text in German and English (the legal notes at least in English and
their country's language), the same placeholders in every language, every key the code uses."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from backend.billing.texts import LANGUAGES, TEXTS, text
from backend.billing.vat import STANDARD_RATES

BILLING = Path(__file__).resolve().parents[2] / "backend" / "billing"
# The exemption notes quote one country's law; each is written in that country's languages.
LEGAL = {
    "vat_exempt_de": {"de", "en"},
    "vat_exempt_at": {"de", "en"},
    "vat_exempt_ch": {"de", "en", "fr", "it"},
    "vat_exempt_fr": {"fr", "en"},
    "vat_exempt_it": {"it", "en"},
    "vat_exempt_pl": {"pl", "en"},
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_each_text_in_its_languages_with_the_same_placeholders(key: str) -> None:
    variants = TEXTS[key]
    assert set(variants) == LEGAL.get(key, set(LANGUAGES)), key
    assert len({frozenset(_fields(v)) for v in variants.values()}) == 1, key


def test_every_vat_country_has_an_exemption_note() -> None:
    assert {f"vat_exempt_{c.lower()}" for c in STANDARD_RATES} == set(LEGAL)


def test_every_text_key_the_code_names_exists() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in BILLING.glob("*.py"))
    named = set(re.findall(r"""text\(\s*['"]([a-z0-9_]+)['"]""", source))
    named |= set(re.findall(r'"(col_[a-z_]+)"', source))
    named |= set(re.findall(r'Item\(\s*"([a-z_]+)"', source))
    named |= {"invoice_title", "credit_note_title", "vat", "vat_ch", "labour", "labour_35a"}
    assert named <= set(TEXTS), named - set(TEXTS)


def test_a_missing_language_falls_back_to_english() -> None:
    assert text("vat_exempt_de", "pl") == TEXTS["vat_exempt_de"]["en"]
    assert text("line_package", "pl", {"package": "Basic"}) == "Pakiet Basic"
