"""Every message the backend sends to a Friend, built from the texts and the job or Friend.

Pure: nothing here reads the database or sends. The chat's handlers send these as replies; the
use cases that write to a Friend in their own transaction (dispatch's offers, the deadline
sweep's reminder and lost job) queue them in the outbox with their change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from backend.adapters.messenger import button_message, postback_button, quick_replies
from backend.adapters.orm import Customer, Friend, Job
from backend.domain.friend_commands import tap
from backend.domain.friends import first_name
from backend.domain.money import Settlement, format_money, friend_payout
from backend.domain.packages import Package
from backend.domain.signup import RADIUS_CHOICES
from backend.domain.statuses import FriendStatus, JobStatus
from backend.friends_chat.media_texts import media_text
from backend.friends_chat.texts import TEXTS, text
from product.categories import CATEGORIES, category_label
from product.countries import time_zone
from product.languages import LANGUAGE_NAMES, LANGUAGES, OWN_NAMES

Message = dict[str, Any]
# The extra time offered as chips after the package (any other number may be typed).
EXTRA_CHOICES = (0, 15, 30, 60)
# An offer shows the start of a long description; the whole one is the customer's to tell.
OFFER_DESCRIPTION = 200
# ... and less of it when links to the customer's photos and voice messages need the room.
SHORT_DESCRIPTION = 100
# Meta's limit for a button template's text (backend/adapters/messenger.py cuts there).
OFFER_TEXT_LIMIT = 640
# A window this long means "as soon as possible" (the customer named no time).
ASAP_WINDOW_HOURS = 20


def hours(span: timedelta) -> str:
    """A span as the hours a Friend reads: 12, 4, 0.5."""
    return f"{span.total_seconds() / 3600:g}"


def address(job: Job) -> str:
    return ", ".join(p for p in (job.street, f"{job.postal_code} {job.city}") if p)


def choices(body: str, kind: str, references: Iterable[str]) -> Message:
    """A question with one chip per job, each meaning `kind` for that job."""
    return quick_replies(body, [(r, tap(kind, r)) for r in references])


# Offers and the contact deadline


def window_text(job: Job, language: str) -> str:
    zone = ZoneInfo(time_zone(job.country))
    start, end = job.window_start.astimezone(zone), job.window_end.astimezone(zone)
    if (end - start).total_seconds() >= ASAP_WINDOW_HOURS * 3600:
        return text("asap", language)
    return f"{start:%d.%m.}, {start:%H:%M}–{end:%H:%M}"


def offer_text(job: Job, package: Package | None, language: str) -> str:
    """The offer, with links to the customer's photos and voice messages; within Meta's 640
    characters (a longer text is cut): first the description is shortened, then links beyond
    the room left are only counted (the winner gets them all after the claim)."""
    price = package.prices.get(job.country) if package else None
    payout = format_money(friend_payout(price.amount), price.currency, language) if price else "–"
    values = {
        "reference": job.reference,
        "category": category_label(job.category, language),
        "postal_code": job.postal_code,
        "city": job.city,
        "window": window_text(job, language),
        "package": package.names.get(language, job.package) if package else job.package,
        "payout": payout,
    }
    files = len(job.image_urls or []) + len(job.voice_urls or [])
    tries = [(OFFER_DESCRIPTION, files)] + [(SHORT_DESCRIPTION, n) for n in range(files, -1, -1)]
    for cut, shown in tries:
        body = text("offer", language, description=_cut(job.description, cut), **values)
        extra = offer_media(job, language, shown)
        whole = f"{body}\n{extra}" if extra else body
        if len(whole) <= OFFER_TEXT_LIMIT:
            break
    return whole


def _cut(description: str, limit: int) -> str:
    return description if len(description) <= limit else description[: limit - 3] + "…"


def offer_media(job: Job, language: str, shown: int) -> str:
    """The first `shown` links to the customer's files (photos first), and how many more."""
    photos = list(job.image_urls or [])[:shown]
    voices = list(job.voice_urls or [])[: max(shown - len(photos), 0)]
    left = len(job.image_urls or []) + len(job.voice_urls or []) - len(photos) - len(voices)
    parts = []
    if photos:
        parts.append(media_text("offer_photos", language, urls="\n".join(photos)))
    if voices:
        key = "offer_voice" if len(voices) == 1 else "offer_voices"
        parts.append(media_text(key, language, urls="\n".join(voices)))
    if left:
        parts.append(media_text("offer_media_more", language, count=left))
    return "\n".join(parts)


