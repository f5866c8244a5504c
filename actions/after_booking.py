"""What the assistant says and decides after a job was booked: the customer's jobs in plain
words, which jobs can still be cancelled, the stars of a rating, and which question to ask
again when the backend refuses a field.

Pure module (no Rasa imports). The sentences live in domain.yml; these functions pick the
response and fill its variables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from actions.categories import label as category_label
from actions.fields import FIELD_NAMES, FIELDS
from actions.formatting import join_list
from actions.time_window import zone_for
from product.languages import from_locale, or_default

# Job statuses from the backend; "claimed" is the older name of "assigned".
CANCELLABLE = ("open", "assigned", "claimed", "contacted", "unassigned")
ACTIVE = ("open", "assigned", "claimed", "contacted", "unassigned")
MAX_SHOWN = 3
MAX_COMMENT = 1000


@dataclass(frozen=True)
class JobLine:
    """One response (by name) and its variables, describing one job."""

    response: str
    values: dict[str, str] = field(default_factory=dict)


def friend_first_name(job: dict[str, Any]) -> str | None:
    friend = job.get("friend") if isinstance(job.get("friend"), dict) else None
    if friend and friend.get("first_name"):
        return str(friend["first_name"])
    assigned = job.get("assigned_friend") if isinstance(job.get("assigned_friend"), dict) else None
    if assigned and assigned.get("name"):
        return str(assigned["name"]).split()[0]
    return None


def _parse_moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


_WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    # "w sobotę", "we wtorek": the day as the accusative after its preposition.
    "pl": (
        "w poniedziałek",
        "we wtorek",
        "w środę",
        "w czwartek",
        "w piątek",
        "w sobotę",
        "w niedzielę",
    ),
}
# Today, tomorrow, the day after tomorrow.
_NEAR_DAYS = {
    "de": ("heute", "morgen", "übermorgen"),
    "fr": ("aujourd’hui", "demain", "après-demain"),
    "it": ("oggi", "domani", "dopodomani"),
    "pl": ("dziś", "jutro", "pojutrze"),
}


def _clock(language: str, hour: int, minute: int) -> str:
    """ "um 9 Uhr", "à 9 h 30", "alle 9:30", "o 9:30"."""
    if language == "fr":
        return f"à {hour} h" if minute == 0 else f"à {hour} h {minute:02d}"
    if language == "it":
        return f"alle {hour}" if minute == 0 else f"alle {hour}:{minute:02d}"
    if language == "pl":
        return f"o {hour}:{minute:02d}"
    return f"um {hour} Uhr" if minute == 0 else f"um {hour}:{minute:02d} Uhr"


def describe_moment(moment: datetime, now: datetime, language: str, country: str | None) -> str:
    """ "heute um 21:30 Uhr", "morgen um 9 Uhr", "am Samstag um 14:15 Uhr" / "today at 9:30 pm" /
    "demain à 9 h" / "sabato alle 14:15" / "w sobotę o 14:15"."""
    zone = zone_for(country)
    local = moment.astimezone(zone)
    days = (local.date() - now.astimezone(zone).date()).days
    if language == "en":
        hour = local.hour % 12 or 12
        clock = f"{hour}" if local.minute == 0 else f"{hour}:{local.minute:02d}"
        clock += " am" if local.hour < 12 else " pm"
        day = {0: "today", 1: "tomorrow"}.get(days, f"on {_WEEKDAYS['en'][local.weekday()]}")
        return f"{day} at {clock}"
    lang = language if language in _NEAR_DAYS else "de"
    if 0 <= days < len(_NEAR_DAYS[lang]):
        day = _NEAR_DAYS[lang][days]
    elif lang == "de":
        day = f"am {_WEEKDAYS['de'][local.weekday()]}"
    else:
        day = _WEEKDAYS[lang][local.weekday()]
    return f"{day} {_clock(lang, local.hour, local.minute)}"


def describe_job(job: dict[str, Any], now: datetime, language: str) -> JobLine:
    """The status of one job as a response name and its variables."""
    status = str(job.get("status") or "")
    values = {"job_reference": str(job.get("reference") or "")}
    name = friend_first_name(job)
    if name:
        values["friend_name"] = name
    deadline = _parse_moment(job.get("contact_deadline_at"))
    if status == "open":
        return JobLine("utter_job_status_open", values)
    if status in ("assigned", "claimed") and name:
        if deadline is not None and deadline > now:
            values["deadline"] = describe_moment(deadline, now, language, job.get("country"))
            return JobLine("utter_job_status_assigned", values)
        return JobLine("utter_job_status_assigned_no_deadline", values)
    if status == "contacted" and name:
        return JobLine("utter_job_status_contacted", values)
    if status == "completed":
        return JobLine("utter_job_status_completed", values)
    if status == "cancelled":
        return JobLine("utter_job_status_cancelled", values)
    if status == "unassigned":
        return JobLine("utter_job_status_unassigned", values)
    return JobLine("utter_job_status_open", values)


def _created(job: dict[str, Any]) -> str:
    return str(job.get("created_at") or "")


def jobs_to_show(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Active jobs first, newest first; at most MAX_SHOWN (a chat is no list view)."""
    ordered = sorted(jobs, key=_created, reverse=True)
    active = [j for j in ordered if j.get("status") in ACTIVE]
    done = [j for j in ordered if j.get("status") not in ACTIVE]
    return (active + done)[:MAX_SHOWN]


