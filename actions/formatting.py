"""Small language-aware formatting helpers for values shown inside responses.

Pure module (no Rasa imports). Whole sentences live in domain.yml; these only format numbers
and lists.
"""

from __future__ import annotations

from typing import Any

from product.languages import or_default

_DECIMAL_SEPARATORS = {"de": ",", "en": ".", "fr": ",", "it": ",", "pl": ","}
# The word before a list's last item: "A, B und C", "A or B", "A, B et C", "A o B", "A lub B".
_CONJUNCTIONS = {
    "and": {"de": "und", "en": "and", "fr": "et", "it": "e", "pl": "i"},
    "or": {"de": "oder", "en": "or", "fr": "ou", "it": "o", "pl": "lub"},
}


def format_rating(value: Any, language: str) -> str | None:
    """A Friend's rating as shown to the customer ("4,8" in German, "4.8" in English).

    Accepts numbers and strings with a dot or a comma; None for anything that is not a rating
    between 0 and 5.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    if not 0 <= number <= 5:
        return None
    return f"{number:.1f}".replace(".", _DECIMAL_SEPARATORS.get(language, "."))


def join_list(items: list[str], language: str | None, conjunction: str = "and") -> str:
    """ "Ihre Adresse und Ihre Telefonnummer", "Wien or Lausanne": items as a sentence says
    them; "" for none."""
    if len(items) <= 1:
        return "".join(items)
    word = _CONJUNCTIONS[conjunction][or_default(language)]
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
