from datetime import UTC, datetime, timedelta

from backend.domain.friend_commands import parse_minutes
from backend.domain.jobs import (
    CustomerKey,
    customer_of_query,
    new_reference,
    normalise_phone,
    valid_email,
    validate_job_request,
    validate_rating,
)

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PACKAGES = {"quick_help", "setup"}


def _valid() -> dict[str, object]:
    return {
        "category": "internet_wifi",
        "description": "Mein WLAN bricht ständig ab",
        "country": "DE",
        "postal_code": "10115",
        "customer": {"psid": "c1", "name": "Erika Muster", "phone": "0171 9876543"},
    }


def test_valid_request_normalises_phone_and_defaults_to_asap() -> None:
    request, errors = validate_job_request(_valid(), PACKAGES, NOW)
    assert errors == {}
    assert request is not None
    assert request.customer.phone == "+491719876543"
    assert request.customer.language == "de"
    assert request.package == "quick_help"
    assert request.window_start == NOW
    assert request.window_end - request.window_start == timedelta(hours=24)
    assert request.window_start.utcoffset() == timedelta(hours=1)  # Berlin in winter


def test_every_bad_field_gets_its_own_message() -> None:
    data = _valid() | {"category": "toaster", "country": "ES", "postal_code": "ABC"}
    data["customer"] = {"psid": "c1", "name": "", "phone": "12", "language": "es"}
    request, errors = validate_job_request(data, PACKAGES, NOW)
    assert request is None
    assert set(errors) == {
        "category",
        "country",
        "postal_code",
        "customer.name",
        "customer.phone",
        "customer.language",
    }


def test_time_window_needs_offset_order_and_future() -> None:
    for window, fragment in (
        ({"start": "2026-11-29T10:00", "end": "2026-11-29T12:00"}, "offset"),
        ({"start": "2026-11-29T12:00+01:00", "end": "2026-11-29T10:00+01:00"}, "after"),
        ({"start": "2026-11-27T10:00+01:00", "end": "2026-11-27T12:00+01:00"}, "past"),
        ({"start": "tomorrow"}, "ISO 8601"),
    ):
        _, errors = validate_job_request(_valid() | {"time_window": window}, PACKAGES, NOW)
        assert fragment in errors["time_window"]


def test_not_an_object() -> None:
    assert validate_job_request([1, 2], PACKAGES, NOW) == (None, {"body": "must be a JSON object"})


def test_swiss_mobile_number_in_e164() -> None:
    assert normalise_phone("079 123 45 67", "CH") == "+41791234567"
    assert normalise_phone("not a number", "DE") is None


def test_references_are_readable_and_vary() -> None:
    refs = {new_reference() for _ in range(200)}
    assert len(refs) > 190
    for ref in refs:
        assert ref.startswith("TF-") and len(ref) == 7
        assert not set(ref[3:]) & set("01IO")


def test_typed_extra_minutes_are_understood() -> None:
    assert [parse_minutes(t) for t in ("45", " 20 Minuten", "30 min", "15min.", "90 minutes")] == [
        45,
        20,
        30,
        15,
        90,
    ]
    assert [parse_minutes(t) for t in ("hallo", "", "4 5", "-10", "1000", "zehn")] == [None] * 6


def test_image_urls_are_optional_https_and_at_most_five() -> None:
    request, _ = validate_job_request(_valid(), PACKAGES, NOW)
    assert request is not None and request.image_urls == ()
    photos = [f"https://cdn.example/{i}.jpg" for i in range(5)]
    request, errors = validate_job_request(_valid() | {"image_urls": photos}, PACKAGES, NOW)
    assert errors == {} and request is not None and request.image_urls == tuple(photos)
    for bad in ([*photos, "https://cdn.example/6.jpg"], ["ftp://x/y"], ["https:// x"], {}):
        _, errors = validate_job_request(_valid() | {"image_urls": bad}, PACKAGES, NOW)
        assert set(errors) == {"image_urls"}, bad


def test_the_customer_is_a_channel_and_an_id_and_a_psid_is_a_messenger_id() -> None:
    web = {"channel": "webchat", "id": "web-" + "a" * 32, "name": "Karl", "phone": "030 1234567"}
    request, errors = validate_job_request(_valid() | {"customer": web}, PACKAGES, NOW)
    assert errors == {} and request is not None
    assert request.customer.key == CustomerKey("webchat", "web-" + "a" * 32)
    assert request.customer.email == ""
    old, _ = validate_job_request(_valid(), PACKAGES, NOW)
    assert old is not None and old.customer.key == CustomerKey("messenger", "c1")


def test_an_email_address_is_checked_for_its_form_only() -> None:
    for good in ("erika@example.org", "e.muster+hilfe@mail.example.de", "jörg@müller.de"):
        assert valid_email(good), good
    for bad in (
        "erika",
        "erika@",
        "@example.org",
        "erika@example",
        "a b@example.org",
        "erika@@example.org",
        "erika@example..org",
        "x" * 250 + "@example.org",
    ):
        assert not valid_email(bad), bad


def test_ratings_and_lists_name_the_customer_either_way() -> None:
    rating, _ = validate_rating({"stars": 3, "channel": "webchat", "customer_id": "web-1"})
    assert rating == (3, "", CustomerKey("webchat", "web-1"))
    rating, _ = validate_rating({"stars": 3, "customer_psid": "p-1"})
    assert rating == (3, "", CustomerKey("messenger", "p-1"))
    assert customer_of_query({"customer": "p-2"}) == (CustomerKey("messenger", "p-2"), {})
    key, errors = customer_of_query({"channel": "sms", "customer_id": "1"})
    assert key is None and set(errors) == {"channel"}
    key, errors = customer_of_query({"customer_id": "web-1\x00"})
    assert key is None and set(errors) == {"channel", "customer_id"}


def test_a_polish_postal_code_is_kept_in_its_own_form() -> None:
    for typed in ("00-950", "00950"):
        data = _valid() | {"country": "PL", "postal_code": typed}
        data["customer"] = {"psid": "c1", "name": "Łukasz Wiśniewski", "phone": "+48 512 345 678"}
        request, errors = validate_job_request(data, PACKAGES, NOW)
        assert errors == {} and request is not None, typed
        assert request.postal_code == "00-950"
