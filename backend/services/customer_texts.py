"""What a customer reads outside the chat: the status page (/b/<token>) and the e-mails.

Pure: no I/O. Written for older readers: short sentences, no jargon, the words the bot uses
("Auftrag", "Techniker"; "request", "technician"). German has the country's forms: Swiss German
writes no ß (the `de-CH` texts are the German ones with ß → ss), Austrian German says "Jänner".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from backend.domain.statuses import JobStatus
from product.countries import time_zone
from product.languages import DEFAULT_LANGUAGE, from_accept_language, supported

# The intent of the booking confirmation (the notices' intents are the bot's EXTERNAL_ ones).
BOOKING_RECEIVED = "booking_received"
# Notice intents the use cases name (the others are written where they are stored).
FRIEND_CONTACTED = "EXTERNAL_friend_contacted"
JOB_CANCELLED = "EXTERNAL_job_cancelled"
# How long a job's status page lives after the job ended; the page and the 404 text say so.
STATUS_PAGE_DAYS = 30

_WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

# The status in plain words; {friend} is the Friend's first name.
_STATUS: dict[str, dict[str, str]] = {
    "de": {
        JobStatus.OPEN: "Wir suchen gerade einen Techniker in Ihrer Nähe. Sobald jemand zusagt, "
        "sagen wir Ihnen Bescheid.",
        JobStatus.ASSIGNED: "{friend} hat Ihren Auftrag übernommen und ruft Sie bald an, um den "
        "Besuch abzusprechen.",
        JobStatus.CONTACTED: "{friend} hat mit Ihnen gesprochen und kommt zum vereinbarten Termin.",
        JobStatus.COMPLETED: "Erledigt: {friend} hat Ihren Auftrag als erledigt gemeldet.",
        JobStatus.CANCELLED: "Dieser Auftrag ist abgesagt.",
        JobStatus.UNASSIGNED: "Leider hat sich noch kein Techniker gefunden. Unser Team kümmert "
        "sich jetzt persönlich darum und meldet sich bei Ihnen.",
    },
    "en": {
        JobStatus.OPEN: "We are looking for a technician near you. As soon as someone takes it "
        "on, we will let you know.",
        JobStatus.ASSIGNED: "{friend} has taken on your request and will call you soon to arrange "
        "the visit.",
        JobStatus.CONTACTED: "{friend} has spoken to you and will come at the agreed time.",
        JobStatus.COMPLETED: "Done: {friend} has reported your request as done.",
        JobStatus.CANCELLED: "This request has been cancelled.",
        JobStatus.UNASSIGNED: "Unfortunately no technician has been found yet. Our team is now "
        "looking after it personally and will get in touch with you.",
    },
}

_PAGE = {
    "de": {
        "title": "Ihr Auftrag {reference}",
        "status_heading": "So steht es",
        "window": "Ihr Wunschtermin",
        "friend": "Ihr Techniker",
        "reference": "Auftragsnummer",
        "cancel_heading": "Auftrag absagen",
        "cancel_hint": "Sie brauchen die Hilfe nicht mehr? Dann sagen Sie den Auftrag hier ab.",
        "cancel_button": "Auftrag absagen",
        "confirm_question": "Möchten Sie den Auftrag {reference} wirklich absagen?",
        "confirm_hint": "Hat schon ein Techniker zugesagt, sagen wir ihm Bescheid. Das lässt sich "
        "nicht rückgängig machen.",
        "confirm_yes": "Ja, Auftrag absagen",
        "confirm_no": "Nein, zurück",
        "cancelled_now": "Ihr Auftrag ist abgesagt. Danke, dass Sie uns Bescheid gegeben haben.",
        "not_cancellable": "Dieser Auftrag lässt sich nicht mehr absagen.",
        "rating_heading": "Wie zufrieden waren Sie?",
        "rating_legend": "Bitte wählen Sie 1 bis 5 Sterne (5 ist sehr gut).",
        "star_1": "1 Stern – gar nicht zufrieden",
        "star_2": "2 Sterne – wenig zufrieden",
        "star_3": "3 Sterne – zufrieden",
        "star_4": "4 Sterne – sehr zufrieden",
        "star_5": "5 Sterne – ausgezeichnet",
        "comment": "Möchten Sie uns noch etwas sagen? (freiwillig)",
        "rating_button": "Bewertung senden",
        "rating_missing": "Bitte wählen Sie 1 bis 5 Sterne.",
        "rated_now": "Vielen Dank für Ihre Bewertung!",
        "rated": "Sie haben {stars} von 5 Sternen gegeben. Vielen Dank!",
        "rated_already": "Für diesen Auftrag haben Sie schon eine Bewertung abgegeben.",
        "help": "Fragen? Schreiben Sie uns einfach im Chat. Diese Seite gilt bis {days} Tage "
        "nach dem Ende des Auftrags.",
        "not_found_title": "Diese Seite gibt es nicht (mehr)",
        "not_found": "Vielleicht ist der Link nicht vollständig, oder der Auftrag ist schon "
        "länger als {days} Tage vorbei. Schreiben Sie uns gern im Chat, wir helfen Ihnen weiter.",
        "form_unreadable": "Das Formular ließ sich nicht lesen. Bitte versuchen Sie es noch "
        "einmal.",
    },
    "en": {
        "title": "Your request {reference}",
        "status_heading": "Where things stand",
        "window": "Your preferred time",
        "friend": "Your technician",
        "reference": "Request number",
        "cancel_heading": "Cancel the request",
        "cancel_hint": "You no longer need the help? Then you can cancel the request here.",
        "cancel_button": "Cancel the request",
        "confirm_question": "Do you really want to cancel your request {reference}?",
        "confirm_hint": "If a technician has already taken it on, we will let them know. This "
        "cannot be undone.",
        "confirm_yes": "Yes, cancel the request",
        "confirm_no": "No, go back",
        "cancelled_now": "Your request has been cancelled. Thank you for letting us know.",
        "not_cancellable": "This request can no longer be cancelled.",
        "rating_heading": "How happy were you?",
        "rating_legend": "Please choose 1 to 5 stars (5 is very good).",
        "star_1": "1 star – not happy at all",
        "star_2": "2 stars – not very happy",
        "star_3": "3 stars – happy",
        "star_4": "4 stars – very happy",
        "star_5": "5 stars – excellent",
        "comment": "Is there anything else you would like to tell us? (optional)",
        "rating_button": "Send rating",
        "rating_missing": "Please choose 1 to 5 stars.",
        "rated_now": "Thank you very much for your rating!",
        "rated": "You gave {stars} out of 5 stars. Thank you very much!",
        "rated_already": "You have already rated this request.",
        "help": "Questions? Just write to us in the chat. This page stays available until {days} "
        "days after the request has ended.",
        "not_found_title": "This page does not exist (any more)",
        "not_found": "Perhaps the link is incomplete, or the request ended more than {days} days "
        "ago. Feel free to write to us in the chat, we will help you.",
        "form_unreadable": "The form could not be read. Please try again.",
    },
}

# Subject and the news of each mail; {reference}, {friend} from the notice's entities.
_MAIL = {
    "de": {
        BOOKING_RECEIVED: (
            "Ihr Auftrag {reference} ist bei uns angekommen",
            "vielen Dank für Ihren Auftrag {reference}. Wir suchen jetzt einen Techniker in "
            "Ihrer Nähe und sagen Ihnen Bescheid, sobald jemand zusagt.",
        ),
        "EXTERNAL_friend_assigned": (
            "{friend} hilft Ihnen (Auftrag {reference})",
            "gute Nachricht: {friend} hat Ihren Auftrag {reference} übernommen und meldet sich "
            "bald telefonisch bei Ihnen, um den Besuch abzusprechen.",
        ),
        "EXTERNAL_friend_handed_back": (
            "Neuigkeit zu Ihrem Auftrag {reference}",
            "{friend} kann leider doch nicht zu Ihnen kommen. Das tut uns leid! Wir suchen "
            "schon einen anderen Techniker für Sie. Sie müssen nichts tun.",
        ),
        "EXTERNAL_friend_missed_deadline": (
            "Neuigkeit zu Ihrem Auftrag {reference}",
            "der Techniker hat sich leider nicht rechtzeitig bei Ihnen gemeldet. Das tut uns "
            "leid! Wir suchen gerade einen anderen Techniker für Sie.",
        ),
        "EXTERNAL_nobody_found": (
            "Neuigkeit zu Ihrem Auftrag {reference}",
            "für Ihren Auftrag {reference} hat sich leider kein Techniker in Ihrer Nähe "
            "gefunden. Unser Team kümmert sich jetzt persönlich darum und meldet sich bei Ihnen.",
        ),
        "EXTERNAL_job_completed": (
            "Ihr Auftrag {reference} ist erledigt",
            "{friend} hat Ihren Auftrag {reference} als erledigt gemeldet. Wie zufrieden waren "
            "Sie? Auf Ihrer Auftragsseite können Sie 1 bis 5 Sterne geben.",
        ),
        "EXTERNAL_rating_reminder": (
            "Wie zufrieden waren Sie? (Auftrag {reference})",
            "dürfen wir Sie noch kurz um Ihre Bewertung bitten? Auf Ihrer Auftragsseite "
            "genügen 1 bis 5 Sterne (5 ist sehr gut).",
        ),
        FRIEND_CONTACTED: (
            "{friend} hat sich bei Ihnen gemeldet (Auftrag {reference})",
            "{friend} hat uns gesagt, dass Sie schon miteinander Kontakt hatten, um den Besuch "
            "zu Ihrem Auftrag {reference} abzusprechen. Falls sich doch noch niemand bei Ihnen "
            "gemeldet hat, schreiben Sie uns bitte im Chat. Dann kümmern wir uns darum.",
        ),
        JOB_CANCELLED: (
            "Ihr Auftrag {reference} ist abgesagt",
            "Ihr Auftrag {reference} ist abgesagt. Wenn Sie doch Hilfe brauchen, schreiben Sie "
            "uns einfach wieder.",
        ),
    },
    "en": {
        BOOKING_RECEIVED: (
            "We have received your request {reference}",
            "thank you for your request {reference}. We are now looking for a technician near "
            "you and will let you know as soon as someone takes it on.",
        ),
        "EXTERNAL_friend_assigned": (
            "{friend} will help you (request {reference})",
            "good news: {friend} has taken on your request {reference} and will call you soon "
            "to arrange the visit.",
        ),
        "EXTERNAL_friend_handed_back": (
            "News about your request {reference}",
            "unfortunately {friend} cannot come to you after all. We are sorry! We are already "
            "looking for another technician for you. You do not need to do anything.",
        ),
        "EXTERNAL_friend_missed_deadline": (
            "News about your request {reference}",
            "unfortunately the technician did not get in touch with you in time. We are sorry! "
            "We are now looking for another technician for you.",
        ),
        "EXTERNAL_nobody_found": (
            "News about your request {reference}",
            "unfortunately no technician near you was found for your request {reference}. Our "
            "team is now looking after it personally and will get in touch with you.",
        ),
        "EXTERNAL_job_completed": (
            "Your request {reference} is done",
            "{friend} has reported your request {reference} as done. How happy were you? On "
            "your request's page you can give 1 to 5 stars.",
        ),
        "EXTERNAL_rating_reminder": (
            "How happy were you? (request {reference})",
            "may we briefly ask for your rating? On your request's page, 1 to 5 stars is all "
            "it takes (5 is very good).",
        ),
        FRIEND_CONTACTED: (
            "{friend} has been in touch (request {reference})",
            "{friend} has let us know that you have been in touch to arrange the visit for your "
            "request {reference}. If nobody has contacted you yet, please write to us in the "
            "chat and we will take care of it.",
        ),
        JOB_CANCELLED: (
            "Your request {reference} has been cancelled",
            "your request {reference} has been cancelled. If you need help after all, just "
            "write to us again.",
        ),
    },
}
_MAIL_OTHER = {
    "de": ("Neuigkeit zu Ihrem Auftrag {reference}", "es gibt Neuigkeiten zu Ihrem Auftrag."),
    "en": ("News about your request {reference}", "there is news about your request."),
}
_MAIL_FRAME = {
    "de": {
        "greeting": "Guten Tag {name},",
        "greeting_anonymous": "Guten Tag,",
        "window": "Ihr Wunschtermin: {window}",
        "link": "Wie es um Ihren Auftrag steht, sehen Sie jederzeit hier (dort können Sie ihn "
        "auch absagen):",
        "closing": "Freundliche Grüße\nIhr techfriends-Team",
        "automatic": "Diese E-Mail wurde automatisch verschickt. Fragen beantworten wir gern "
        "im Chat.",
    },
    "en": {
        "greeting": "Dear {name},",
        "greeting_anonymous": "Hello,",
        "window": "Your preferred time: {window}",
        "link": "You can see at any time how your request is going here (you can also cancel "
        "it there):",
        "closing": "Kind regards\nYour techfriends team",
        "automatic": "This e-mail was sent automatically. We are happy to answer questions "
        "in the chat.",
    },
}


def locale_for(language: str, country: str) -> str:
    """The form of the language a customer of this country reads: "de-CH", "de-AT", "de", "en"."""
    language = supported(language) or DEFAULT_LANGUAGE
    if language == "de" and country in ("CH", "AT"):
        return f"de-{country}"
    return language


def page_locale(customer_language: str, accept_language: str, country: str) -> str:
    """The customer's own language; when we do not know it, the browser's."""
    language = supported(customer_language) or from_accept_language(accept_language)
    return locale_for(language, country)


def _language(locale: str) -> str:
    return locale.split("-", 1)[0]


def _localise(locale: str, template: str) -> str:
    if locale == "de-CH":
        return template.replace("ß", "ss")
    return template


def page_text(locale: str, key: str, **values: Any) -> str:
    template = _localise(locale, _PAGE[_language(locale)][key])
    return template.format(**values, days=STATUS_PAGE_DAYS)


def status_text(locale: str, status: str, friend: str) -> str:
    words = _STATUS[_language(locale)]
    template = words.get(status, "")  # a StrEnum key is found by its plain word
    # Without a Friend (support cancelled an assigned job's Friend away), no name is told.
    return _localise(locale, template).format(friend=friend or "")


def window_text(locale: str, start: datetime, end: datetime, country: str) -> str:
    """The appointment window in the job's own time zone, written out for reading aloud."""
    zone = ZoneInfo(time_zone(country))
    start, end = start.astimezone(zone), end.astimezone(zone)
    language = _language(locale)
    if language == "de":
        first = _german_date(locale, start)
        if start.date() == end.date():
            return f"{first}, {start:%H:%M}–{end:%H:%M} Uhr"
        return f"{first}, {start:%H:%M} Uhr bis {_german_date(locale, end)}, {end:%H:%M} Uhr"
    first = _english_date(start)
    if start.date() == end.date():
        return f"{first}, {start:%H:%M}–{end:%H:%M}"
    return f"{first}, {start:%H:%M} to {_english_date(end)}, {end:%H:%M}"


