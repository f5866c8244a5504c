"""What the backend says to Friends on Messenger, in German and English."""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "offer": {
        "de": (
            "Neuer Auftrag {reference}: {category} in {postal_code} {city}.\n"
            "Wann: {window}\nPaket: {package}\nIhr Verdienst: {payout}\n"
            "„{description}“\n"
            "Nehmen Sie nur an, wenn Sie den Kunden gleich anrufen können."
        ),
        "en": (
            "New job {reference}: {category} in {postal_code} {city}.\n"
            "When: {window}\nPackage: {package}\nYou earn: {payout}\n"
            '"{description}"\n'
            "Only accept if you can call the customer right away."
        ),
    },
    "button_claim": {"de": "Annehmen", "en": "Accept"},
    "button_decline": {"de": "Nicht für mich", "en": "Not for me"},
    "button_contacted": {"de": "Kunde kontaktiert", "en": "Customer contacted"},
    "won": {
        "de": (
            "Der Auftrag {reference} gehört Ihnen.\n"
            "Kunde: {name}\nTelefon: {phone}\nAdresse: {address}\n"
            "Bitte melden Sie sich innerhalb von 12 Stunden beim Kunden und tippen Sie dann "
            "auf „Kunde kontaktiert“."
        ),
        "en": (
            "Job {reference} is yours.\n"
            "Customer: {name}\nPhone: {phone}\nAddress: {address}\n"
            "Please contact the customer within 12 hours, then tap “Customer contacted”."
        ),
    },
    "already_taken": {
        "de": "Schade, der Auftrag {reference} ist schon vergeben. Das nächste Angebot kommt!",
        "en": "Sorry, job {reference} has already been taken. The next offer is on its way!",
    },
    "not_offered": {
        "de": "Der Auftrag {reference} wurde Ihnen nicht angeboten.",
        "en": "Job {reference} was not offered to you.",
    },
    "not_active": {
        "de": "Ihr Konto ist noch nicht für Aufträge freigeschaltet.",
        "en": "Your account is not yet cleared to take jobs.",
    },
    "no_such_job": {
        "de": "Einen Auftrag {reference} gibt es nicht.",
        "en": "There is no job {reference}.",
    },
    "declined": {
        "de": "Alles klar, Auftrag {reference} ist für Sie erledigt.",
        "en": "Got it, job {reference} is off your list.",
    },
    "contacted": {
        "de": "Danke! Auftrag {reference}: Kontakt ist vermerkt.",
        "en": "Thanks! Job {reference}: contact recorded.",
    },
    "contacted_refused": {
        "de": "Auftrag {reference} ist nicht (mehr) Ihrer.",
        "en": "Job {reference} is not (or no longer) yours.",
    },
    "job_cancelled": {
        "de": "Der Auftrag {reference} wurde storniert. Sie müssen nichts weiter tun.",
        "en": "Job {reference} has been cancelled. There is nothing more for you to do.",
    },
    "unknown_friend": {
        "de": "Hallo! Sie sind noch nicht als techfriends-Friend registriert.",
        "en": "Hello! You are not registered as a techfriends Friend yet.",
    },
    "help": {
        "de": "Neue Aufträge kommen hier als Nachricht. Tippen Sie auf „Annehmen“, um einen "
        "Auftrag zu übernehmen.",
        "en": "New jobs arrive here as messages. Tap “Accept” to take a job.",
    },
    "asap": {"de": "so bald wie möglich", "en": "as soon as possible"},
}


def text(key: str, language: str, **values: Any) -> str:
    variants = TEXTS[key]
    return variants.get(language, variants["de"]).format(**values)
