"""What a job is and what a valid job request looks like."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import phonenumbers

from backend.domain.media import media_id_of
from backend.domain.statuses import WITH_FRIEND as WITH_FRIEND
from backend.domain.statuses import JobStatus
from product import channels
from product.categories import CATEGORIES
from product.countries import COUNTRY_CODES, is_postal_code_form, postal_form, time_zone
from product.languages import DEFAULT_LANGUAGE, LANGUAGES

# The lifecycle lives in backend/domain/statuses.py; these names stay for their readers.
STATUSES: tuple[JobStatus, ...] = tuple(JobStatus)
# Without a stated time the customer wants help as soon as possible: the next 24 hours.
ASAP_HOURS = 24
MAX_DESCRIPTION = 2000
MAX_IMAGES = 5
MAX_VOICES = 5
MAX_URL = 2000
# The column widths (backend/adapters/orm.py): PostgreSQL refuses longer values.
MAX_SHORT_TEXT = 200
MAX_CHANNEL_ID = 64
MAX_EMAIL = 254
# A syntax check only (one @, a dot in the domain, no spaces or controls): whether the box
# exists shows when the first mail is sent; a stricter rule would refuse real addresses.
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f.]+(\.[^@\s\x00-\x1f\x7f.]+)+")
# Characters RFC 3986 never allows unencoded in a URL; a link holding them is not one.
_NOT_IN_URLS = frozenset(' "<>\\^`{|}')

# No 0/O or 1/I: references are read out on the phone.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "TF-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(4))


@dataclass(frozen=True)
class CustomerKey:
    """Who a customer is: their channel and their id there (the Rasa conversation id)."""

    channel: str
    id: str


@dataclass(frozen=True)
class CustomerRequest:
    key: CustomerKey
    name: str
    phone: str
    language: str
    email: str = ""  # "" = none given


@dataclass(frozen=True)
class JobRequest:
    category: str
    description: str
    package: str
    country: str
    postal_code: str
    street: str
    device: str
    brand: str
    window_start: datetime
    window_end: datetime
    customer: CustomerRequest
    # Photos and voice messages the customer sent in the chat: the backend's own media URLs
    # (backend/domain/media.py) or https links; the offered Friends see them.
    image_urls: tuple[str, ...] = ()
    voice_urls: tuple[str, ...] = ()


def normalise_phone(raw: str, country: str) -> str | None:
    """E.164 form of a phone number, or None when it is not a valid number."""
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _text(
    data: dict[str, Any],
    key: str,
    errors: dict[str, str],
    *,
    required: bool,
    limit: int | None = None,
) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            errors[key] = "is required"
        return ""
    if not isinstance(value, str):
        errors[key] = "must be a string"
        return ""
    if limit is not None and len(value.strip()) > limit:
        errors[key] = f"must be at most {limit} characters"
        return ""
    return value.strip()


def _is_https_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return (
            parts.scheme == "https"
            and bool(parts.hostname)
            and not any(c in _NOT_IN_URLS or not c.isprintable() for c in url)
        )
    except ValueError:  # e.g. a broken IPv6 literal
        return False


def _media_urls(
    raw: Any, field: str, limit: int, public_base_url: str, errors: dict[str, str]
) -> tuple[str, ...]:
    """A list of links to the customer's photos (or voice messages): https, or this backend's
    own media URLs, which are http when the backend runs so (a test, a local run)."""
    rule = "https URLs or this service's media URLs"
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(u, str) for u in raw):
        errors[field] = f"must be a list of {rule}"
        return ()
    if len(raw) > limit:
        errors[field] = f"at most {limit} files"
        return ()
    urls = tuple(u.strip() for u in raw)
    for url in urls:
        ours = media_id_of(url, public_base_url) is not None
        if not (ours or _is_https_url(url)) or len(url) > MAX_URL:
            errors[field] = f"each must be one of the {rule}, at most {MAX_URL} characters"
            return ()
    return urls


def _parse_window(
    raw: Any, country: str, now: datetime, errors: dict[str, str]
) -> tuple[datetime, datetime]:
    zone = ZoneInfo(time_zone(country))
    default = (now.astimezone(zone), (now + timedelta(hours=ASAP_HOURS)).astimezone(zone))
    if raw is None:
        return default
    if not isinstance(raw, dict):
        errors["time_window"] = "must be an object with start and end"
        return default
    try:
        start = datetime.fromisoformat(str(raw["start"]))
        end = datetime.fromisoformat(str(raw["end"]))
    except (KeyError, ValueError):
        errors["time_window"] = "start and end must be ISO 8601 date-times with offset"
        return default
    if start.tzinfo is None or end.tzinfo is None:
        errors["time_window"] = "start and end need a UTC offset"
        return default
    if end <= start:
        errors["time_window"] = "end must be after start"
    elif end <= now:
        errors["time_window"] = "the time window is in the past"
    return start, end


def _customer_key(
    raw: dict[str, Any], errors: dict[str, str], id_field: str = "id", psid_field: str = "psid"
) -> CustomerKey | None:
    """(channel, id) from `channel` + `id_field`, or the Messenger-only `psid_field` form the
    bot used before there were channels (it keeps working)."""
    if raw.get("channel") is None and raw.get(id_field) is None and raw.get(psid_field) is not None:
        channel, field = channels.MESSENGER, psid_field
    else:
        channel, field = _text(raw, "channel", errors, required=True), id_field
        if channel and channels.supported(channel) is None:
            errors["channel"] = f"must be one of {', '.join(channels.CHANNELS)}"
    channel_id = _text(raw, field, errors, required=True, limit=MAX_CHANNEL_ID)
    if "\x00" in channel_id:  # PostgreSQL refuses NUL in text: a 500 there, so refuse it here
        errors[field] = "must not contain NUL characters"
    if "channel" in errors or field in errors:
        return None
    return CustomerKey(channel, channel_id)


def valid_email(value: str) -> bool:
    return len(value) <= MAX_EMAIL and _EMAIL.fullmatch(value) is not None


def _customer(raw: Any, country: str) -> tuple[CustomerRequest | None, dict[str, str]]:
    """The customer part of a job request; errors are named `customer.<field>`."""
    if not isinstance(raw, dict):
        return None, {"customer": "is required: an object with channel, id, name, phone, language"}
    sub: dict[str, str] = {}
    key = _customer_key(raw, sub)
    name = _text(raw, "name", sub, required=True, limit=MAX_SHORT_TEXT)
    phone_raw = _text(raw, "phone", sub, required=True)
    language = _text(raw, "language", sub, required=False) or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        sub["language"] = f"must be one of {', '.join(LANGUAGES)}"
    phone = normalise_phone(phone_raw, country or "DE") if phone_raw else None
    if phone_raw and phone is None:
        sub["phone"] = "is not a valid phone number"
    email = _text(raw, "email", sub, required=False)
    if email and not valid_email(email):
        sub["email"] = "is not an e-mail address (like name@example.org)"
    errors = {f"customer.{k}": v for k, v in sub.items()}
    if errors or key is None:
        return None, errors
    return CustomerRequest(key, name, phone or "", language, email), {}


def validate_job_request(
    data: Any, package_ids: set[str], now: datetime, public_base_url: str = ""
) -> tuple[JobRequest | None, dict[str, str]]:
    """A JobRequest, or field-level messages the bot can turn into a re-ask.
    `public_base_url`: where this backend serves media (its own media URLs are taken)."""
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        return None, {"body": "must be a JSON object"}
    category = _text(data, "category", errors, required=True)
    if category and category not in CATEGORIES:
        errors["category"] = f"must be one of {', '.join(CATEGORIES)}"
    description = _text(data, "description", errors, required=True)
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"must be at most {MAX_DESCRIPTION} characters"
    package = _text(data, "package", errors, required=False) or "quick_help"
    if package not in package_ids:
        errors["package"] = f"must be one of {', '.join(sorted(package_ids))}"
    country = _text(data, "country", errors, required=True).upper()
    if country and country not in COUNTRY_CODES:
        errors["country"] = f"must be one of {', '.join(COUNTRY_CODES)}"
    postal_code = _text(data, "postal_code", errors, required=True).replace(" ", "")
    if postal_code and not is_postal_code_form(postal_code):
        errors["postal_code"] = "must be 4 (AT, CH) or 5 (DE, FR, IT, PL: 00-950) digits"
    elif postal_code and country in COUNTRY_CODES:
        # Stored as the country writes it: "00950" in Poland is "00-950".
        postal_code = postal_form(postal_code, country)
    street = _text(data, "street", errors, required=False, limit=MAX_SHORT_TEXT)
    device = _text(data, "device", errors, required=False, limit=MAX_SHORT_TEXT)
    brand = _text(data, "brand", errors, required=False, limit=MAX_SHORT_TEXT)
    start, end = _parse_window(data.get("time_window"), country, now, errors)
    image_urls = _media_urls(
        data.get("image_urls"), "image_urls", MAX_IMAGES, public_base_url, errors
    )
    voice_urls = _media_urls(
        data.get("voice_urls"), "voice_urls", MAX_VOICES, public_base_url, errors
    )

    customer, customer_errors = _customer(data.get("customer"), country)
    errors.update(customer_errors)

    if errors or customer is None:
        return None, errors
    return (
        JobRequest(
            category=category,
            description=description,
            package=package,
            country=country,
            postal_code=postal_code,
            street=street,
            device=device,
            brand=brand,
            window_start=start,
            window_end=end,
            customer=customer,
            image_urls=image_urls,
            voice_urls=voice_urls,
        ),
        {},
    )


CANCELLED_BY = ("customer", "support", "partner")
MAX_REASON = 500


@dataclass(frozen=True)
class Cancellation:
    reason: str
    by: str  # one of CANCELLED_BY
    # False when the customer has been told already, in their own chat: the assistant cancels
    # for the customer who asked it there and answers them itself. Otherwise (support, a
    # partner, the customer somewhere else) their chat and e-mail get the news.
    notify_customer: bool = True


def validate_cancellation(data: Any) -> tuple[Cancellation | None, dict[str, str]]:
    """The cancellation asked for, or field-level messages."""
    if not isinstance(data, dict):
        return None, {"body": "must be a JSON object"}
    errors: dict[str, str] = {}
    reason = _text(data, "reason", errors, required=True)
    if len(reason) > MAX_REASON:
        errors["reason"] = f"must be at most {MAX_REASON} characters"
    by = _text(data, "by", errors, required=False) or "customer"
    if by not in CANCELLED_BY:
        errors["by"] = f"must be one of {', '.join(CANCELLED_BY)}"
    notify = data.get("notify_customer", True)
    if not isinstance(notify, bool):
        errors["notify_customer"] = "must be true or false"
    return (None, errors) if errors else (Cancellation(reason, by, notify), {})


def validate_rating(data: Any) -> tuple[tuple[int, str, CustomerKey] | None, dict[str, str]]:
    """(stars, comment, who rates), or field-level messages. Who: `channel` + `customer_id`,
    or `customer_psid` (Messenger)."""
    if not isinstance(data, dict):
        return None, {"body": "must be a JSON object"}
    errors: dict[str, str] = {}
    stars = data.get("stars")
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        errors["stars"] = "must be a whole number from 1 to 5"
    comment = _text(data, "comment", errors, required=False)
    if len(comment) > MAX_DESCRIPTION:
        errors["comment"] = f"must be at most {MAX_DESCRIPTION} characters"
    key = _customer_key(data, errors, id_field="customer_id", psid_field="customer_psid")
    if errors or key is None:
        return None, errors
    assert isinstance(stars, int)
    return (stars, comment, key), {}


def customer_of_query(query: Mapping[str, str]) -> tuple[CustomerKey | None, dict[str, str]]:
    """Whose jobs a list asks for: `channel` + `customer_id`, or the Messenger-only `customer`
    (the bot's short form) or `customer_psid` (the original one)."""
    errors: dict[str, str] = {}
    psid = query.get("customer") or query.get("customer_psid")
    if query.get("channel") is None and query.get("customer_id") is None:
        if not psid or not psid.strip():
            return None, {"customer": "is required: channel and customer_id, or customer_psid"}
        raw: dict[str, Any] = {"customer_psid": psid}
    else:
        raw = {k: query.get(k) for k in ("channel", "customer_id")}
    key = _customer_key(raw, errors, id_field="customer_id", psid_field="customer_psid")
    return key, errors
