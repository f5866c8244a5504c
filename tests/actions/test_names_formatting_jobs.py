"""actions/names.py, actions/formatting.py and actions/jobs.py."""

from __future__ import annotations

import pytest

from actions.formatting import format_rating, join_list
from actions.greetings import strip_greeting
from actions.jobs import build_job_request, idempotency_key, missing_fields
from actions.names import clean_customer_name, is_a_reply_not_a_name, says_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hans Müller", "Hans Müller"),
        ("ich heiße hans müller.", "Hans Müller"),
        ("Mein Name ist Erika Mustermann", "Erika Mustermann"),
        ("Hallo, ich bin Franz Huber", "Franz Huber"),
        ("My name is John Smith", "John Smith"),
        ("hans von der heide", "Hans von der Heide"),
        ("Karl-Heinz Weber", "Karl-Heinz Weber"),
        ("sorry, I prefer to write in English. My name is John Smith", "John Smith"),
        ("Entschuldigung, mein Name ist Erika Mustermann.", "Erika Mustermann"),
    ],
)
def test_names_are_cleaned(text: str, expected: str) -> None:
    assert clean_customer_name(text) == expected


@pytest.mark.parametrize("text", ["10115", "a", "/affirm", "", None, "Hallo", "x" * 100])
def test_non_names_are_rejected(text: str | None) -> None:
    assert clean_customer_name(text) is None


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (4.8, "de", "4,8"),
        (4.8, "en", "4.8"),
        ("4,75", "en", "4.8"),
        ("5", "de", "5,0"),
        (None, "de", None),
        ("great", "de", None),
        (7, "de", None),
        (True, "de", None),
    ],
)
def test_format_rating(value: object, language: str, expected: str | None) -> None:
    assert format_rating(value, language) == expected


SLOTS = {
    "category": "internet_wifi",
    "description": "Mein WLAN bricht ständig ab",
    "device": None,
    "brand": None,
    "country": "DE",
    "postal_code": "10115",
    "package": "setup",
    "street": "Hauptstraße 5a",
    "window_start": "2025-11-29T13:00:00+01:00",
    "window_end": "2025-11-29T18:00:00+01:00",
    "customer_name": "Hans Müller",
    "phone": "+491719876543",
    "consent": True,
    "language": "de",
}


def test_job_request_follows_the_backend_contract() -> None:
    request = build_job_request(SLOTS, "psid-1")
    assert request == {
        "category": "internet_wifi",
        "description": "Mein WLAN bricht ständig ab",
        "device": None,
        "brand": None,
        "package": "setup",
        "country": "DE",
        "postal_code": "10115",
        "street": "Hauptstraße 5a",
        "time_window": {
            "start": "2025-11-29T13:00:00+01:00",
            "end": "2025-11-29T18:00:00+01:00",
        },
        "customer": {
            "channel": "messenger",
            "id": "psid-1",
            "psid": "psid-1",
            "name": "Hans Müller",
            "phone": "+491719876543",
            "language": "de",
        },
    }
    assert missing_fields(SLOTS) == []
    assert missing_fields({**SLOTS, "phone": None}) == ["phone"]
    # Without the customer's consent nothing goes to a Friend.
    assert missing_fields({**SLOTS, "consent": None}) == ["consent"]
    assert missing_fields({**SLOTS, "street": "", "window_end": None}) == ["street", "window_end"]


def test_without_a_package_the_default_is_sent() -> None:
    request = build_job_request({**SLOTS, "package": None, "window_start": None}, "psid-1")
    assert request["package"] == "quick_help"
    assert request["time_window"] is None


def test_idempotency_key_is_stable_and_specific() -> None:
    request = build_job_request(SLOTS, "psid-1")
    key = idempotency_key("psid-1", request)
    assert len(key) == 64
    assert key == idempotency_key("psid-1", build_job_request(dict(SLOTS), "psid-1"))
    assert key != idempotency_key("psid-2", build_job_request(SLOTS, "psid-2"))
    changed = build_job_request({**SLOTS, "phone": "+491719876544"}, "psid-1")
    assert key != idempotency_key("psid-1", changed)
    # The key this job had before customers carried their channel (computed with the code of
    # commit 0ed6012): a confirm retried across the release finds its job.
    assert key == "5c1cb85a38ce8554847e25ca7e088a804632c7225252d5ed53a1bc505ea61bd5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grüezi, min Fernseh gaht nüm", "Min Fernseh gaht nüm"),
        ("Hallo, mein WLAN geht nicht", "Mein WLAN geht nicht"),
        ("Servus mei Drucker spinnt", "Mei Drucker spinnt"),
        ("Guten Tag! Der Router blinkt", "Der Router blinkt"),
        ("Hello, my printer is broken", "My printer is broken"),
        ("Hallo", ""),
        ("Halloween-Deko blinkt nicht", "Halloween-Deko blinkt nicht"),
        ("Mein WLAN bricht ständig ab", "Mein WLAN bricht ständig ab"),
    ],
)
def test_strip_greeting(text: str, expected: str) -> None:
    assert strip_greeting(text) == expected


def test_messages_that_introduce_a_name() -> None:
    assert says_name("Nein, ich heiße Hans Meier")
    assert says_name("Hallo, ich bin Franz Huber")
    assert says_name("sorry, I prefer English. My name is John Smith")
    assert not says_name("yes, that is fine")
    assert not says_name("Hans Meier")
    assert not says_name(None)


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("Ja", True),
        ("yes, that is fine", True),
        ("Danke!", True),
        ("nein danke", True),
        ("Gerda Lange", False),
        ("Peter Klar-Schmidt", False),
        ("", False),
    ],
)
def test_only_yes_no_thanks_words_make_an_answer_a_reply(text: str, reply: bool) -> None:
    assert is_a_reply_not_a_name(text) is reply


def test_lists_are_joined_as_a_sentence_says_them() -> None:
    assert join_list([], "de") == ""
    assert join_list(["Wien"], "en") == "Wien"
    assert join_list(["A", "B", "C"], "de") == "A, B und C"
    assert join_list(["A", "B"], "en", "or") == "A or B"
    assert join_list(["A", "B"], None, "or") == "A oder B"  # the default language
