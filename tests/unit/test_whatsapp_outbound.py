"""whatsapp_platform.outbound: Send API bodies as Meta documents them, and Meta's limits met
by refusing (a ValueError), never by cutting a choice or a title unless asked to shorten."""

from __future__ import annotations

import pytest

from product.categories import CATEGORIES, category_label
from product.languages import LANGUAGES
from whatsapp_platform import outbound
from whatsapp_platform.outbound import Choice, Section

TO = "41791234567"
ENVELOPE = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": TO}


def test_a_text_message() -> None:
    (body,) = outbound.text(TO, "Hallo Anna")
    assert body == ENVELOPE | {
        "type": "text",
        "text": {"body": "Hallo Anna", "preview_url": False},
    }


def test_a_long_text_is_split_at_boundaries_and_nothing_is_lost() -> None:
    paragraph = ("Wort " * 300).strip()  # 1499 characters
    text = "\n\n".join([paragraph] * 4)
    bodies = outbound.text(TO, text)
    parts = [b["text"]["body"] for b in bodies]
    assert len(parts) == 2
    assert all(len(p) <= outbound.MAX_TEXT for p in parts)
    assert "\n\n".join(parts) == text
    # No boundary at all: cut at the limit, still nothing lost.
    solid = "x" * 9000
    pieces = outbound.split_text(solid)
    assert [len(p) for p in pieces] == [4096, 4096, 808]
    assert "".join(pieces) == solid


def test_text_needs_a_recipient_wa_id_and_some_text() -> None:
    with pytest.raises(ValueError, match="wa_id"):
        outbound.text("+41791234567", "hi")
    with pytest.raises(ValueError, match="some text"):
        outbound.text(TO, "  ")


def test_reply_buttons() -> None:
    body = outbound.buttons(TO, "Stimmt das?", [Choice("affirm", "Ja"), Choice("deny", "Nein")])
    assert body == ENVELOPE | {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "Stimmt das?"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": "affirm", "title": "Ja"}},
                    {"type": "reply", "reply": {"id": "deny", "title": "Nein"}},
                ]
            },
        },
    }


def test_buttons_refuse_a_fourth_button_a_long_title_and_duplicates() -> None:
    four = [Choice(str(i), f"Wahl {i}") for i in range(4)]
    with pytest.raises(ValueError, match="1 to 3"):
        outbound.buttons(TO, "?", four)
    with pytest.raises(ValueError, match="21 characters, at most 20"):
        outbound.buttons(TO, "?", [Choice("a", "x" * 21)])
    with pytest.raises(ValueError, match="unique"):
        outbound.buttons(TO, "?", [Choice("a", "Ja"), Choice("b", "Ja")])
    with pytest.raises(ValueError, match="empty"):
        outbound.buttons(TO, "?", [Choice("a", " ")])
    with pytest.raises(ValueError, match="1024"):
        outbound.buttons(TO, "x" * 1025, [Choice("a", "Ja")])


def test_a_long_title_is_shortened_only_when_asked() -> None:
    title = "Fernseher und Unterhaltung"  # 26 characters
    body = outbound.buttons(TO, "?", [Choice("tv", title)], shorten_titles=True)
    shown = body["interactive"]["action"]["buttons"][0]["reply"]["title"]
    assert shown == "Fernseher und…"
    assert len(shown) <= 20


def test_shorten_cuts_at_a_word_and_inside_one_long_word_only() -> None:
    assert outbound.shorten("Ja", 20) == "Ja"
    assert outbound.shorten("Internet und WLAN zu Hause", 20) == "Internet und WLAN…"
    assert outbound.shorten("Donaudampfschifffahrtsgesellschaft", 20) == "Donaudampfschifffah…"
    assert len(outbound.shorten("a " * 40, 24)) <= 24


def test_a_list_message_with_sections() -> None:
    body = outbound.list_message(
        TO,
        "Worum geht es?",
        "Auswählen",
        [
            Section("Zuhause", (Choice("wifi", "Internet & WLAN", "Router, Empfang"),)),
            Section("Geräte", (Choice("printer", "Drucker"),)),
        ],
    )
    assert body == ENVELOPE | {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Worum geht es?"},
            "action": {
                "button": "Auswählen",
                "sections": [
                    {
                        "title": "Zuhause",
                        "rows": [
                            {
                                "id": "wifi",
                                "title": "Internet & WLAN",
                                "description": "Router, Empfang",
                            }
                        ],
                    },
                    {"title": "Geräte", "rows": [{"id": "printer", "title": "Drucker"}]},
                ],
            },
        },
    }


