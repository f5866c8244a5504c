"""Service packages as the backend lists them (``GET /api/v1/packages?country=XX``), shown as
quick replies and price lines in the customer's language.

Pure module (no Rasa imports). A package from the backend looks like
``{"id": "quick_help", "name": {"de": …, "en": …}, "minutes": 60,
"price": {"amount": "49.00", "currency": "EUR"}}``.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from product.languages import DEFAULT_LANGUAGE, LANGUAGES
from product.languages import or_default as _language
from product.money import amount_only, format_money

# Messenger: at most 13 quick replies, titles cut at 20 characters.
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20


def valid_packages(data: Any) -> list[dict[str, Any]]:
    """The well-formed packages of a backend answer, in its order."""
    if not isinstance(data, list):
        return []
    result = []
    for package in data:
        if not isinstance(package, dict) or not isinstance(package.get("id"), str):
            continue
        price = package.get("price")
        if not isinstance(price, dict) or _decimal(price.get("amount")) is None:
            continue
        given = package.get("name")
        names: dict[str, Any] = given if isinstance(given, dict) else {}
        result.append(
            {
                "id": package["id"],
                "name": {
                    lang: str(names.get(lang) or names.get(DEFAULT_LANGUAGE) or package["id"])
                    for lang in LANGUAGES
                },
                "minutes": package.get("minutes"),
                "price": {
                    "amount": str(price["amount"]),
                    "currency": str(price.get("currency") or ""),
                },
            }
        )
    return result


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def name_of(package: dict[str, Any], language: str | None) -> str:
    return str(package["name"].get(_language(language)) or package["id"])


def short_name(package: dict[str, Any], language: str | None) -> str:
    """The name without its explanation in brackets: "Schnelle Hilfe (1 Stunde)" → "Schnelle
    Hilfe"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name_of(package, language)).strip()


def format_price(price: dict[str, Any], language: str | None, compact: bool = False) -> str:
    """ "49,00 €" / "€49.00" for euros, "CHF 79.00" for Swiss francs, "199,00 zł" for zloty
    (product/money.py writes every amount); compact drops ".00"."""
    amount = _decimal(price.get("amount")) or Decimal(0)
    return format_money(amount, str(price.get("currency") or ""), language, compact)


def price_line(package: dict[str, Any], language: str | None) -> str:
    """One line of the package list: "• Schnelle Hilfe (1 Stunde): 49,00 €"."""
    return f"• {name_of(package, language)}: {format_price(package['price'], language)}"


def price_lines(packages: list[dict[str, Any]], language: str | None) -> str:
    return "\n".join(price_line(package, language) for package in packages)


def _titles(package: dict[str, Any], language: str | None) -> list[str]:
    """Candidate quick-reply titles, most informative first."""
    name = short_name(package, language)
    price = format_price(package["price"], language, compact=True)
    amount = amount_only(
        _decimal(package["price"].get("amount")) or Decimal(0),
        str(package["price"].get("currency") or ""),
        language,
    )
    return [f"{name} {price}", f"{name} {amount}", name]


def button_titles(packages: list[dict[str, Any]], language: str | None) -> list[str]:
    """Quick-reply titles with name and price within Messenger's 20 characters, in the same
    form for every package ("Schnelle Hilfe 49 €" / "Schnelle Hilfe 79" when "CHF" does not
    fit; the question above the quick replies names the currency)."""
    candidates = [_titles(package, language) for package in packages]
    for level in range(3):
        titles = [options[level] for options in candidates]
        if all(len(title) <= MAX_TITLE for title in titles):
            return titles
    return [
        title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"
        for title in (options[2] for options in candidates)
    ]


def payload(package: dict[str, Any]) -> str:
    return "/inform" + json.dumps({"package": package["id"]}, separators=(",", ":"))


def buttons(packages: list[dict[str, Any]], language: str | None) -> list[dict[str, str]]:
    shown = packages[:MAX_QUICK_REPLIES]
    return [
        {"title": title, "payload": payload(package)}
        for title, package in zip(button_titles(shown, language), shown, strict=True)
    ]


def _words(text: str) -> str:
    text = text.lower().replace("-", " ")
    return " ".join(re.findall(r"[a-z0-9äöüß]+", text))


_ORDINALS = {
    0: ("erste", "erstes", "ersten", "first", "1", "eins", "das erste"),
    1: ("zweite", "zweites", "zweiten", "second", "2", "zwei"),
    2: ("dritte", "drittes", "dritten", "third", "3", "drei"),
}


def match_package(value: Any, packages: list[dict[str, Any]]) -> str | None:
    """The id of the package ``value`` names: an id (from a quick reply), a name as typed
    ("schnelle hilfe", "Einrichtung bitte", "set-up") or its place ("das erste")."""
    if value is None or not packages:
        return None
    text = str(value).strip()
    if not text or text.startswith("/"):
        return None
    ids = {package["id"]: package["id"] for package in packages}
    if text in ids:
        return text
    words = _words(text)
    if not words:
        return None
    for package in packages:
        if _words(package["id"]) == words:
            return str(package["id"])
    # A name (with or without its explanation) inside the answer.
    found = []
    for package in packages:
        names = {_words(package["name"].get(lang, "")) for lang in LANGUAGES}
        names |= {_words(short_name(package, lang)) for lang in LANGUAGES}
        if any(name and re.search(rf"\b{re.escape(name)}\b", words) for name in names):
            found.append(package["id"])
    if len(found) == 1:
        return str(found[0])
    # The first word of a name ("schnelle", "einrichtung", "quick", "setup").
    found = []
    for package in packages:
        firsts = {_words(short_name(package, lang)).split(" ")[0] for lang in LANGUAGES}
        firsts |= {_words(short_name(package, lang)).replace(" ", "") for lang in LANGUAGES}
        if any(first and re.search(rf"\b{re.escape(first)}\b", words) for first in firsts):
            found.append(package["id"])
    if len(found) == 1:
        return str(found[0])
    token_set = set(words.split())
    for index, ordinals in _ORDINALS.items():
        if index < len(packages) and (words in ordinals or token_set & set(ordinals[:4])):
            return str(packages[index]["id"])
    return None


def find(package_id: str | None, packages: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((p for p in packages if p["id"] == package_id), None)


def label(
    package_id: str | None, packages: list[dict[str, Any]], language: str | None
) -> str | None:
    """The package as the summary shows it: "Schnelle Hilfe (1 Stunde), 49,00 €"."""
    package = find(package_id, packages)
    if package is None:
        return None
    return f"{name_of(package, language)}, {format_price(package['price'], language)}"
