"""actions/categories.py: the keyword classifier behind the job category."""

from __future__ import annotations

import pytest

from actions.buttons import intent_payload
from actions.categories import (
    CATEGORIES,
    CATEGORY_LABELS,
    category_question,
    classify,
    is_vague,
    label,
    match_choice,
    shortlist,
)
from product.languages import LANGUAGES


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Mein WLAN bricht ständig ab", "internet_wifi"),
        ("Die Fritz!Box blinkt rot", "internet_wifi"),
        ("Servus, mei Ruter spinnt", "internet_wifi"),
        ("the wifi keeps dropping", "internet_wifi"),
        ("Grüezi, min Fernseh gaht nüm", "tv_entertainment"),
        ("the TV lost its channels", "tv_entertainment"),
        ("Mein Fernsehr hat kein Bild", "tv_entertainment"),
        ("Der Sendersuchlauf findet nichts", "tv_entertainment"),
        ("Drucker druckt nicht", "printer"),
        ("Drukcer geht nich", "printer"),
        ("My printer won't print", "printer"),
        ("Die Druckerpatrone wird nicht erkannt", "printer"),
        ("Mein Laptop ist sehr langsam", "computer"),
        ("Ich kann keine E-Mails mehr schicken", "computer"),
        ("Ich habe einen Virus auf dem PC", "computer"),
        ("Mein Lapotp startet nicht", "computer"),
        ("WhatsApp geht nicht auf meinem iPhone", "phone_tablet"),
        ("Das Natel gaht nüm", "phone_tablet"),
        ("Mein Handy geht nicht", "phone_tablet"),
        ("Die Heizung lässt sich nicht mehr steuern", "smart_home"),
        ("Meine tado Thermostate reagieren nicht", "smart_home"),
        ("Die Fußbodenheizung regelt nicht", "smart_home"),
        ("My smart lights do not turn on", "smart_home"),
    ],
)
def test_clear_descriptions_get_their_category(text: str, category: str) -> None:
    result = classify(text)
    assert result.category == category
    assert result.confident


@pytest.mark.parametrize(
    "text",
    [
        "Ich brauche Hilfe",
        "Mein Telefon geht nicht",  # landline or mobile?
        "Mein Handy verbindet sich nicht mit dem WLAN",  # phone or Wi-Fi: ask
        "Der Fernseher hat kein Internet",
        "Es funktioniert gar nichts mehr",
        "",
    ],
)
def test_unclear_descriptions_are_not_guessed(text: str) -> None:
    result = classify(text)
    assert result.category is None
    assert not result.confident


def test_common_words_are_not_mistaken_for_keywords() -> None:
    # "nicht" is one letter from "licht", "drücke" near "drucken", "Absender" ends in "sender"
    assert classify("Es geht nicht").scores == {}
    assert classify("Wenn ich auf den Knopf drücke").scores == {}
    assert "tv_entertainment" not in classify("Ein neuer Absender in Outlook").scores


def test_other_is_never_inferred() -> None:
    assert classify("Etwas anderes").category is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("printer", "printer"),
        ("Drucker & Scanner", "printer"),
        ("drucker & scanner", "printer"),
        ("Smart home & heating", "smart_home"),
        ("Etwas anderes", "other"),
        ("Sonstiges", "other"),
        ("something else", "other"),
        ("Es ist der Drucker", "printer"),
    ],
)
def test_typed_choices_name_a_category(text: str, category: str) -> None:
    assert match_choice(text) == category


def test_nonsense_is_no_choice() -> None:
    assert match_choice("blabla") is None
    assert match_choice(None) is None


def test_labels_exist_in_every_language_and_fit_a_quick_reply() -> None:
    assert set(CATEGORY_LABELS) == set(CATEGORIES)
    for labels in CATEGORY_LABELS.values():
        assert set(labels) == set(LANGUAGES)
        assert all(len(title) <= 20 for title in labels.values())
    assert label("printer", "de") == "Drucker & Scanner"
    assert label("printer", "en") == "Printer & scanner"
    assert label(None, "de") == "Etwas anderes"


@pytest.mark.parametrize(
    "text",
    ["Hallo zusammen, ich hab ein Problem", "Ich brauche Hilfe", "I have a problem", ""],
)
def test_messages_that_name_no_problem_are_vague(text: str) -> None:
    assert is_vague(text)


@pytest.mark.parametrize(
    "text",
    ["Meine Kaffeemaschine geht nicht", "Drucker druckt nicht", "Ich habe ein Problem mit dem TV"],
)
def test_messages_that_name_something_are_not_vague(text: str) -> None:
    assert not is_vague(text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # English "phone" is the mobile: a phone problem needs no "which area?" question.
        ("My phone is not working", "phone_tablet"),
        ("the screen on my phone is cracked", "phone_tablet"),
        ("All my contacts are gone after switching phones", "phone_tablet"),
        ("fone not working", "phone_tablet"),
        # An app only controls the device the problem is about.
        ("Die Heizung lässt sich nicht mehr per App einstellen", "smart_home"),
        ("the heating app doesnt work", "smart_home"),
        # "Smartphone" is not a typo of "Smarthome".
        ("Mein neues Smartphone muss eingerichtet werden", "phone_tablet"),
    ],
)
def test_phones_and_apps_point_where_they_should(text: str, category: str) -> None:
    assert classify(text).category == category


