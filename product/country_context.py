"""Which country a postal code is in, from what the conversation already tells.

Pure (no I/O): the bot's postal step (actions/dialogue/postal_code.py) and the Friends'
sign-up by chat (backend/friends_chat/signup.py) both ask it. Germany, France, Italy and Poland
all use five digits, Austria and Switzerland both use four: "10115" is Berlin but may also exist
in France or Italy, "1010" is Vienna and Lausanne. The bot asks only when the context leaves the
country open; a German customer typing "10115" is never asked "Berlin or somewhere in France?".

The evidence, strongest first; each narrows the countries that have the code, and evidence that
names none of them is passed over (a Swiss customer's Messenger says "de_DE": Facebook has no
"de_CH"):

1. a country the customer named ("F-75001", "75001 Paris, France", a tapped country button);
2. the phone number's international prefix (+41, 0048 …; a WhatsApp customer's own number);
3. the locale's region ("de-CH", "fr_FR"; the channel's page or the browser);
4. the greeting style ("Grüezi": ch, "Servus": at);
5. the conversation language (de: DE, AT, CH; fr: FR, CH; it: IT, CH; pl: PL; en: none).

Only served countries (SERVICE_COUNTRIES) count; a code that exists only in countries not yet
served is reported as such, so the bot can say "we are not there yet" instead of "unknown".

A country that has the code only in another form than the customer wrote it (``weak``: "10115"
is Olsztyn's "10-115", but Poles write the dash) counts only when the context points to it or
no other country has the code: most five-digit numbers are some Polish code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from product.countries import COUNTRIES, PHONE_PREFIXES, postal_form

# The countries where each language is spoken by our customers (order: COUNTRIES).
LANGUAGE_COUNTRIES: dict[str, tuple[str, ...]] = {
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "CH"),
    "it": ("IT", "CH"),
    "pl": ("PL",),
    "en": (),
}
GREETING_COUNTRIES: dict[str, tuple[str, ...]] = {"ch": ("CH",), "at": ("AT",), "de": ()}
_LOCALE_REGION = re.compile(r"^[a-z]{2,3}[-_]([a-z]{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    """``country``: the country decided, or None. When None, ``candidates`` are the served
    countries to ask between (more than one), or empty: then ``not_served`` holds the
    countries that have the code but are not served yet (empty too: the code is unknown)."""

    country: str | None
    candidates: tuple[str, ...]
    not_served: tuple[str, ...] = ()

    @property
    def must_ask(self) -> bool:
        return self.country is None and len(self.candidates) > 1


def written_otherwise(code: str, countries: Iterable[str]) -> tuple[str, ...]:
    """The countries that write ``code`` in another form than the customer did ("10115" typed:
    Poland, which writes "10-115"): ``decide_country``'s ``weak``."""
    typed = code.replace(" ", "")
    return tuple(c for c in countries if postal_form(typed, c) != typed)


def phone_country(phone: str | None) -> str | None:
    """The country of an international number ("+41 79 …", "0048 512 …"); None for a
    national number ("079 …") or none."""
    if not phone:
        return None
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        return None
    for prefix, code in PHONE_PREFIXES.items():
        if prefix and digits.startswith(prefix):
            return code
    return None


def locale_country(locale: str | None) -> str | None:
    """The region of a locale when it is one of our countries ("de-CH" → CH, "en_GB" → None)."""
    match = _LOCALE_REGION.match(locale or "")
    region = match.group(1).upper() if match else None
    return region if region in COUNTRIES else None


def decide_country(
    having: Iterable[str],
    served: Iterable[str],
    *,
    weak: Iterable[str] = (),
    named: str | None = None,
    phone: str | None = None,
    locale: str | None = None,
    greeting_style: str | None = None,
    language: str | None = None,
) -> Decision:
    """The country of a postal code that exists in ``having``, for a customer whose context
    is given; see the module's docstring for the order of the evidence."""
    served_set = set(served)
    present = list(dict.fromkeys(c for c in having if c in COUNTRIES))
    candidates = [c for c in present if c in served_set]
    if not candidates:
        return Decision(None, (), tuple(present))
    evidence: list[tuple[str, ...]] = [
        (named,) if named else (),
        tuple(c for c in (phone_country(phone),) if c),
        tuple(c for c in (locale_country(locale),) if c),
        GREETING_COUNTRIES.get(greeting_style or "", ()),
        LANGUAGE_COUNTRIES.get(language or "", ()),
    ]
    weak_set = set(weak)
    if any(c not in weak_set for c in candidates):
        pointed = {c for countries in evidence for c in countries}
        candidates = [c for c in candidates if c not in weak_set or c in pointed]
    for countries in evidence:
        if len(candidates) == 1:
            break
        narrowed = [c for c in candidates if c in countries]
        if narrowed:
            candidates = narrowed
    if len(candidates) == 1:
        return Decision(candidates[0], tuple(candidates))
    return Decision(None, tuple(candidates))
