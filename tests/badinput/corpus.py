"""The bad-input corpus: hostile, broken and odd values, shared by every target.

Texts that a person could legitimately type (SQL or HTML fragments, right-to-left text, emoji)
are VALID_TEXTS: a free-text field must store them verbatim and the console must show them
escaped. INVALID_TEXTS must be refused with a reason wherever they appear. The raw bodies test
the JSON readers themselves; the signature cases the webhooks' authentication.
"""

from __future__ import annotations

import json
from typing import Any

MIB = 1024 * 1024

SQL_INJECTION = {
    "sql_drop": "'; DROP TABLE jobs;--",
    "sql_or": "1 OR 1=1",
    "sql_quote_or": "' OR '1'='1",
    "sql_union": "x' UNION SELECT psid, phone FROM customers --",
    "sql_comment": "Anna'); DELETE FROM friends; /*",
}
HTML_INJECTION = {
    "html_script": "<script>alert(1)</script>",
    "html_img": '<img src=x onerror="alert(1)">',
    "html_attr_break": '"><svg onload=alert(1)>',
    "html_template": "{{ 7*7 }} {% raw %}",
    "html_entity": "&lt;b&gt; &amp;amp; </textarea>",
}
UNICODE_EDGE = {
    "rtl_override": "Router \u202egnulletsnie\u202c kaputt \u05e9\u05dc\u05d5\u05dd",
    "zero_width": "WLAN\u200b bricht\u200d ab\u2060\ufeff",
    "emoji": "WLAN 📶 kaputt 🔥 👩‍👩‍👧‍👦 🇩🇪",
    "combining": "Z̤͔ͧ̑̓ä͖̭̈̇lg͖̭o Fernseher",
    "astral": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
    "arabic": "الإنترنت لا يعمل",
}
VALID_TEXTS: dict[str, str] = {**SQL_INJECTION, **HTML_INJECTION, **UNICODE_EDGE}

INVALID_TEXTS: dict[str, str] = {
    "nul": "Anna\x00Schmidt",
    "lone_high_surrogate": "kaputt \ud800",
    "lone_low_surrogate": "\udfff kaputt",
    "ten_kb": "x" * 10_000,
    "hundred_kb_unicode": "ä" * 100_000,
}

# Postal codes no place has, or that are not postal codes at all.
ABSURD_POSTAL_CODES: dict[str, Any] = {
    "nonexistent_de": "99999",
    "zero": "0",
    "umlauts": "ÄÖÜ12",
    "ten_kb_digits": "1" * 10_000,
    "arabic_indic_digits": "١٠١١٥",
    "superscript_digits": "¹⁰¹¹⁵",
    "negative": "-1011",
    "float": "10115.0",
    "sql": "10115' OR 1=1 --",
    "html": "<b>10115</b>",
    "number_type": 10115,
    "empty": "",
    "spaces": "     ",
}
ABSURD_PHONES: dict[str, Any] = {
    "too_short": "1",
    "all_zeros": "0000000000",
    "unknown_country_code": "+999 1234567",
    "letters": "Telefon kaputt",
    "umlauts": "ÄÖÜ 12345",
    "sql": "'; DROP TABLE customers;--",
    "html": "<script>alert(1)</script>",
    "ten_kb_digits": "1" * 10_000,
    "too_long": "+49 171 98765432109876",
    "number_type": 491719876543,
    "emoji_digits": "0️⃣1️⃣7️⃣1️⃣",
}

# Values of the wrong JSON type, put into every field of a valid request.
WRONG_TYPES: dict[str, Any] = {
    "int": 42,
    "float": 1.5,
    "bool": True,
    "list": ["a"],
    "object": {"a": 1},
    "null": None,
}


def padded_json(value: dict[str, Any], size: int) -> bytes:
    """The JSON of value padded with spaces to exactly size bytes (still valid JSON)."""
    raw = json.dumps(value).encode()
    assert len(raw) < size
    return raw[:-1] + b" " * (size - len(raw)) + raw[-1:]


def raw_bodies(valid: dict[str, Any]) -> dict[str, bytes]:
    """Bodies that are not the JSON object expected, or not JSON at all.

    The two near the size limit use a valid body, so that only the size decides.
    """
    return {
        "empty": b"",
        "whitespace": b"   \n ",
        "truncated": b'{"category": "internet_wifi", "descr',
        "single_quotes": b"{'category': 'internet_wifi'}",
        "trailing_garbage": json.dumps(valid).encode() + b" trailing",
        "json_null": b"null",
        "json_array": b"[]",
        "json_string": b'"a string"',
        "json_number": b"42",
        "nan": b'{"category": NaN}',
        "invalid_utf8": b'{"description": "\xff\xfe\xfd"}',
        "utf16": json.dumps(valid).encode("utf-16"),
        "latin1": '{"description": "Gerät kaputt"}'.encode("latin-1"),
        "lone_surrogate_escape": b'{"description": "\\ud800"}',
        "overlong_utf8_nul": b'{"description": "a\xc0\x80b"}',
        "deep_arrays": b"[" * 200_000 + b"]" * 200_000,
        "deep_objects": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        "unclosed_deep": b"[" * 500_000,
        "huge_integer": b'{"stars": ' + b"9" * 10_000 + b"}",
        "duplicate_keys": b'{"category": "internet_wifi", "category": 7}',
        "just_under_1mib": padded_json(valid, MIB - 1),
        "just_over_1mib": padded_json(valid, MIB + 1),
        "two_mib": padded_json(valid, 2 * MIB),
    }


# Keys of raw_bodies whose body is valid JSON with the valid request inside (size cases).
SIZE_CASES_UNDER_LIMIT = ("just_under_1mib",)
