"""The Friends' text parser: German and English, typos tolerated, references found."""

from __future__ import annotations

import pytest

from backend.domain.friend_commands import (
    PAYLOADS,
    PHRASES,
    TAPS,
    Command,
    from_payload,
    from_tap,
    normalise,
    parse,
    tap,
)
from backend.friends_chat.router import FIND_REFERENCE, HANDLERS


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("annehmen", "claim"),
        ("Accept", "claim"),
        ("ablehnen", "decline"),
        ("Nicht für mich", "decline"),
        ("Meine Aufträge", "my_jobs"),
        ("meine auftraege", "my_jobs"),
        ("my jobs", "my_jobs"),
        ("my jbos", "my_jobs"),
        ("kontaktiert", "contacted"),
        ("kontacktiert", "contacted"),
        ("Customer contacted", "contacted"),
        ("erledigt!", "done"),
        ("erledgt", "done"),
        ("Done", "done"),
        ("zurückgeben", "hand_back"),
        ("zurück geben", "hand_back"),
        ("hand back", "hand_back"),
        ("handback", "hand_back"),
        ("Kunde nicht erreichbar", "unreachable"),
        ("kunde nich erreichbar", "unreachable"),
        ("customer unreachable", "unreachable"),
        ("online", "online"),
        ("onlnie", "online"),
        ("offline", "offline"),
        ("ofline", "offline"),
        ("Pause", "pause"),
        ("Profil", "profile"),
        ("profile", "profile"),
        ("Hilfe", "help"),
        ("help", "help"),
        ("Wie wird das Wetter morgen?", "unknown"),
        # One letter off a short word is another word, not a typo.
        ("Er war leider nicht zu Hause", "unknown"),
        ("dnoe", "done"),
        ("", "unknown"),
    ],
)
def test_typed_commands_in_both_languages(typed: str, kind: str) -> None:
    assert parse(typed).kind == kind


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("Mes missions", "my_jobs"),
        ("J'accepte", "claim"),
        ("Terminé !", "done"),
        ("client injoignable", "unreachable"),
        ("en ligne", "online"),
        ("hors ligne", "offline"),
        ("miei incarichi", "my_jobs"),
        ("Fatto", "done"),
        ("cliente non raggiungibile", "unreachable"),
        ("restituisci", "hand_back"),
        ("moje zlecenia", "my_jobs"),
        ("Przyjmuję", "claim"),
        ("klient nieosiągalny", "unreachable"),
        ("klient nieosiagalny", "unreachable"),
        ("przerwa", "pause"),
        ("promień", "radius"),
    ],
)
def test_typed_commands_in_french_italian_and_polish(typed: str, kind: str) -> None:
    # As backend/friends_chat/texts.py's "menu" names them; Polish with or without diacritics.
    assert parse(typed).kind == kind


def test_a_bare_reference_claims_the_job() -> None:
    assert parse("TF-7K2Q") == Command("claim", "TF-7K2Q")
    assert parse("tf7k2q bitte") == Command("claim", "TF-7K2Q")


def test_a_reference_goes_with_the_command() -> None:
    assert parse("Kontaktiert TF-ABCD") == Command("contacted", "TF-ABCD")
    assert parse("done tf-abcd") == Command("done", "TF-ABCD")
    assert parse("Kunde nicht erreichbar TF-ABCD") == Command("unreachable", "TF-ABCD")


def test_online_and_offline_never_swap() -> None:
    assert parse("online").kind != parse("offline").kind


def test_contacted_and_unreachable_are_told_apart() -> None:
    assert parse("Kunde kontaktiert").kind == "contacted"
    assert parse("Kunde nicht erreichbar").kind == "unreachable"


def test_normalise_folds_umlauts_and_punctuation() -> None:
    assert normalise("Zurück-Gebén, BITTE!") == "zurueck geben bitte"
    assert normalise("Straße") == "strasse"
    assert normalise("Łukasz, źdźbło") == "lukasz zdzblo"


def test_menu_payloads_are_commands() -> None:
    assert from_payload("MY_JOBS") == Command("my_jobs")
    assert from_payload("GO_ONLINE") == Command("online")
    assert from_payload("HELP") == Command("help")
    assert from_payload("CLAIM:TF-ABCD") is None


def test_a_number_comes_with_the_command() -> None:
    assert parse("Umkreis 20 km") == Command("radius", number=20)
    assert parse("radius 5") == Command("radius", number=5)
    assert parse("Umkreis ändern").number is None


def test_button_payloads_are_commands() -> None:
    assert from_tap("CLAIM:TF-ABCD") == Command("claim", "TF-ABCD")
    assert from_tap("HANDBACK:tf-abcd") == Command("hand_back", "tf-abcd")
    assert from_tap("DONEPKG:TF-ABCD:setup") == Command("done_package", "TF-ABCD", argument="setup")
    assert from_tap("DONEEXTRA:TF-ABCD:setup:30") == Command("done_extra", "TF-ABCD", 30, "setup")
    assert from_tap("DONEEXTRA:TF-ABCD:setup:x") == Command("done_extra", "TF-ABCD", -1, "setup")
    assert from_tap("LANGS:de,en") == Command("languages", argument="de,en")
    assert from_tap("PROFILE_EDIT:RADIUS") == Command("profile_edit", argument="RADIUS")
    assert from_tap("GO_ONLINE") == Command("online")
    assert from_tap("CLAIM:") == Command("unknown")
    assert from_tap("NO_SUCH_BUTTON:1") == Command("unknown")


def test_the_payloads_the_chat_sends_read_back_as_their_commands() -> None:
    for kind in TAPS.values():
        assert from_tap(tap(kind, "TF-ABCD")).kind == kind


def test_every_command_has_a_handler() -> None:
    kinds = {*PHRASES, *TAPS.values(), *PAYLOADS.values(), "unknown"}
    assert kinds == set(HANDLERS)
    assert set(FIND_REFERENCE) <= set(HANDLERS)
