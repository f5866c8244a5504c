"""actions/after_booking.py and actions/buttons.py: jobs in words, cancelling, stars, pictures,
the re-ask after a 422, the language from the Messenger locale."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from actions import after_booking, buttons, media
from actions.fields import FIELD_SLOTS, match_field
from actions.jobs import JOB_SLOTS, build_job_request, idempotency_key
from product.categories import CATEGORIES
from product.languages import LANGUAGES

# Friday 28 Nov 2026, 10:00 in Berlin.
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def job(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "reference": "TF-7K2Q",
        "status": "open",
        "country": "DE",
        "category": "internet_wifi",
        "description": "Mein WLAN bricht ständig ab",
        "created_at": "2026-11-28T08:00:00+00:00",
        "friend": None,
        "contact_deadline_at": None,
    }
    return base | changes


def test_an_assigned_job_names_the_friend_and_the_deadline_in_local_time() -> None:
    line = after_booking.describe_job(
        job(
            status="assigned",
            friend={"first_name": "Anna", "rating": 4.8},
            contact_deadline_at="2026-11-28T20:30:00+00:00",
        ),
        NOW,
        "de",
    )
    assert line.response == "utter_job_status_assigned"
    assert line.values == {
        "job_reference": "TF-7K2Q",
        "friend_name": "Anna",
        "deadline": "heute um 21:30 Uhr",
    }
    english = after_booking.describe_job(
        job(
            status="assigned",
            friend={"first_name": "Anna"},
            contact_deadline_at="2026-11-29T08:00:00+00:00",
        ),
        NOW,
        "en",
    )
    assert english.values["deadline"] == "tomorrow at 9 am"


def test_the_older_job_shape_with_assigned_friend_and_claimed_works_too() -> None:
    line = after_booking.describe_job(
        job(status="claimed", assigned_friend={"name": "Max Mustermann", "rating": None}),
        NOW,
        "de",
    )
    assert line.response == "utter_job_status_assigned_no_deadline"
    assert line.values["friend_name"] == "Max"


def test_a_swiss_deadline_is_told_in_zurich_time_and_weekday_when_further_away() -> None:
    line = after_booking.describe_job(
        job(
            status="assigned",
            country="CH",
            friend={"first_name": "Reto"},
            contact_deadline_at="2026-12-01T07:15:00+00:00",
        ),
        NOW,
        "de",
    )
    assert line.values["deadline"] == "am Dienstag um 8:15 Uhr"


@pytest.mark.parametrize(
    ("status", "response"),
    [
        ("open", "utter_job_status_open"),
        ("completed", "utter_job_status_completed"),
        ("cancelled", "utter_job_status_cancelled"),
        ("unassigned", "utter_job_status_unassigned"),
    ],
)
def test_each_status_has_its_own_sentence(status: str, response: str) -> None:
    assert after_booking.describe_job(job(status=status), NOW, "de").response == response


def test_a_passed_deadline_is_not_promised() -> None:
    line = after_booking.describe_job(
        job(
            status="assigned",
            friend={"first_name": "Anna"},
            contact_deadline_at="2026-11-28T08:00:00+00:00",
        ),
        NOW,
        "de",
    )
    assert line.response == "utter_job_status_assigned_no_deadline"
    assert "deadline" not in line.values


def test_active_jobs_come_first_and_at_most_three_are_shown() -> None:
    jobs = [
        job(reference="TF-OLD1", status="completed", created_at="2026-11-27T08:00:00+00:00"),
        job(reference="TF-NEW1", status="open", created_at="2026-11-28T08:00:00+00:00"),
        job(reference="TF-MID1", status="assigned", created_at="2026-11-26T08:00:00+00:00"),
        job(reference="TF-OLD2", status="cancelled", created_at="2026-11-20T08:00:00+00:00"),
    ]
    shown = [j["reference"] for j in after_booking.jobs_to_show(jobs)]
    assert shown == ["TF-NEW1", "TF-MID1", "TF-OLD1"]


def test_only_jobs_not_done_can_be_cancelled_newest_first() -> None:
    jobs = [
        job(reference="TF-A", status="completed"),
        job(reference="TF-B", status="open", created_at="2026-11-27T08:00:00+00:00"),
        job(reference="TF-C", status="contacted", created_at="2026-11-28T08:30:00+00:00"),
        job(reference="TF-D", status="cancelled"),
    ]
    assert [j["reference"] for j in after_booking.cancellable(jobs)] == ["TF-C", "TF-B"]


@pytest.mark.parametrize(
    ("value", "stars"),
    [
        ("5", 5),
        (4, 4),
        ("4 Sterne", 4),
        ("fünf sterne", 5),
        ("five stars", 5),
        ("⭐⭐⭐", 3),
        ("4/5", 4),
        ("cinq étoiles", 5),
        ("4 sur 5", 4),
        ("quattro stelle", 4),
        ("3 su 5", 3),
        ("pięć gwiazdek", 5),
        ("piec gwiazdek", 5),
        ("dwie", 2),
        ("5 von 5", 5),
        ("1 – schlecht", 1),
        ('/rate{"stars":"2"}', 2),
        ("6", None),
        ("0 sterne", None),
        ("3 oder 4", None),
        ("super", None),
        ("", None),
        (True, None),
        (4.5, None),
    ],
)
def test_stars_from_taps_and_typing(value: Any, stars: int | None) -> None:
    assert after_booking.parse_stars(value) == stars


def test_a_comment_is_tidied_and_a_payload_or_no_is_no_comment() -> None:
    tidied = after_booking.clean_comment("  sehr   nett\n und pünktlich ")
    assert tidied == "sehr nett und pünktlich"
    assert after_booking.clean_comment(False) == ""
    assert after_booking.clean_comment("/deny") == ""
    assert len(after_booking.clean_comment("x" * 5000)) == after_booking.MAX_COMMENT


def test_pictures_are_collected_once_https_only_at_most_five() -> None:
    urls: list[str] = []
    urls = media.add_url(urls, "https://cdn.example.com/1.jpg")
    urls = media.add_url(urls, "https://cdn.example.com/1.jpg")
    urls = media.add_url(urls, "http://insecure.example.com/2.jpg")
    urls = media.add_url(urls, None)
    assert urls == ["https://cdn.example.com/1.jpg"]
    for number in range(2, 9):
        urls = media.add_url(urls, f"https://cdn.example.com/{number}.jpg")
    assert len(urls) == media.MAX_ITEMS
    assert urls[-1] == "https://cdn.example.com/5.jpg"


@pytest.mark.parametrize(
    ("url", "taken"),
    [
        ("https://cdn.example.com/tv.jpg", True),
        # The backend's own media (POST /api/v1/media): plain http on a local stack.
        ("http://127.0.0.1:8000/media/0123456789abcdef0123456789abcdef", True),
        ("https://hilfe.example.org/media/0123456789abcdef0123456789abcdef", True),
        ("http://127.0.0.1:8000/media/0123456789ABCDEF", False),  # no media id
        ("http://127.0.0.1:8000/media/0123456789abcdef0123456789abcdef?x=1", False),
        ("http://elsewhere.example/photo.jpg", False),
        ("ftp://127.0.0.1/media/0123456789abcdef0123456789abcdef", False),
        ("https://cdn.example.com/a b.jpg", False),
        ("https://", False),
        ("https://cdn.example.com/" + "x" * 2000, False),
        ("", False),
        (None, False),
        (42, False),
    ],
)
def test_media_urls_are_https_or_the_backend_s_own(url: object, taken: bool) -> None:
    assert media.is_media_url(url) is taken


def test_each_kind_of_media_has_its_intent_slot_and_responses() -> None:
    assert media.KINDS["share_image"].slot == "image_urls"
    assert media.KINDS["share_voice"] == media.VOICE
    assert media.VOICE.entity == "voice_url" and media.VOICE.slot == "voice_urls"
    assert media.problem_response("too_big") == "utter_media_too_big"
    assert media.problem_response("wrong_type") == "utter_media_wrong_type"
    # Anything the channel names that we do not know: "could not be loaded, send it again".
    assert media.problem_response("later") == media.problem_response(None)
    assert media.problem_response(None) == "utter_media_unavailable"


def test_voice_messages_go_with_the_job_like_pictures() -> None:
    slots = {"description": "TV", "category": "tv_entertainment", "country": "DE"}
    voice = "http://127.0.0.1:8000/media/0123456789abcdef0123456789abcdef"
    request = build_job_request({**slots, "voice_urls": [voice]}, "wa-41791234567")
    assert request["voice_urls"] == [voice] and "image_urls" not in request
    assert request["customer"]["channel"] == "whatsapp"
    without = build_job_request({**slots, "voice_urls": None}, "wa-41791234567")
    assert "voice_urls" not in without
    assert idempotency_key("wa-1", request) != idempotency_key("wa-1", without)
    assert {"voice_urls", "phone_offer", "image_urls"} <= set(JOB_SLOTS)  # forgotten after


def test_pictures_go_with_the_job_and_a_job_without_keeps_its_idempotency_key() -> None:
    slots = {"description": "TV", "category": "tv_entertainment", "country": "DE"}
    without = build_job_request(slots, "psid-1")
    assert "image_urls" not in without
    assert build_job_request({**slots, "image_urls": []}, "psid-1") == without
    with_images = build_job_request(
        {**slots, "image_urls": ["https://cdn.example.com/tv.jpg"]}, "psid-1"
    )
    assert with_images["image_urls"] == ["https://cdn.example.com/tv.jpg"]
    assert idempotency_key("psid-1", with_images) != idempotency_key("psid-1", without)


def test_backend_field_errors_become_the_parts_to_ask_again_in_form_order() -> None:
    errors = {
        "customer.phone": "is not a valid phone number",
        "postal_code": "unknown postal code in DE",
        "customer.psid": "is required",
    }
    parts = after_booking.rejected_fields(errors)
    assert parts == ["address", "phone"]
    assert all(part in FIELD_SLOTS for part in parts)
    assert after_booking.field_names(parts, "de") == "Ihre Adresse und Ihre Telefonnummer"
    assert after_booking.field_names(["time"], "en") == "the time you chose"
    assert after_booking.rejected_fields({"customer.psid": "is required"}) == []
    email = after_booking.rejected_fields({"customer.email": "is not valid", "street": "?"})
    assert email == ["address", "email"]
    assert after_booking.field_names(["email"], "de") == "Ihre E-Mail-Adresse"


@pytest.mark.parametrize(
    ("said", "on_the_web", "on_messenger"),
    [
        ("E-Mail-Adresse", "email", None),
        ("die e-mail ändern", "email", None),
        ("Email", "email", None),
        ('/choose_field{"field":"email"}', "email", None),
        ("Adresse", "address", "address"),
        ("Telefonnummer", "phone", "phone"),
    ],
)
def test_the_e_mail_address_can_be_changed_on_the_website_chat_only(
    said: str, on_the_web: str | None, on_messenger: str | None
) -> None:
    assert match_field(said, "webchat") == on_the_web
    assert match_field(said) == on_messenger


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("de_DE", "de"),
        ("de_CH", "de"),
        ("de_AT", "de"),
        ("en_GB", "en"),
        ("en_US", "en"),
        ("fr_FR", "fr"),
        ("fr_CH", "fr"),
        ("it_CH", "it"),
        ("pl_PL", "pl"),
        ("tlh_KL", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_language_from_the_messenger_locale(locale: Any, language: str | None) -> None:
    assert after_booking.language_from_locale(locale) == language


# --- buttons ------------------------------------------------------------------------------------


def _payload_entities(payload: str, intent: str) -> dict[str, str]:
    assert payload.startswith(f"/{intent}{{")
    data: dict[str, str] = json.loads(payload[len(intent) + 1 :])
    return data


@pytest.mark.parametrize("language", LANGUAGES)
def test_category_buttons_carry_every_category(language: str) -> None:
    shown = buttons.category_buttons(language)
    assert [_payload_entities(b["payload"], "choose_category")["category"] for b in shown] == list(
        CATEGORIES
    )
    assert all(len(b["title"]) <= buttons.TITLE_LIMIT for b in shown)


@pytest.mark.parametrize("language", LANGUAGES)
def test_field_buttons_name_every_field_then_cancel(language: str) -> None:
    shown = buttons.field_buttons(language)
    assert shown[-1]["payload"] == "/cancel"
    # Messenger: every part of its summary (the e-mail address is the website chat's only).
    messenger = [field for field in FIELD_SLOTS if field != "email"]
    assert [match_field(b["payload"]) for b in shown[:-1]] == messenger
    web = buttons.field_buttons(language, "webchat")
    assert [match_field(b["payload"], "webchat") for b in web[:-1]] == list(FIELD_SLOTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_star_buttons_are_one_to_five_and_their_titles_parse_to_the_same(language: str) -> None:
    shown = buttons.star_buttons(language)
    numbers = [int(_payload_entities(b["payload"], "rate")["stars"]) for b in shown]
    assert numbers == [1, 2, 3, 4, 5]
    assert [after_booking.parse_stars(b["title"]) for b in shown] == numbers
    assert all(len(b["title"]) <= buttons.TITLE_LIMIT for b in shown)


def test_every_button_title_fits_messenger() -> None:
    for language in LANGUAGES:
        for shown in (
            buttons.field_buttons(language, "webchat"),
            buttons.time_buttons(language),
            buttons.no_comment_buttons(language),
            buttons.cancel_confirm_buttons(language),
            [buttons.person_button(language), buttons.try_again_button(language)],
        ):
            assert all(0 < len(b["title"]) <= buttons.TITLE_LIMIT for b in shown)


def test_job_buttons_choose_the_job_by_reference() -> None:
    shown = buttons.job_buttons(["TF-7K2Q", "TF-9X3M"])
    assert [_payload_entities(b["payload"], "choose_job") for b in shown] == [
        {"job_reference": "TF-7K2Q"},
        {"job_reference": "TF-9X3M"},
    ]


def test_the_assigned_deadline_moves_with_the_clock() -> None:
    later = NOW + timedelta(hours=13)
    line = after_booking.describe_job(
        job(
            status="assigned",
            friend={"first_name": "Anna"},
            contact_deadline_at="2026-11-28T20:30:00+00:00",
        ),
        later,
        "de",
    )
    assert line.response == "utter_job_status_assigned_no_deadline"


@pytest.mark.parametrize(
    "text",
    [
        "abbrechen",
        "Später!",
        "spaeter bitte",
        "nicht jetzt",
        "Jetzt nicht, danke",
        "cancel",
        "not now",
        "maybe later",
        "skip",
        "überspringen",
        "vergiss es",
        "plus tard",
        "Pas maintenant, merci",
        "più tardi",
        "annulla",
        "nie teraz",
        "Później",
        "pozniej",
    ],
)
def test_short_wishes_to_stop_end_the_rating(text: str) -> None:
    assert after_booking.wants_to_stop(text)


@pytest.mark.parametrize(
    "text",
    [
        "kam etwas später als gedacht, aber sehr freundlich",
        "super",
        "4 Sterne",
        "",
        None,
        '/rate{"stars":"4"}',
        "Anna hat alles erklärt",
        "thanks, great help",
        "très gentil, merci",
        "tutto risolto, grazie",
        "bardzo miły pan",
    ],
)
def test_answers_and_long_comments_are_no_wish_to_stop(text: str | None) -> None:
    assert not after_booking.wants_to_stop(text)


def test_a_job_in_one_short_line() -> None:
    job = {"category": "printer", "description": "Der  Drucker druckt nicht"}
    assert after_booking.job_summary(job, "de") == "Drucker & Scanner – Der Drucker druckt nicht"
    long = after_booking.job_summary({"category": None, "description": "x" * 100}, "en")
    assert long.startswith("Something else – x") and long.endswith("…")
    assert len(long) == len("Something else – ") + after_booking.SUMMARY_DESCRIPTION
    assert after_booking.job_summary({"category": "computer"}, "en") == "Computer & laptop"


def test_the_stand_in_for_an_unnamed_friend_speaks_every_language() -> None:
    assert set(after_booking.THE_TECHNICIAN) == set(LANGUAGES)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("de", "morgen um 10:30 Uhr"),
        ("en", "tomorrow at 10:30 am"),
        ("fr", "demain à 10 h 30"),
        ("it", "domani alle 10:30"),
        ("pl", "jutro o 10:30"),
    ],
)
def test_a_deadline_is_told_in_each_language(language: str, said: str) -> None:
    tomorrow = datetime(2026, 12, 9, 9, 30, tzinfo=UTC)
    now = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert after_booking.describe_moment(tomorrow, now, language, "DE") == said


def test_a_later_deadline_names_the_weekday_in_each_language() -> None:
    saturday = datetime(2026, 12, 12, 13, 15, tzinfo=UTC)
    now = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    said = {lang: after_booking.describe_moment(saturday, now, lang, "DE") for lang in LANGUAGES}
    assert said == {
        "de": "am Samstag um 14:15 Uhr",
        "en": "on Saturday at 2:15 pm",
        "fr": "samedi à 14 h 15",
        "it": "sabato alle 14:15",
        "pl": "w sobotę o 14:15",
    }


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("fr", "votre adresse et votre numéro de téléphone"),
        ("it", "il Suo indirizzo e il Suo numero di telefono"),
        ("pl", "adres i numer telefonu"),
    ],
)
def test_refused_fields_are_named_in_a_sentence_in_each_language(language: str, names: str) -> None:
    assert after_booking.field_names(["address", "phone"], language) == names
