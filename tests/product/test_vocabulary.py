"""product/ is the one home of languages, countries and categories: every table that speaks
to people has every language, every country has what the product needs, and the bits stored in
the Friends' matching index follow the append-only tuples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from backend.console.i18n import (
    CONSOLE_LANGUAGES,
    console_accept_language,
    console_language,
)
from backend.console.i18n import TEXTS as CONSOLE_TEXTS
from backend.domain import bitsets
from backend.friends_chat.texts import TEXTS as FRIEND_TEXTS
from product.bits import CATEGORY_BITS, LANGUAGE_BITS
from product.categories import CATEGORIES, CATEGORY_LABELS, category_label
from product.countries import COUNTRIES, COUNTRY_CODES, CURRENCIES, time_zone
from product.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    first_of,
    from_accept_language,
    from_locale,
    or_default,
)

ROOT = Path(__file__).resolve().parents[2]
# The skill slots of the SQLite R*Tree (migration 0011): more categories need a migration.
SKILL_SLOTS = 16


def _yaml(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def test_todays_bits_never_move() -> None:
    # Stored in friends.skill_bits / language_bits: a reordered tuple would scramble matching.
    stored = {
        "internet_wifi": 1,
        "smart_home": 2,
        "tv_entertainment": 4,
        "computer": 8,
        "phone_tablet": 16,
        "printer": 32,
        "other": 64,
    }
    for category, bit in stored.items():
        assert CATEGORY_BITS[category] == bit, category
    assert LANGUAGE_BITS["de"] == 1
    assert LANGUAGE_BITS["en"] == 2


def test_every_category_and_language_has_a_distinct_bit_in_matching() -> None:
    assert set(bitsets.SKILL_BITS) == set(CATEGORIES)
    assert set(bitsets.LANGUAGE_BITS) == set(LANGUAGES)
    assert len(set(bitsets.SKILL_BITS.values())) == len(CATEGORIES)
    assert len(CATEGORIES) <= SKILL_SLOTS, "the R*Tree of 0011 has 16 skill slots"
    for category in CATEGORIES:
        assert bitsets.skill_bits([category]) != 0, category


def test_every_language_is_named_in_every_language() -> None:
    assert DEFAULT_LANGUAGE in LANGUAGES
    assert set(LANGUAGE_NAMES) == set(LANGUAGES)
    for language, names in LANGUAGE_NAMES.items():
        assert set(names) == set(LANGUAGES), language
        assert all(name.strip() for name in names.values())


def test_every_category_has_a_label_in_every_language_that_fits_a_quick_reply() -> None:
    assert set(CATEGORY_LABELS) == set(CATEGORIES)
    for category in CATEGORIES:
        assert set(CATEGORY_LABELS[category]) == set(LANGUAGES), category
        for language in LANGUAGES:
            assert 0 < len(category_label(category, language)) <= 20


def test_every_country_has_names_a_currency_a_time_zone_and_packages() -> None:
    packages = _yaml("backend/packages.yml")["packages"]
    for code, country in COUNTRIES.items():
        assert code == country.code and len(code) == 2 and code.isupper()
        assert set(country.names) == set(LANGUAGES), code
        assert set(country.in_country) == set(LANGUAGES), code
        assert country.currency in CURRENCIES
        assert time_zone(code) == country.time_zone
        assert country.postal_digits in (4, 5)
        for package, spec in packages.items():
            assert code in spec["prices"], f"{package} has no price in {code}"
            assert spec["prices"][code]["currency"] == country.currency, (package, code)
    assert time_zone("XX") == COUNTRIES[COUNTRY_CODES[0]].time_zone


def test_every_text_table_speaks_every_language() -> None:
    for key, variants in FRIEND_TEXTS.items():
        assert set(variants) == set(LANGUAGES), f"backend/friends_chat/texts.py {key}"
    # The console speaks its own languages (issue 17: French and Italian for Swiss support).
    for key, texts in CONSOLE_TEXTS.items():
        assert len(texts) == len(CONSOLE_LANGUAGES), f"backend/console/i18n.py {key}"
        assert all(text.strip() for text in texts), f"backend/console/i18n.py {key}"
    for package, spec in _yaml("backend/packages.yml")["packages"].items():
        assert set(spec["name"]) == set(LANGUAGES), f"packages.yml {package}"
    for skill, questions in _yaml("backend/quiz.yml").items():
        assert skill in CATEGORIES, f"quiz.yml {skill}"
        for question in questions:
            assert set(LANGUAGES) <= set(question), f"quiz.yml {question['id']}"


def test_every_bot_response_has_a_variant_per_language() -> None:
    for name, variants in _yaml("domain.yml")["responses"].items():
        languages = {
            condition.get("value")
            for variant in variants
            for condition in variant.get("condition") or []
            if condition.get("name") == "language"
        }
        default = [v for v in variants if not v.get("condition")]
        assert len(default) == 1, f"{name}: one default ({DEFAULT_LANGUAGE}) variant"
        assert languages | {DEFAULT_LANGUAGE} == set(LANGUAGES), name


def test_languages_from_slots_locales_and_headers() -> None:
    assert or_default("en") == "en"
    assert or_default("xx") == DEFAULT_LANGUAGE
    assert or_default(None) == DEFAULT_LANGUAGE
    assert from_locale("de_CH") == "de"
    assert from_locale("en-GB") == "en"
    assert from_locale("tlh_KL") is None
    assert from_locale(42) is None
    assert from_accept_language("tlh, en-US;q=0.8, de;q=0.5") == "en"
    assert from_accept_language("") == DEFAULT_LANGUAGE
    assert first_of(["xx", "en", "de"]) == "en"
    assert first_of([]) == DEFAULT_LANGUAGE
    assert first_of(None) == DEFAULT_LANGUAGE


def test_the_console_speaks_its_own_languages_and_falls_back_to_english() -> None:
    assert set(CONSOLE_LANGUAGES) <= set(LANGUAGES)
    assert CONSOLE_LANGUAGES[:2] == ("de", "en")  # the order of every console tuple
    assert {"fr", "it"} <= set(CONSOLE_LANGUAGES) and "pl" not in CONSOLE_LANGUAGES
    assert console_language("it") == "it"
    assert console_language("pl") == "en"  # served, but not by the console
    assert console_language("xx") == DEFAULT_LANGUAGE
    assert console_accept_language("pl, it;q=0.8") == "it"
    assert console_accept_language("pl") == "en"
    assert console_accept_language("") == DEFAULT_LANGUAGE


def test_friends_buttons_fit_messenger_and_whatsapp_in_every_language() -> None:
    # Quick replies and buttons ≤ 20 characters; WhatsApp list rows ≤ 24 (the language chips).
    for key, variants in FRIEND_TEXTS.items():
        if key.startswith("button_") or key in ("languages_both", "minutes_none", "wa_list_button"):
            for language, title in variants.items():
                assert 0 < len(title) <= 20, (key, language, title)
    for names in LANGUAGE_NAMES.values():
        assert all(0 < len(name) <= 20 for name in names.values())