def cancellable(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The jobs a customer may still cancel, newest first."""
    return sorted(
        (j for j in jobs if j.get("status") in CANCELLABLE and j.get("reference")),
        key=_created,
        reverse=True,
    )


SUMMARY_DESCRIPTION = 60


def job_summary(job: dict[str, Any], language: str) -> str:
    """ "Internet & WLAN – Mein WLAN bricht ständig ab": a job in one short line."""
    description = " ".join(str(job.get("description") or "").split())
    if len(description) > SUMMARY_DESCRIPTION:
        description = description[: SUMMARY_DESCRIPTION - 1].rstrip() + "…"
    area = category_label(job.get("category"), language)
    return f"{area} – {description}" if description else area


# --- rating -----------------------------------------------------------------------------------

# {friend_name} in the rating's sentences when the backend did not name the Friend.
THE_TECHNICIAN = {
    "de": "der Techniker",
    "en": "the technician",
    "fr": "le technicien",
    "it": "il tecnico",
    "pl": "technik",
}

_STAR_WORDS = {
    "eins": 1,
    "einen": 1,
    "ein": 1,
    "one": 1,
    "zwei": 2,
    "two": 2,
    "drei": 3,
    "three": 3,
    "vier": 4,
    "four": 4,
    "fünf": 5,
    "fuenf": 5,
    "funf": 5,
    "five": 5,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "uno": 1,
    "una": 1,
    "due": 2,
    "tre": 3,
    "quattro": 4,
    "cinque": 5,
    "jeden": 1,
    "jedna": 1,
    "jedną": 1,
    "dwa": 2,
    "dwie": 2,
    "trzy": 3,
    "cztery": 4,
    "pięć": 5,
    "piec": 5,
}
# Letters of the five languages' words (Polish with and without diacritics).
_LETTERS = r"[a-zäöüßà-ÿąćęłńśźżœ]+"


def parse_stars(value: Any) -> int | None:
    """1–5 from a payload entity ("4"), a typed number ("4 Sterne", "5/5", "fünf") or star
    emoji ("⭐⭐⭐"); None when there is no clear single number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if value == int(value) and 1 <= value <= 5 else None
    text = str(value or "").strip().lower()
    if not text:
        return None
    stars = text.count("⭐") + text.count("★")
    if stars:
        return stars if 1 <= stars <= 5 else None
    # "4/5", "4 von 5", "4 out of 5": the 5 is the scale, not a second number.
    text = re.sub(r"\b([1-5])\s*(?:/|von|out of|sur|su|na)\s*5\b", r"\1", text)
    digits = re.findall(r"(?<![\d,.])\d+(?![\d,.])", text)
    if len(digits) == 1:
        number = int(digits[0])
        return number if 1 <= number <= 5 else None
    if digits:
        return None
    words = [_STAR_WORDS[w] for w in re.findall(_LETTERS, text) if w in _STAR_WORDS]
    if len(set(words)) == 1:
        return words[0]
    return None


# Words that end the rating step ("abbrechen", "später", "not now"). Only short messages
# count: "kam später als gedacht, sonst super" is a comment, not a wish to stop.
_STOP_WORDS = {
    "abbrechen",
    "abbruch",
    "stopp",
    "stop",
    "später",
    "spaeter",
    "überspringen",
    "ueberspringen",
    "cancel",
    "later",
    "skip",
    "quit",
    "annuler",
    "arrêter",
    "arreter",
    "passer",
    "annulla",
    "basta",
    "salta",
    "anuluj",
    "później",
    "pozniej",
    "pomiń",
    "pomin",
}
_STOP_PHRASES = (
    "nicht jetzt",
    "jetzt nicht",
    "keine zeit",
    "lieber nicht",
    "vergiss es",
    "not now",
    "no time",
    "forget it",
    "maybe later",
    "pas maintenant",
    "plus tard",
    "pas le temps",
    "laissez tomber",
    "non ora",
    "non adesso",
    "più tardi",
    "piu tardi",
    "non ho tempo",
    "lasci perdere",
    "lascia perdere",
    "nie teraz",
    "nie mam czasu",
    "innym razem",
)
MAX_STOP_WORDS = 5


def wants_to_stop(value: Any) -> bool:
    """Whether a short message during the rating asks to leave it ("später", "abbrechen",
    "not now"); longer messages are answers."""
    if not isinstance(value, str) or value.startswith("/"):
        return False
    words = re.findall(_LETTERS, value.lower())
    if not words or len(words) > MAX_STOP_WORDS:
        return False
    joined = " ".join(words)
    return any(w in _STOP_WORDS for w in words) or any(p in joined for p in _STOP_PHRASES)


def clean_comment(value: Any) -> str:
    """The optional rating comment; "" when the customer gave none."""
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split())
    if text.startswith("/"):
        return ""
    return text[:MAX_COMMENT]


