"""Checks for what a new Friend types while signing up by chat (the phone: jobs.normalise_phone)."""

from __future__ import annotations

import re

RADIUS_CHOICES = (5, 10, 15, 25, 50)
MAX_RADIUS_KM = 100
_NUMBER = re.compile(r"(\d{1,3})")
_POSTAL_CODE = re.compile(r"\b(\d{4,5})\b")


def clean_name(raw: str) -> str | None:
    """A name as typed, trimmed; None when it cannot be a name (empty, digits, a long text)."""
    name = " ".join(raw.split())
    if not 2 <= len(name) <= 100 or not any(c.isalpha() for c in name):
        return None
    if any(c.isdigit() for c in name):
        return None
    return name


def postal_code_in(raw: str) -> str | None:
    """The 4- or 5-digit postal code in "10115" or "PLZ 10115 Berlin"."""
    match = _POSTAL_CODE.search(raw)
    return match.group(1) if match else None


def radius_in(raw: str) -> int | None:
    """ "15", "15 km", "bis 20 Kilometer" → km between 1 and MAX_RADIUS_KM; else None."""
    match = _NUMBER.search(raw)
    if not match:
        return None
    km = int(match.group(1))
    return km if 1 <= km <= MAX_RADIUS_KM else None
