"""Small language-aware formatting helpers for values shown inside responses.

Pure module (no Rasa imports). Whole sentences live in domain.yml; these only format numbers.
"""

from __future__ import annotations

from typing import Any


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
    text = f"{number:.1f}"
    return text.replace(".", ",") if language == "de" else text
