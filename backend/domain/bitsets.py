"""Skills and languages as bit sets, so matching tests them inside the Friends' index.

The JSON lists on a Friend stay the truth; these integers mirror them for the one query that
must be fast. Bits are stored in the database, so a value's bit never changes: it is the
value's position in product/'s append-only tuples (product/bits.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from product.bits import CATEGORY_BITS as SKILL_BITS
from product.bits import LANGUAGE_BITS


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