def offer(job: Job, package: Package | None, language: str) -> Message:
    return button_message(
        offer_text(job, package, language),
        [
            postback_button(text("button_claim", language), tap("claim", job.reference)),
            postback_button(text("button_decline", language), tap("decline", job.reference)),
        ],
    )


def won(job: Job, customer: Customer, language: str, contact_deadline: timedelta) -> Message:
    return button_message(
        text(
            "won",
            language,
            reference=job.reference,
            name=job.contact(customer)[0],
            phone=job.contact(customer)[1],
            address=address(job),
            hours=hours(contact_deadline),
        ),
        [
            postback_button(text("button_contacted", language), tap("contacted", job.reference)),
            postback_button(text("button_done", language), tap("done", job.reference)),
            postback_button(text("button_hand_back", language), tap("hand_back", job.reference)),
        ],
    )


def photos_and_voice(job: Job, language: str) -> str:
    """All the customer's files for the Friend who has the job: photos, then voice messages."""
    parts = []
    if job.image_urls:
        urls = "\n".join(job.image_urls)
        parts.append(text("images", language, reference=job.reference, urls=urls))
    voices = list(job.voice_urls or [])
    if voices:
        key = "job_voice" if len(voices) == 1 else "job_voices"
        parts.append(media_text(key, language, reference=job.reference, urls="\n".join(voices)))
    return "\n\n".join(parts)


def contacted_next(reference: str, language: str) -> Message:
    return button_message(
        text("contacted_next", language, reference=reference),
        [postback_button(text("button_done", language), tap("done", reference))],
    )


def contact_reminder(job: Job, language: str, left: timedelta) -> Message:
    return button_message(
        text("contact_reminder", language, reference=job.reference, hours=hours(left)),
        [postback_button(text("button_contacted", language), tap("contacted", job.reference))],
    )


def lost_job(job: Job, language: str, contact_deadline: timedelta) -> str:
    return text("lost_job", language, reference=job.reference, hours=hours(contact_deadline))


def my_jobs(rows: Sequence[tuple[Job, Customer]], language: str, country: str) -> Message:
    """The Friend's jobs with customer and contact deadline; chips for the next step of four."""
    zone = ZoneInfo(time_zone(country))
    lines = []
    for job, customer in rows:
        if job.status == JobStatus.ASSIGNED and job.contact_deadline_at is not None:
            deadline = job.contact_deadline_at.astimezone(zone)
            status = text("status_assigned", language, deadline=f"{deadline:%d.%m. %H:%M}")
        else:
            status = text("status_contacted", language)
        lines.append(
            text(
                "my_job_line",
                language,
                reference=job.reference,
                status=status,
                category=category_label(job.category, language),
                customer=job.contact(customer)[0],
                phone=job.contact(customer)[1],
                address=address(job),
            )
        )
    chips = []
    for job, _ in rows[:4]:
        kind = "contacted" if job.status == JobStatus.ASSIGNED else "done"
        label = text("button_contacted" if kind == "contacted" else "button_done", language)
        chips.append((f"{job.reference} {label}", tap(kind, job.reference)))
    return quick_replies(text("my_jobs", language, jobs="\n".join(lines)), chips)


# Completion: package, extra time, the money


def _short(name: str) -> str:
    """A package name fit for a 20-character chip: "Einrichtung (2 Stunden)" → "Einrichtung"."""
    return name.split(" (")[0]


def which_package(job: Job, packages: Sequence[Package], language: str) -> Message:
    lines = []
    for p in packages:
        price = p.prices[job.country]
        lines.append(
            f"• {p.names.get(language, p.id)}: "
            + format_money(price.amount, price.currency, language)
        )
    body = text("done_ask_package", language, reference=job.reference) + "\n" + "\n".join(lines)
    return quick_replies(
        body,
        [
            (_short(p.names.get(language, p.id)), tap("done_package", job.reference, p.id))
            for p in packages
        ],
    )


def how_much_extra(job: Job, package: Package, language: str) -> Message:
    rate = package.extra_per_15_min.get(job.country)
    rate_text = format_money(rate.amount, rate.currency, language) if rate else "–"
    chips = [
        (
            text("minutes_none", language) if m == 0 else text("minutes", language, minutes=m),
            tap("done_extra", job.reference, package.id, m),
        )
        for m in EXTRA_CHOICES
    ]
    return quick_replies(text("done_ask_extra", language, rate=rate_text), chips)


