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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # particles and diacritics, typed as they should be: kept
        ("Jean de la Fontaine", "Jean de la Fontaine"),
        ("Maria D'Angelo", "Maria D'Angelo"),
        ("Maria D’Angelo", "Maria D'Angelo"),
        ("Łukasz Wiśniewski", "Łukasz Wiśniewski"),
        ("François Müller-Lüdenscheid", "François Müller-Lüdenscheid"),
        ("Pieter van der Berg", "Pieter van der Berg"),
        ("Jean d'Ormesson", "Jean d'Ormesson"),
        # typed in lower case (or all capitals): capitalised, particles stay small
        ("jean de la fontaine", "Jean de la Fontaine"),
        ("maria d'angelo", "Maria D'Angelo"),
        ("łukasz wiśniewski", "Łukasz Wiśniewski"),
        ("françois müller-lüdenscheid", "François Müller-Lüdenscheid"),
        ("van der berg", "van der Berg"),
        ("giulia della rosa", "Giulia della Rosa"),
        ("maria la rosa", "Maria La Rosa"),
        ("hans le", "Hans Le"),
        ("anna van", "Anna Van"),
        ("ŁUKASZ WIŚNIEWSKI", "Łukasz Wiśniewski"),
        ("JEAN DE LA FONTAINE", "Jean de la Fontaine"),
        # French
        ("je m'appelle Jean Dupont", "Jean Dupont"),
        ("Je m’appelle Amélie Poulain.", "Amélie Poulain"),
        ("Bonjour, je m'appelle marie-claire lefèvre", "Marie-Claire Lefèvre"),
        ("Mon nom est Jean de la Fontaine", "Jean de la Fontaine"),
        ("C'est Pierre Martin", "Pierre Martin"),
        ("Pardon, je préfère le français. Je m'appelle Luc Besson", "Luc Besson"),
        # Italian
        ("mi chiamo Maria D'Angelo", "Maria D'Angelo"),
        ("Mi chiamo giuseppe verdi", "Giuseppe Verdi"),
        ("Il mio nome è Lucia Bernasconi", "Lucia Bernasconi"),
        ("Sono Marco Rossi", "Marco Rossi"),
        # Polish, with and without diacritics
        ("nazywam się Łukasz Wiśniewski", "Łukasz Wiśniewski"),
        ("nazywam sie lukasz wisniewski", "Lukasz Wisniewski"),
        ("Mam na imię Anna Kowalska", "Anna Kowalska"),
        ("Jestem Katarzyna Nowak", "Katarzyna Nowak"),
        ("Dzień dobry, nazywam się Zbigniew Żółć", "Zbigniew Żółć"),
    ],
)
def test_names_in_every_language(text: str, expected: str) -> None:
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
    assert says_name("Non, je m'appelle Jean Dupont")
    assert says_name("je m’appelle Jean Dupont")
    assert says_name("Sì, mi chiamo Marco Rossi")
    assert says_name("Nie, nazywam się Anna Kowalska")
    assert says_name("tak, nazywam sie Anna Kowalska")
    # "to be" is also an ordinary sentence in French, Italian and Polish
    assert not says_name("je suis d'accord")
    assert not says_name("sono d'accordo")
    assert not says_name("jestem zadowolony")
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
        ("Oui, d'accord", True),
        ("Non merci", True),
        ("je suis d’accord", True),
        ("Sì, grazie", True),
        ("va bene", True),
        ("Tak", True),
        ("nie, dziękuję", True),
        ("nie dziekuje", True),
        ("Jean de la Fontaine", False),
        ("Łukasz Wiśniewski", False),
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
