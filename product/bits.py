"""Bit positions of categories and languages, derived from their append-only tuples.

The Friends' matching index stores skills and languages as integers (backend/domain/bitsets.py),
so a value's bit must never change: it is its position in ``CATEGORIES`` or ``LANGUAGES``, and
those tuples only grow at the end (tests/product pins today's bits).
"""

from __future__ import annotations

from product.categories import CATEGORIES
from product.languages import LANGUAGES

CATEGORY_BITS: dict[str, int] = {category: 1 << i for i, category in enumerate(CATEGORIES)}
LANGUAGE_BITS: dict[str, int] = {language: 1 << i for i, language in enumerate(LANGUAGES)}
