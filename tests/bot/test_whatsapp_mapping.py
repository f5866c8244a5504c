"""The WhatsApp channel's pure parts: what Rasa reads, and which body a question becomes."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.whatsapp_mapping import (
    LIST_BUTTON,
    NUMBER_HINT,
    PLEASE_CHOOSE,
    MediaNeeded,
    answer_by_number,
    choice_reply,
    custom_reply,
    inbound_text,
    language_of,
    text_reply,
)
from product.languages import LANGUAGES
from whatsapp_platform.inbound import Message

WA = "41791234567"
CATEGORIES_DE = [
    ("Computer & Laptop", '/choose_category{"category": "computer"}'),
    ("Handy & Tablet", '/choose_category{"category": "phone"}'),
    ("Drucker & Scanner", '/choose_category{"category": "printer"}'),
    ("Internet & WLAN", '/choose_category{"category": "internet"}'),
    ("Fernseher & TV", '/choose_category{"category": "tv"}'),
    ("Smart Home", '/choose_category{"category": "smarthome"}'),
    ("Etwas anderes", '/choose_category{"category": "other"}'),
]


def _message(kind: str, **fields: object) -> Message:
    base: dict[str, object] = {
        "key": "wamid.1",
        "message_id": "wamid.1",
        "wa_id": WA,
        "profile_name": "Erika",
        "phone_number_id": "123",
        "timestamp": 1765000000,
        "kind": kind,
    }
    return Message(**(base | fields))  # type: ignore[arg-type]


def _buttons(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": t, "payload": p} for t, p in pairs]


def test_inbound_messages_become_the_texts_the_contract_names() -> None:
    assert inbound_text(_message("text", text="Mein Drucker")) == "Mein Drucker"
    assert inbound_text(_message("button_reply", text="Ja", payload="/affirm")) == "/affirm"
    assert inbound_text(_message("list_reply", text="Drucker", payload="/x")) == "/x"
    assert inbound_text(_message("button", text="Bewerten", payload="/rate")) == "/rate"
    location = inbound_text(_message("location", latitude=47.37, longitude=8.54))
    assert location == '/share_location{"latitude": 47.37, "longitude": 8.54}'
    assert inbound_text(_message("sticker", media_id="m")) == "/sticker"
    assert inbound_text(_message("reaction", text="👍")) is None
    assert inbound_text(_message("image", media_id="m1")) == MediaNeeded("m1", "image")
    assert inbound_text(_message("audio", media_id="m2", voice=True)) == MediaNeeded("m2", "audio")
    assert inbound_text(_message("document", media_id="m3")) == MediaNeeded("m3", "document")
    video = inbound_text(_message("video", media_id="m4"))
    assert video == '/share_media_refused{"media_problem": "wrong_type"}'


def test_yes_and_no_stay_reply_buttons() -> None:
    reply = choice_reply(WA, "Passt das so?", _buttons([("Ja", "/affirm"), ("Nein", "/deny")]))
    [body] = reply.bodies
    assert body["type"] == "interactive" and body["interactive"]["type"] == "button"
    assert [b["reply"] for b in body["interactive"]["action"]["buttons"]] == [
        {"id": "/affirm", "title": "Ja"},
        {"id": "/deny", "title": "Nein"},
    ]
    assert body["to"] == WA and reply.numbered == []


def test_the_seven_categories_become_a_list_with_a_localised_button() -> None:
    german = choice_reply(WA, "Zu welchem Bereich gehört Ihr Problem?", _buttons(CATEGORIES_DE))
    [body] = german.bodies
    action = body["interactive"]["action"]
    assert body["interactive"]["type"] == "list" and action["button"] == "Auswählen"
    rows = action["sections"][0]["rows"]
    assert [(r["title"], r["id"]) for r in rows] == CATEGORIES_DE
    english = choice_reply(WA, "Which area does your problem belong to?", _buttons(CATEGORIES_DE))
    assert english.bodies[0]["interactive"]["action"]["button"] == "Choose"


def test_titles_too_long_for_a_row_keep_their_full_text_as_description() -> None:
    long = "Ich möchte etwas anderes ändern"  # 31 characters
    reply = choice_reply(WA, "Was möchten Sie ändern?", _buttons([(long, "/x"), ("Adresse", "/a")]))
    rows = reply.bodies[0]["interactive"]["action"]["sections"][0]["rows"]
    assert len(rows[0]["title"]) <= 24 and rows[0]["description"] == long
    assert rows[1] == {"id": "/a", "title": "Adresse"}


def test_more_than_ten_choices_become_numbered_text_answered_by_number_or_title() -> None:
    pairs = [(f"Termin {n}", f'/pick{{"n": {n}}}') for n in range(1, 13)]
    reply = choice_reply(WA, "Which time suits you?", _buttons(pairs))
    [body] = reply.bodies
    text = body["text"]["body"]
    assert text.startswith("Which time suits you?")
    assert "1. Termin 1" in text and "12. Termin 12" in text
    assert "reply with the number" in text
    assert reply.numbered == [{"payload": p, "title": t} for t, p in pairs]
    assert answer_by_number("12", reply.numbered) == pairs[11][1]
    assert answer_by_number(" 3. ", reply.numbered) == pairs[2][1]
    assert answer_by_number("termin 5", reply.numbered) == pairs[4][1]
    assert answer_by_number("13", reply.numbered) == "13"
    assert answer_by_number("Hallo", reply.numbered) == "Hallo"


def test_a_long_text_is_split_and_a_long_question_sends_its_choices_after_it() -> None:
    long = ("Das ist ein langer Satz über Ihren Drucker. " * 200).strip()
    parts = text_reply(WA, long).bodies
    assert len(parts) == 3 and all(len(p["text"]["body"]) <= 4096 for p in parts)
    assert " ".join(p["text"]["body"] for p in parts) == long
    reply = choice_reply(WA, long[:1500], _buttons([("Ja", "/affirm"), ("Nein", "/deny")]))
    assert [b["type"] for b in reply.bodies] == ["text", "interactive"]
    assert reply.bodies[1]["interactive"]["body"]["text"] == "Bitte wählen Sie:"


def test_links_and_custom_messages() -> None:
    buttons = [
        {"title": "Anleitung", "url": "https://example.org/a"},
        {"title": "Ja", "payload": "/y"},
    ]
    reply = choice_reply(WA, "Hier ist die Anleitung.", buttons)
    body = reply.bodies[0]["interactive"]
    assert "Anleitung: https://example.org/a" in body["body"]["text"]
    assert [b["reply"]["id"] for b in body["action"]["buttons"]] == ["/y"]
    custom = custom_reply(WA, {"whatsapp": {"type": "text", "text": {"body": "x"}}})
    assert custom is not None and custom.bodies[0]["to"] == WA
    quick = custom_reply(WA, {"text": "Ok?", "quick_replies": [{"title": "Ja", "payload": "/y"}]})
    assert quick is not None and quick.bodies[0]["interactive"]["type"] == "button"
    assert custom_reply(WA, {"attachment": {"type": "template"}}) is None


def test_language_of_the_answer() -> None:
    assert language_of("Wie lautet Ihre Postleitzahl?") == "de"
    assert language_of("What is your postal code, please?") == "en"
    assert language_of("OK") == "de"
    assert language_of("Thank you") == "en"
    assert language_of("Quel est votre code postal, s’il vous plaît ?") == "fr"
    assert language_of("Qual è il Suo CAP, per favore?") == "it"
    assert language_of("Proszę podać kod pocztowy.") == "pl"


def test_every_question_with_choices_is_labelled_in_its_own_language() -> None:
    """The list's button and the numbered choices' hint follow the question's language."""
    for table in (LIST_BUTTON, PLEASE_CHOOSE, NUMBER_HINT):
        assert set(table) == set(LANGUAGES)
        assert all(0 < len(label) <= 20 for label in LIST_BUTTON.values())
    domain = Path(__file__).resolve().parents[2] / "domain.yml"
    responses = yaml.safe_load(domain.read_text(encoding="utf-8"))["responses"]
    for name, variants in responses.items():
        for variant in variants:
            if not variant.get("buttons") and name not in QUESTIONS_WITH_CODE_BUTTONS:
                continue
            language = next(
                (c["value"] for c in variant.get("condition") or [] if c["name"] == "language"),
                "de",
            )
            assert language_of(variant["text"]) == language, f"{name} ({language})"


# Responses whose quick replies an action adds (actions/dialogue/questions.py and others).
QUESTIONS_WITH_CODE_BUTTONS = (
    "utter_choose_category",
    "utter_ask_category",
    "utter_ask_time_window",
    "utter_ask_rating_comment",
    "utter_language_switched",
    "utter_ask_rating",
    "utter_ask_rating_again",
    "utter_summary",
    "utter_choose_field",
    "utter_confirm_cancel_job",
    "utter_which_job_to_cancel",
    "utter_please_rephrase",
    "utter_please_rephrase_again",
    "utter_default",
    "utter_choose_place",
    "utter_ask_package",
)