def test_a_list_refuses_what_meta_would() -> None:
    eleven = tuple(Choice(str(i), f"Wahl {i}") for i in range(11))
    with pytest.raises(ValueError, match="10 rows"):
        outbound.list_message(TO, "?", "Auswählen", [Section("", eleven)])
    with pytest.raises(ValueError, match="10 rows"):
        outbound.list_message(
            TO, "?", "Auswählen", [Section("A", eleven[:6]), Section("B", eleven[6:])]
        )
    with pytest.raises(ValueError, match="at most 24"):
        outbound.list_message(TO, "?", "Auswählen", [Section("", (Choice("a", "y" * 25),))])
    with pytest.raises(ValueError, match="description"):
        outbound.list_message(TO, "?", "Go", [Section("", (Choice("a", "A", "d" * 73),))])
    with pytest.raises(ValueError, match="button label"):
        outbound.list_message(TO, "?", "b" * 21, [Section("", (Choice("a", "A"),))])
    with pytest.raises(ValueError, match="section title"):
        outbound.list_message(
            TO, "?", "Go", [Section("", (Choice("a", "A"),)), Section("B", (Choice("b", "B"),))]
        )


def test_the_chooser_keeps_yes_no_as_buttons() -> None:
    body = outbound.choose(TO, "Passt das?", [Choice("yes", "Ja"), Choice("no", "Nein")], "Wahl")
    assert body["interactive"]["type"] == "button"


def test_the_chooser_turns_four_choices_into_a_list() -> None:
    four = [Choice(str(i), f"Wahl {i}") for i in range(4)]
    body = outbound.choose(TO, "Welche?", four, "Auswählen")
    assert body["interactive"]["type"] == "list"
    rows = body["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == ["0", "1", "2", "3"]


def test_the_chooser_prefers_a_list_to_cutting_a_button_title() -> None:
    choices = [Choice("a", "x" * 21), Choice("b", "Nein")]
    body = outbound.choose(TO, "?", choices, "Auswählen")
    assert body["interactive"]["type"] == "list"
    assert body["interactive"]["action"]["sections"][0]["rows"][0]["title"] == "x" * 21


def test_the_chooser_refuses_eleven_choices_even_when_shortening() -> None:
    eleven = [Choice(str(i), f"Wahl {i}") for i in range(11)]
    with pytest.raises(ValueError, match="11 choices"):
        outbound.choose(TO, "?", eleven, "Auswählen")
    with pytest.raises(ValueError, match="11 choices"):
        outbound.choose(TO, "?", eleven, "Auswählen", shorten_titles=True)


def test_the_chooser_refuses_a_title_too_long_for_a_list_unless_asked_to_shorten() -> None:
    choices = [Choice("a", "Ein sehr langer Titel für eine Zeile")]
    with pytest.raises(ValueError, match="at most 24"):
        outbound.choose(TO, "?", choices, "Auswählen")
    body = outbound.choose(TO, "?", choices, "Auswählen", shorten_titles=True)
    assert (
        body["interactive"]["action"]["sections"][0]["rows"][0]["title"] == "Ein sehr langer Titel…"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_seven_categories_become_a_list_in_every_language(language: str) -> None:
    choices = [Choice(c, category_label(c, language)) for c in CATEGORIES]
    body = outbound.choose(TO, "?", choices, "Auswählen")
    assert body["interactive"]["type"] == "list"
    rows = body["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == list(CATEGORIES)


def test_a_template_with_named_parameters_and_quick_replies() -> None:
    body = outbound.template(
        TO,
        "job_offer",
        "de",
        {"category": "Drucker", "place": "8001 Zürich"},
        quick_replies=["claim:J-42", "skip:J-42"],
    )
    assert body == ENVELOPE | {
        "type": "template",
        "template": {
            "name": "job_offer",
            "language": {"code": "de"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "parameter_name": "category", "text": "Drucker"},
                        {"type": "text", "parameter_name": "place", "text": "8001 Zürich"},
                    ],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "0",
                    "parameters": [{"type": "payload", "payload": "claim:J-42"}],
                },
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "1",
                    "parameters": [{"type": "payload", "payload": "skip:J-42"}],
                },
            ],
        },
    }
    bare = outbound.template(TO, "hello_world", "en_US")
    assert bare["template"] == {"name": "hello_world", "language": {"code": "en_US"}}
    with pytest.raises(ValueError, match="empty"):
        outbound.template(TO, "job_offer", "de", {"category": ""})


def test_buttons_show_no_description_and_a_footer_of_at_most_60() -> None:
    with pytest.raises(ValueError, match="no description"):
        outbound.buttons(TO, "?", [Choice("a", "x" * 25, "mehr")], shorten_titles=True)
    body = outbound.buttons(TO, "?", [Choice("a", "Ja")], footer="techfriends")
    assert body["interactive"]["footer"] == {"text": "techfriends"}
    with pytest.raises(ValueError, match="at most 60"):
        outbound.buttons(TO, "?", [Choice("a", "Ja")], footer="f" * 61)
