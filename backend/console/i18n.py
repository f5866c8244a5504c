"""The console's own words in German and English (staff pick theirs; `?lang=` overrides)."""

from __future__ import annotations

from product.languages import LANGUAGES, or_default

# key: one text per language, in the order of product.languages.LANGUAGES (tests/product
# checks that every entry has them all).
TEXTS: dict[str, tuple[str, ...]] = {
    # key: (Deutsch, English)
    "title": ("Support-Konsole", "Support console"),
    "login": ("Anmelden", "Log in"),
    "logout": ("Abmelden", "Log out"),
    "email": ("E-Mail", "E-mail"),
    "password": ("Passwort", "Password"),
    "login_failed": ("E-Mail oder Passwort stimmt nicht.", "E-mail or password is wrong."),
    "csrf": (
        "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu.",
        "This form has expired. Please reload the page.",
    ),
    "forbidden": ("Dafür braucht es die Rolle Admin.", "This needs the admin role."),
    "not_found": ("Nicht gefunden.", "Not found."),
    "conversations": ("Gespräche", "Conversations"),
    "jobs": ("Aufträge", "Jobs"),
    "friends": ("Friends", "Friends"),
    "privacy": ("Datenschutz", "Privacy"),
    "filter": ("Filtern", "Filter"),
    "search": ("Suche im Text", "Search the text"),
    "since": ("von", "from"),
    "until": ("bis", "to"),
    "language": ("Sprache", "Language"),
    "any": ("alle", "any"),
    "intent": ("Intent", "Intent"),
    "had_fallback": ("mit Fallback", "had a fallback"),
    "confidence_below": ("Konfidenz unter", "confidence below"),
    "handed_off": ("an Menschen übergeben", "handed off"),
    "has_job": ("mit Auftrag", "has a job"),
    "tag": ("Schlagwort", "Tag"),
    "customer": ("Kunde", "Customer"),
    "last_message": ("Letzte Nachricht", "Last message"),
    "messages": ("Nachrichten", "Messages"),
    "min_confidence": ("min. Konfidenz", "min confidence"),
    "next_page": ("Weitere", "More"),
    "no_conversations": ("Keine Gespräche gefunden.", "No conversations found."),
    "reviewed": ("geprüft", "reviewed"),
    "mark_reviewed": ("Als geprüft markieren", "Mark reviewed"),
    "notes": ("Notizen", "Notes"),
    "add_note": ("Notiz speichern", "Save note"),
    "tags": ("Schlagwörter", "Tags"),
    "add_tag": ("Schlagwort hinzufügen", "Add tag"),
    "remove": ("entfernen", "remove"),
    "misunderstood": ("Falsch verstanden – richtiger Intent:", "Misunderstood – right intent:"),
    "flag": ("Korrigieren", "Correct"),
    "corrected_to": ("korrigiert zu", "corrected to"),
    "export_corrections": ("Korrekturen als NLU-YAML", "Corrections as NLU YAML"),
    "customer_jobs": ("Aufträge dieses Kunden", "This customer's jobs"),
    "take_over": ("Gespräch übernehmen", "Take over"),
    "hand_back": ("An den Bot zurückgeben", "Hand back to the bot"),
    "reply": ("Antwort an den Kunden", "Reply to the customer"),
    "send": ("Senden", "Send"),
    "asked_for_person": (
        "Der Kunde möchte mit einem Menschen sprechen; der Bot wartet.",
        "The customer asked for a person; the bot is waiting.",
    ),
    "taken_over_by": ("Übernommen von {who}", "Taken over by {who}"),
    "written_by": ("geschrieben von {who}", "written by {who}"),
    "bot": ("Bot", "Bot"),
    "taken_over": ("Sie haben das Gespräch übernommen.", "You took over the conversation."),
    "handed_back": ("Das Gespräch ist wieder beim Bot.", "The bot has the conversation again."),
    "reply_queued": ("Antwort wird gesendet.", "Reply is being sent."),
    "reply_delivered": (
        "Antwort ist im Chat auf der Website angekommen.",
        "The reply reached the chat on the website.",
    ),
    "reply_kept": (
        "Gesendet. Der Kunde hat den Website-Chat gerade nicht offen; er sieht die Antwort, "
        "sobald er ihn wieder öffnet.",
        "Sent. The customer does not have the website chat open; they see the reply when they "
        "open it again.",
    ),
    "reply_failed": (
        "Die Antwort kam nicht an (der Website-Chat ist nicht erreichbar). Bitte später "
        "nochmal senden.",
        "The reply did not arrive (the website chat cannot be reached). Please send it again "
        "later.",
    ),
    "reply_failed_whatsapp": (
        "Die Antwort kam nicht an (WhatsApp ist gerade nicht erreichbar). Bitte später "
        "nochmal senden.",
        "The reply did not arrive (WhatsApp cannot be reached right now). Please send it again "
        "later.",
    ),
    "outside_whatsapp_window": (
        "Der Kunde hat seit über 24 Stunden nicht auf WhatsApp geschrieben; WhatsApp erlaubt "
        "keine freie Antwort mehr. Bitte rufen Sie ihn an, oder warten Sie, bis er wieder "
        "schreibt.",
        "The customer has not written on WhatsApp for over 24 hours; WhatsApp allows no free "
        "reply any more. Please phone them, or wait until they write again.",
    ),
    "reply_empty": ("Bitte schreiben Sie eine Antwort.", "Please write a reply."),
    "reply_too_long": (
        "Die Antwort ist zu lang (höchstens 2000 Zeichen).",
        "The reply is too long (2000 characters at most).",
    ),
    "outside_window": (
        "Der Kunde hat seit über 7 Tagen nicht geschrieben; Messenger erlaubt keine Antwort mehr.",
        "The customer has not written for over 7 days; Messenger allows no reply any more.",
    ),
    "rasa_down": (
        "Der Bot ist gerade nicht erreichbar. Bitte später nochmal versuchen.",
        "The bot cannot be reached right now. Please try again later.",
    ),
    "not_recorded": (
        "Gesendet, aber noch nicht im Verlauf vermerkt (Bot nicht erreichbar).",
        "Sent, but not yet recorded in the transcript (bot unreachable).",
    ),
    "take_over_first": ("Bitte zuerst übernehmen.", "Please take over first."),
    "status": ("Status", "Status"),
    "deadline": ("Frist", "Deadline"),
    "overdue": ("überfällig", "overdue"),
    "alerts": ("Hinweise für den Support", "Alerts for support"),
    "resolve": ("Erledigt", "Resolved"),
    # Support alerts by kind; the values come from the alert's detail (see alert_text).
    "alert_missed_deadline": (
        "{friend} hat sich nicht rechtzeitig beim Kunden gemeldet; der Auftrag wird neu vergeben.",
        "{friend} did not contact the customer in time; the job is being passed on.",
    ),
    "alert_nobody_found": (
        "Nach {waves} Runden hat kein Friend den Auftrag angenommen.",
        "No Friend took the job after {waves} waves.",
    ),
    "alert_handed_back": (
        "{friend} hat den Auftrag zurückgegeben.",
        "{friend} handed the job back.",
    ),
    "alert_customer_not_told": (
        "Der Bot konnte dem Kunden eine Nachricht nicht zustellen ({intent}); bitte selbst "
        "informieren.",
        "The bot could not give the customer some news ({intent}); please tell them yourself.",
    ),
    "alert_customer_not_mailed": (
        "Eine E-Mail an den Kunden ließ sich nicht zustellen ({intent}: {error}); bitte die "
        "Adresse prüfen.",
        "An e-mail to the customer could not be delivered ({intent}: {error}); please check "
        "the address.",
    ),
    "alert_friend_not_reachable": (
        "WhatsApp stellt dem Friend {friend} nichts zu ({error}); bitte anrufen.",
        "WhatsApp does not deliver to the Friend {friend} ({error}); please phone them.",
    ),
    "alert_whatsapp_template_broken": (
        "Die WhatsApp-Vorlage {template} wird abgelehnt ({error}); bitte bei Meta prüfen.",
        "The WhatsApp template {template} is refused ({error}); please check it at Meta.",
    ),
    "alert_customer_unreachable": (
        "Der Friend hat den Kunden {attempts}-mal nicht erreicht; bitte den Kunden kontaktieren.",
        "The Friend could not reach the customer ({attempts} attempts); please contact them.",
    ),
    "reference": ("Nummer", "Reference"),
    "category": ("Bereich", "Category"),
    "place": ("Ort", "Place"),
    "created": ("Erstellt", "Created"),
    "friend": ("Friend", "Friend"),
    "event_log": ("Verlauf", "Event log"),
    "redispatch": ("Neu ausschreiben", "Re-dispatch"),
    "redispatched": ("Der Auftrag wird neu ausgeschrieben.", "The job is being re-dispatched."),
    "assign": ("Von Hand zuweisen", "Assign by hand"),
    "assigned": (
        "Zugewiesen; der Friend hat die Kundendaten bekommen.",
        "Assigned; the Friend got the customer's details.",
    ),
    "assigned_call_friend": (
        "Zugewiesen. Der Friend hat 24 Stunden nicht geschrieben und bekommt keine Nachricht: "
        "bitte anrufen.",
        "Assigned. The Friend has not written for 24 hours and gets no message: please call.",
    ),
    "cancel_job": ("Stornieren", "Cancel"),
    "reason": ("Grund", "Reason"),
    "reason_missing": ("Bitte einen Grund angeben.", "Please give a reason."),
    "cancelled": ("Der Auftrag ist storniert.", "The job is cancelled."),
    "note_saved": ("Notiz gespeichert.", "Note saved."),
    "note_empty": ("Die Notiz ist leer.", "The note is empty."),
    "not_possible": ("Das geht nicht: {why}", "Not possible: {why}"),
    "applicants": ("Bewerbungen", "Applicants"),
    "active_friends": ("Aktive Friends", "Active Friends"),
    "other_friends": ("Weitere Friends", "Other Friends"),
    "activate": ("Freischalten", "Activate"),
    "reject": ("Ablehnen", "Reject"),
    "suspend": ("Sperren", "Suspend"),
    "claims": ("Übernahmen", "Claims"),
    "offers": ("Angebote", "Offers"),
    "missed": ("Frist verpasst", "No-shows"),
    "hand_backs": ("Zurückgegeben", "Hand-backs"),
    "rating": ("Bewertung", "Rating"),
    "earnings": ("Verdienst", "Earnings"),
    "skills": ("Können", "Skills"),
    "friend_updated": ("Friend aktualisiert.", "Friend updated."),
    "phone": ("Telefon", "Phone"),
    "quiz": ("Quiz", "Quiz"),
    "no_quiz": ("noch kein Quiz", "no quiz yet"),
    "attempt": ("Versuch {number}", "Attempt {number}"),
    "quiz_running": ("läuft noch", "in progress"),
    "quiz_passed": ("bestanden", "passed"),
    "quiz_failed": ("nicht bestanden", "failed"),
    "online": ("Online", "Online"),
    "is_online": ("online", "online"),
    "is_offline": ("offline", "offline"),
    "export_customer": ("Kundendaten exportieren (JSON)", "Export customer data (JSON)"),
    "erase_customer": ("Kunden löschen", "Erase customer"),
    "erase_confirm": (
        "Texte und persönliche Daten werden unwiderruflich entfernt. Zur Bestätigung die "
        "Kunden-ID eintippen:",
        "Texts and personal data are removed for good. Type the customer id to confirm:",
    ),
    "erased": ("Kundendaten gelöscht.", "Customer data erased."),
    "erase_mismatch": ("Die ID stimmt nicht überein.", "The id does not match."),
    "customer_id": (
        "Kunden-ID (Gesprächs-ID: Messenger-PSID oder web-…)",
        "Customer id (conversation id: Messenger PSID or web-…)",
    ),
    "channel": ("Kanal", "Channel"),
    # The channels by their word in product/channels.py (channel_<word>).
    "channel_messenger": ("Messenger", "Messenger"),
    "channel_webchat": ("Website-Chat", "Website chat"),
    "channel_whatsapp": ("WhatsApp", "WhatsApp"),
    "channel_by_id": ("aus der ID", "from the id"),
    "retention": (
        "Gesprächsverläufe werden nach {days} Tagen automatisch geschwärzt.",
        "Transcripts are redacted automatically after {days} days.",
    ),
    "retention_off": (
        "Keine automatische Schwärzung eingestellt (TRANSCRIPT_RETENTION_DAYS).",
        "No automatic redaction configured (TRANSCRIPT_RETENTION_DAYS).",
    ),
    "redacted": ("geschwärzt", "redacted"),
    "none": ("–", "–"),
    "save": ("Speichern", "Save"),
    # Invoices (issue 18): support completes a job for its Friend.
    "invoice": ("Rechnung", "Invoice"),
    "extra_minutes": ("Mehraufwand (Minuten)", "Extra time (minutes)"),
    "payment": ("Bezahlung", "Payment"),
    "payment_platform": (
        "per Überweisung an uns (Rechnung mit QR-Code)",
        "by transfer to us (invoice with QR code)",
    ),
    "payment_direct": ("direkt beim Friend", "directly to the Friend"),
    "complete_job": ("Abschließen und Rechnung ausstellen", "Complete and issue the invoice"),
    "invoice_issued": (
        "Der Auftrag ist abgeschlossen, die Rechnung ausgestellt.",
        "The job is completed and its invoice issued.",
    ),
}


def _in(language: str, texts: tuple[str, ...]) -> str:
    return texts[LANGUAGES.index(or_default(language))]


def translate(language: str, key: str, **values: object) -> str:
    texts = TEXTS.get(key)
    if texts is None:
        return key
    text = _in(language, texts)
    return text.format(**values) if values else text


class _Blank(dict[str, object]):
    """A value an alert's detail lacks shows as a dash instead of failing the page."""

    def __missing__(self, key: str) -> object:
        return "–"


def alert_text(language: str, kind: str, detail: object) -> str:
    """An alert in words; a kind without its own text shows as the kind itself."""
    texts = TEXTS.get(f"alert_{kind}")
    if texts is None:
        return kind
    values = _Blank(detail) if isinstance(detail, dict) else _Blank()
    return _in(language, texts).format_map(values)
