"""The assistant per channel (issue 15): the channel and locale of a conversation, the website
chat's e-mail question, and the job request every channel posts. Pure functions; the same
behaviour through the action server is in test_actions_over_http.py."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from actions.customer_channel import channel_of, form_slots, locale_of
from actions.email_address import NOT_AN_ANSWER, declines_email, normalise_email
from actions.jobs import JOB_SLOTS, build_job_request, idempotency_key
from tests.actions.test_bot_data import ROOT

WEB_ID = "web-0123456789abcdef0123456789abcdef"
DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
FORM_SLOTS: list[str] = DOMAIN["forms"]["job_form"]["required_slots"]

SLOTS = {
    "category": "printer",
    "description": "Der Drucker druckt nicht",
    "country": "DE",
    "postal_code": "80331",
    "street": "Sendlinger Straße 12",
    "window_start": "2026-12-08T09:00:00+01:00",
    "window_end": "2026-12-08T12:00:00+01:00",
    "customer_name": "Erika Muster",
    "phone": "+49891234567",
    "consent": True,
    "language": "de",
}


# --- channel and locale --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("input_channel", "sender_id", "expected"),
    [
        ("webchat", WEB_ID, "webchat"),
        ("messenger", "2718281828459045", "messenger"),
        # News from the backend and Rasa's own channels name no channel of ours: the id tells.
        (None, WEB_ID, "webchat"),
        (None, "2718281828459045", "messenger"),
        ("rest", WEB_ID, "webchat"),
        ("socketio", "2718281828459045", "messenger"),
        ("", WEB_ID, "webchat"),
    ],
)
def test_the_channel_comes_from_the_input_channel_else_from_the_conversation_id(
    input_channel: str | None, sender_id: str, expected: str
) -> None:
    assert channel_of(input_channel, sender_id) == expected


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"channel": "webchat", "locale": "de-CH"}, "de-CH"),
        ({"messenger": {"locale": "en_GB"}}, "en_GB"),  # Messenger's older form
        # Both: the new one (what the channel itself decided) first.
        ({"locale": "de-AT", "messenger": {"locale": "en_GB"}}, "de-AT"),
        ({"locale": "", "messenger": {"locale": "en_US"}}, "en_US"),
        ({"locale": 7}, None),
        ({"messenger": "en_GB"}, None),
        ({}, None),
        (None, None),
        ("de-DE", None),
    ],
)
def test_the_locale_from_any_channel_s_metadata(metadata: Any, expected: str | None) -> None:
    assert locale_of(metadata) == expected


# --- the website chat's e-mail question ----------------------------------------------------


def test_only_the_website_chat_is_asked_for_an_e_mail_address_after_the_phone() -> None:
    web = form_slots(FORM_SLOTS, "webchat")
    assert web[web.index("phone") + 1] == "email"
    assert [slot for slot in web if slot != "email"] == FORM_SLOTS
    # Messenger: domain.yml's own list, so rasa-sdk leaves the next question to Rasa as before.
    assert form_slots(FORM_SLOTS, "messenger") == FORM_SLOTS
    assert "email" not in FORM_SLOTS
    # Not twice (the list is asked for on every validation).
    assert form_slots(web, "webchat") == web


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("erika.muster@beispiel.de", "erika.muster@beispiel.de"),
        ("  Erika.Muster@Beispiel.DE ", "Erika.Muster@beispiel.de"),
        ("Meine Adresse ist erika@web.de, danke!", "erika@web.de"),
        ("<hans-peter+tf@mail.example.ch>", "hans-peter+tf@mail.example.ch"),
        ("erika@gmx.at.", "erika@gmx.at"),
    ],
)
def test_an_e_mail_address_is_found_in_the_answer(said: str, expected: str) -> None:
    assert normalise_email(said) == expected


@pytest.mark.parametrize(
    "said",
    [
        "erika.muster at beispiel.de",
        "erika@beispiel",
        "erika@@beispiel.de",
        "@beispiel.de",
        "erika@beispiel..de",
        "erika.@beispiel.de",
        "erika@-beispiel.de",
        "erika@beispiel.d",
        "a@b.de und c@d.de",
        "x" * 65 + "@beispiel.de",
        "erika@" + "a" * 250 + ".de",
        "Ja",
        "",
    ],
)
def test_a_malformed_address_is_refused(said: str) -> None:
    assert normalise_email(said) is None


def test_the_e_mail_question_steps_aside_for_the_same_intents_as_the_others() -> None:
    for slot in ("customer_name", "phone", "street"):
        mapping = DOMAIN["slots"][slot]["mappings"][0]
        assert set(mapping["not_intent"]) == NOT_AN_ANSWER, slot


@pytest.mark.parametrize(
    ("said", "declines"),
    [
        ("Nein danke", True),
        ("keine", True),
        ("no thanks", True),
        ("Ich habe keine E-Mail", True),
        ("nöd", True),
        ("Non merci", True),
        ("Je n'ai pas d'e-mail", True),
        ("No grazie", True),
        ("Non ho un indirizzo e-mail", True),
        ("Nie, dziękuję", True),
        ("nie mam maila", True),
        ("Pomiń", True),
        ("oui volontiers", False),
        ("sì", False),
        ("tak", False),
        ("ja gerne", False),
        ("erika@web.de", False),
        ("", False),
    ],
)
def test_no_thanks_typed_instead_of_tapped(said: str, declines: bool) -> None:
    assert declines_email(said) is declines


# --- the job request -----------------------------------------------------------------------


def test_a_website_chat_job_names_its_channel_and_carries_the_e_mail_address() -> None:
    request = build_job_request({**SLOTS, "email": "erika@web.de"}, WEB_ID, "webchat")
    assert request["customer"] == {
        "channel": "webchat",
        "id": WEB_ID,
        "name": "Erika Muster",
        "phone": "+49891234567",
        "language": "de",
        "email": "erika@web.de",
    }
    # "No, thanks" (false) and never asked (None): no e-mail at all.
    for declined in (False, None, ""):
        plain = build_job_request({**SLOTS, "email": declined}, WEB_ID, "webchat")
        assert "email" not in plain["customer"]
    # The channel defaults to the one the id names.
    assert build_job_request(SLOTS, WEB_ID) == build_job_request(SLOTS, WEB_ID, "webchat")


def test_a_messenger_job_keeps_the_psid_and_never_sends_an_e_mail_address() -> None:
    request = build_job_request(SLOTS, "2718281828459045", "messenger")
    customer = request["customer"]
    assert (customer["channel"], customer["id"], customer["psid"]) == (
        "messenger",
        "2718281828459045",
        "2718281828459045",
    )
    assert "email" not in customer


def test_the_idempotency_key_follows_the_e_mail_address_not_the_channel_fields() -> None:
    with_email = build_job_request({**SLOTS, "email": "erika@web.de"}, WEB_ID, "webchat")
    key = idempotency_key(WEB_ID, with_email)
    assert key == idempotency_key(
        WEB_ID, build_job_request(dict(SLOTS, email="erika@web.de"), WEB_ID)
    )
    other_address = build_job_request({**SLOTS, "email": "hans@web.de"}, WEB_ID, "webchat")
    assert idempotency_key(WEB_ID, other_address) != key
    other_session = "web-ffffffffffffffffffffffffffffffff"
    assert (
        idempotency_key(
            other_session, build_job_request({**SLOTS, "email": "erika@web.de"}, other_session)
        )
        != key
    )


def test_the_e_mail_slots_are_forgotten_with_the_job() -> None:
    assert {"email", "email_given"} <= set(JOB_SLOTS)
    # The status page of the job just booked outlives it (the confirmation shows it).
    assert not {"status_url", "status_link"} & set(JOB_SLOTS)
    for slot in ("email", "email_given", "status_url", "status_link"):
        assert DOMAIN["slots"][slot]["influence_conversation"] is False
        assert DOMAIN["slots"][slot]["mappings"] == [{"type": "custom"}]