def done_summary(reference: str, settlement: Settlement, currency: str, language: str) -> str:
    return text(
        "done_summary",
        language,
        reference=reference,
        price=format_money(settlement.price, currency, language),
        commission=format_money(settlement.commission, currency, language),
        payout=format_money(settlement.payout, currency, language),
    )


# Being online, the menu and the profile


def menu(body: str, language: str) -> Message:
    return quick_replies(
        body,
        [
            (text("button_my_jobs", language), "MY_JOBS"),
            (text("button_online", language), "GO_ONLINE"),
            (text("button_offline", language), "GO_OFFLINE"),
            (text("button_profile", language), "PROFILE"),
            (text("button_pause", language), "PAUSE"),
        ],
    )


def check_in(friend: Friend, language: str, now: datetime, count: int) -> Message:
    """The day's greeting to an active Friend, with the open jobs near them."""
    hour = now.astimezone(ZoneInfo(time_zone(friend.country))).hour
    if hour < 11:
        greeting = "greeting_morning"
    elif hour >= 18:
        greeting = "greeting_evening"
    else:
        # A country that greets its own way has its own text ("greeting_day_ch": Grüezi).
        greeting = f"greeting_day_{friend.country.lower()}"
        if greeting not in TEXTS:
            greeting = "greeting_day"
    return menu(
        text(
            "check_in",
            language,
            greeting=text(greeting, language),
            name=first_name(friend.name),
            count=count,
        ),
        language,
    )


def skills_text(skills: list[str], language: str) -> str:
    return ", ".join(category_label(s, language) for s in skills) or "–"


def languages_text(languages: list[str], language: str) -> str:
    return ", ".join(
        LANGUAGE_NAMES[code][language] if code in LANGUAGE_NAMES else code for code in languages
    )


def radius_replies(language: str) -> list[tuple[str, str]]:
    return [(f"{km} km", tap("radius", km)) for km in RADIUS_CHOICES]


def skill_replies(chosen: list[str], language: str, finish: bool) -> list[tuple[str, str]]:
    chips = [(category_label(s, language), tap("skill", s)) for s in CATEGORIES if s not in chosen]
    if finish and chosen:
        chips.insert(0, (text("button_finished", language), "SKILLS_DONE"))
    return chips


def language_replies(language: str) -> list[tuple[str, str]]:
    return [(LANGUAGE_NAMES[code][language], tap("languages", code)) for code in LANGUAGES] + [
        (text("languages_both", language), tap("languages", ",".join(LANGUAGES)))
    ]


def chat_language_replies() -> list[tuple[str, str]]:
    """The sign-up's first question: each language by its own name, for any reader."""
    return [(OWN_NAMES[code], f"SIGNUP_LANG:{code}") for code in LANGUAGES]


def profile(friend: Friend, language: str) -> Message:
    if friend.status == FriendStatus.ACTIVE:
        status = "online" if friend.online else "offline"
    else:
        status = friend.status
    return quick_replies(
        text(
            "profile",
            language,
            name=friend.name,
            postal_code=f"{friend.postal_code} ({friend.country})",
            radius=f"{friend.radius_km:g}",
            skills=skills_text(friend.skills, language),
            languages=languages_text(friend.languages, language),
            status=status,
        ),
        [
            (text("button_radius", language), tap("profile_edit", "RADIUS")),
            (text("button_skills", language), tap("profile_edit", "SKILLS")),
            (text("button_languages", language), tap("profile_edit", "LANGS")),
            (text("button_pause", language), "PAUSE"),
        ],
    )


def toggle_skills(skills: list[str], language: str) -> Message:
    chips = [
        (("✓ " if s in skills else "+ ") + category_label(s, language), tap("skill", s))
        for s in CATEGORIES
    ]
    return quick_replies(
        text("profile_ask_skills", language, skills=skills_text(skills, language)),
        [*chips, (text("button_profile", language), "PROFILE")],
    )


def profile_saved(friend: Friend, language: str) -> str:
    return text(
        "profile_saved",
        language,
        radius=f"{friend.radius_km:g}",
        skills=skills_text(friend.skills, language),
        languages=languages_text(friend.languages, language),
    )
