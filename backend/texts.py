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
            "Bitte melden Sie sich innerhalb von {hours} Stunden beim Kunden und tippen Sie dann "
            "auf „Kunde kontaktiert“. Nach getaner Arbeit: „Erledigt“."
        ),
        "en": (
            "Job {reference} is yours.\n"
            "Customer: {name}\nPhone: {phone}\nAddress: {address}\n"
            "Please contact the customer within {hours} hours, then tap “Customer contacted”. When "
            "the work is done: “Job done”."
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
    "button_done": {"de": "Erledigt", "en": "Job done"},
    "button_hand_back": {"de": "Zurückgeben", "en": "Give back"},
    "images": {
        "de": "Fotos vom Kunden zu Auftrag {reference}:\n{urls}",
        "en": "Photos from the customer for job {reference}:\n{urls}",
    },
    "contacted_next": {
        "de": "Danke! Auftrag {reference}: Kontakt ist vermerkt. Wenn die Arbeit getan ist, "
        "tippen Sie auf „Erledigt“.",
        "en": "Thanks! Job {reference}: contact recorded. When the work is done, tap “Job done”.",
    },
    "contact_reminder": {
        "de": "Erinnerung: Bitte rufen Sie den Kunden von Auftrag {reference} an und tippen Sie "
        "dann auf „Kunde kontaktiert“. In {hours} Stunden geht der Auftrag sonst an jemand "
        "anderen.",
        "en": "Reminder: please call the customer of job {reference}, then tap “Customer "
        "contacted”. Otherwise the job goes to someone else in {hours} hours.",
    },
    "lost_job": {
        "de": "Der Auftrag {reference} wurde Ihnen entzogen, weil innerhalb von {hours} Stunden "
        "kein Kontakt vermerkt wurde. Er geht jetzt an andere Friends.",
        "en": "Job {reference} has been taken from you because no contact was recorded within "
        "{hours} hours. It now goes to other Friends.",
    },
    "handed_back": {
        "de": "In Ordnung, Sie haben den Auftrag {reference} zurückgegeben. Wir suchen jemand "
        "anderen.",
        "en": "All right, you have given job {reference} back. We will find someone else.",
    },
    "hand_back_refused": {
        "de": "Auftrag {reference} ist nicht (mehr) Ihrer und kann nicht zurückgegeben werden.",
        "en": "Job {reference} is not (or no longer) yours, so it cannot be given back.",
    },
    "done_ask_package": {
        "de": "Auftrag {reference}: Welches Paket haben Sie erledigt?",
        "en": "Job {reference}: which package did you do?",
    },
    "done_ask_extra": {
        "de": "Wie viel Zeit haben Sie über das Paket hinaus gebraucht? Tippen Sie eine "
        "Antwort oder schreiben Sie die Minuten als Zahl (z. B. 45). Jede angefangene "
        "Viertelstunde kostet {rate}.",
        "en": "How much time did you need beyond the package? Tap an answer or type the minutes "
        "as a number (e.g. 45). Each started quarter hour costs {rate}.",
    },
    "done_summary": {
        "de": "Danke, Auftrag {reference} ist abgeschlossen.\nPreis: {price}\n"
        "Provision (20 %): {commission}\nIhr Verdienst: {payout}\n"
        "Bitte kassieren Sie {price} beim Kunden; die Provision rechnen wir mit Ihnen ab.",
        "en": "Thanks, job {reference} is complete.\nPrice: {price}\n"
        "Commission (20%): {commission}\nYou earn: {payout}\n"
        "Please collect {price} from the customer; we settle the commission with you.",
    },
    "done_refused": {
        "de": "Auftrag {reference} ist nicht (mehr) Ihrer oder schon abgeschlossen.",
        "en": "Job {reference} is not (or no longer) yours, or it is already complete.",
    },
    "done_package_invalid": {
        "de": "Dieses Paket gibt es für Auftrag {reference} nicht. Bitte wählen Sie eines der "
        "angebotenen Pakete.",
        "en": "That package does not exist for job {reference}. Please pick one of the offered "
        "packages.",
    },
    "done_extra_invalid": {
        "de": "Bitte geben Sie die zusätzliche Zeit als Minuten zwischen 0 und 480 an.",
        "en": "Please give the extra time as minutes between 0 and 480.",
    },
    "minutes_none": {"de": "Keine", "en": "None"},
    "minutes": {"de": "{minutes} Min.", "en": "{minutes} min"},
}


def text(key: str, language: str, **values: Any) -> str:
    variants = TEXTS[key]
    return variants.get(language, variants["de"]).format(**values)