# --- the backend refused a field (422) --------------------------------------------------------

# Backend field -> the part of the conversation that collects it (actions/fields.py names).
_FIELD_OF_ERROR = {
    "description": "problem",
    "category": "problem",
    "device": "problem",
    "brand": "problem",
    "package": "package",
    "country": "address",
    "postal_code": "address",
    "street": "address",
    "time_window": "time",
    "customer.name": "name",
    "customer.phone": "phone",
    "customer.email": "email",
    "customer": "name",
}


def rejected_fields(errors: dict[str, str]) -> list[str]:
    """The parts of the conversation to ask again for the backend's field errors, in the order
    the form asks them; [] when none of the errors is something the customer can fix."""
    parts = {_FIELD_OF_ERROR[key] for key in errors if key in _FIELD_OF_ERROR}
    return [part for part in FIELDS if part in parts]


def field_names(parts: list[str], language: str) -> str:
    """ "Ihre Adresse und Ihre Telefonnummer" / "your address and your phone number"."""
    lang = or_default(language)
    return join_list([FIELD_NAMES[part][lang] for part in parts], lang)


# --- language from the Messenger locale ---------------------------------------------------------


def language_from_locale(locale: Any) -> str | None:
    """ "de_CH" → "de", "en_GB" → "en"; None for other languages and missing values."""
    return from_locale(locale)
