"""Skills and languages as bit sets, so matching tests them inside the Friends' index.

The JSON lists on a Friend stay the truth; these integers mirror them for the one query that
must be fast. Bits are stored in the database, so a value's bit never changes: new skills or
languages get new bits at the end.
"""

from __future__ import annotations

from collections.abc import Iterable

SKILL_BITS: dict[str, int] = {
    "internet_wifi": 1 << 0,
    "smart_home": 1 << 1,
    "tv_entertainment": 1 << 2,
    "computer": 1 << 3,
    "phone_tablet": 1 << 4,
    "printer": 1 << 5,
    "other": 1 << 6,
}
LANGUAGE_BITS: dict[str, int] = {"de": 1 << 0, "en": 1 << 1}


def skill_bits(skills: Iterable[str] | None) -> int:
    """Unknown skills get no bit: no job asks for them."""
    return _bits(skills, SKILL_BITS)


def language_bits(languages: Iterable[str] | None) -> int:
    return _bits(languages, LANGUAGE_BITS)


def _bits(values: Iterable[str] | None, table: dict[str, int]) -> int:
    bits = 0
    for value in values or ():
        bits |= table.get(value, 0)
    return bits