def test_phone_numbers_babyphones_and_other_apps_say_nothing_about_phones() -> None:
    assert "phone_tablet" not in classify("my phone number changed").scores
    assert "phone_tablet" not in classify("Meine Telefonnummer ist neu").scores
    assert "phone_tablet" not in classify("Das Babyphone rauscht").scores
    # An appliance's app alone is no reason to pick "Phone & tablet": the bot asks.
    assert classify("Die Waschmaschine hat eine App, die ich nicht verstehe").category is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # issue 17: the device controlled through a phone or computer decides the area
        ("Ich möchte meine Heizung mit der App auf dem Handy verbinden", "smart_home"),
        ("set up the heating app on my iPhone", "smart_home"),
        ("I can't print from my laptop", "printer"),
        ("HP Drucker mit dem WLAN verbinden", "printer"),
        # ... unless the other area clearly says more
        ("The internet light on my router is orange", "internet_wifi"),
        # game consoles are entertainment
        ("Xbox Controller verbindet sich nicht", "tv_entertainment"),
        ("help with my game console controller", "tv_entertainment"),
        ("Die Playstation zeigt kein Bild", "tv_entertainment"),
    ],
)
def test_issue_17_boundaries(text: str, category: str) -> None:
    assert classify(text).category == category


@pytest.mark.parametrize(
    "text",
    [
        "Software-Update für das Display vom E-Bike",
        "my e-bike display needs a software update",
        "Die Waschmaschine verbindet sich nicht mit dem WLAN",
    ],
)
def test_devices_outside_the_areas_make_the_bot_ask(text: str) -> None:
    assert classify(text).category is None


@pytest.mark.parametrize(
    ("scores", "offered"),
    [
        # close: the likely ones, best first, "other" last
        ({"internet_wifi": 1.0, "computer": 1.0}, ("internet_wifi", "computer", "other")),
        ({"computer": 1.0, "internet_wifi": 1.0}, ("internet_wifi", "computer", "other")),
        ({"phone_tablet": 1.0, "smart_home": 1.5}, ("smart_home", "phone_tablet", "other")),
        (
            {"smart_home": 1.0, "phone_tablet": 1.0, "internet_wifi": 1.0},
            ("internet_wifi", "smart_home", "phone_tablet", "other"),
        ),
        # at most three
        (
            {"printer": 1, "computer": 1, "phone_tablet": 1, "internet_wifi": 1},
            ("internet_wifi", "computer", "phone_tablet", "other"),
        ),
        # a far weaker one is not offered
        ({"computer": 2.0, "phone_tablet": 0.5, "printer": 1.0}, ("computer", "printer", "other")),
        # a device outside the areas counts as one of the likely ones
        ({"other": 2.0, "internet_wifi": 1.0}, ("internet_wifi", "other")),
        # one likely area or none: all seven (empty)
        ({"phone_tablet": 0.5}, ()),
        ({"computer": 2.0, "phone_tablet": 0.5}, ()),
        ({"other": 2.0}, ()),
        ({}, ()),
    ],
)
def test_shortlist_offers_the_likely_areas(
    scores: dict[str, float], offered: tuple[str, ...]
) -> None:
    assert shortlist(scores) == offered


def test_the_laptop_without_wifi_gets_two_areas() -> None:
    assert shortlist(classify("Mein Laptop findet das WLAN nicht mehr").scores) == (
        "internet_wifi",
        "computer",
        "other",
    )


@pytest.mark.parametrize(
    ("description", "response", "offered"),
    [
        (
            "Mein Laptop findet das WLAN nicht mehr",
            "utter_ask_category_likely",
            ["internet_wifi", "computer", "other"],
        ),
        (
            "Die Waschmaschine verbindet sich nicht mit dem WLAN",
            "utter_ask_category_likely",
            ["internet_wifi", "other"],
        ),
        ("Es funktioniert gar nichts mehr", "utter_ask_category", list(CATEGORIES)),
        (None, "utter_ask_category", list(CATEGORIES)),
    ],
)
def test_the_area_question_offers_the_likely_areas(
    description: str | None, response: str, offered: list[str]
) -> None:
    for language in LANGUAGES:
        asked, quick_replies = category_question(description, language)
        assert asked == response
        assert [b["payload"] for b in quick_replies] == [
            intent_payload("choose_category", category=category) for category in offered
        ]
        assert [b["title"] for b in quick_replies] == [
            CATEGORY_LABELS[category][language] for category in offered
        ]