def _german_date(locale: str, moment: datetime) -> str:
    month = _MONTHS["de"][moment.month - 1]
    if locale == "de-AT" and moment.month == 1:
        month = "Jänner"
    return f"{_WEEKDAYS['de'][moment.weekday()]}, {moment.day}. {month} {moment.year}"


def _english_date(moment: datetime) -> str:
    month = _MONTHS["en"][moment.month - 1]
    return f"{_WEEKDAYS['en'][moment.weekday()]} {moment.day} {month} {moment.year}"


def mail_text(
    locale: str,
    intent: str,
    entities: dict[str, Any],
    name: str,
    window: str,
    status_url: str,
) -> tuple[str, str]:
    """(subject, plain-text body) of a mail about a job, always with its status link."""
    language = _language(locale)
    subject, news = _MAIL[language].get(intent, _MAIL_OTHER[language])
    values = {
        "reference": str(entities.get("job_reference", "")),
        "friend": str(entities.get("friend_name", "")) or _no_name(language),
    }
    frame = _MAIL_FRAME[language]
    greeting = (
        _localise(locale, frame["greeting"]).format(name=name)
        if name
        else _localise(locale, frame["greeting_anonymous"])
    )
    news = _localise(locale, news).format(**values)
    if language == "en":  # English letters start the body after "Dear …," with a capital
        news = news[:1].upper() + news[1:]
    paragraphs = [
        greeting,
        news,
        _localise(locale, frame["window"]).format(window=window),
        _localise(locale, frame["link"]) + "\n" + status_url,
        _localise(locale, frame["closing"]),
        "-- \n" + _localise(locale, frame["automatic"]),
    ]
    return _localise(locale, subject).format(**values), "\n\n".join(paragraphs) + "\n"


def _no_name(language: str) -> str:
    return "Ihr Techniker" if language == "de" else "your technician"
