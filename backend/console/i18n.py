"""The console's own words in German, English, French and Italian (staff pick theirs; `?lang=`
overrides). The console speaks CONSOLE_LANGUAGES, not every language customers are served in:
French and Italian are for the Swiss support teams; anyone else reads English."""

from __future__ import annotations

from product.languages import DEFAULT_LANGUAGE, from_accept_language, from_locale, supported

# The console's languages, the order of every TEXTS entry (tests/product checks that every
# entry has them all). Append only, like product.languages.LANGUAGES.
CONSOLE_LANGUAGES: tuple[str, ...] = ("de", "en", "fr", "it")
# A staff member or browser whose language the console does not speak (Polish) reads this.
CONSOLE_FALLBACK = "en"


def console_language(value: object) -> str:
    """The console's language for an account, cookie or header language: itself when the
    console speaks it, English for another served language, else the default (German)."""
    if isinstance(value, str) and value in CONSOLE_LANGUAGES:
        return value
    return CONSOLE_FALLBACK if supported(value) else DEFAULT_LANGUAGE


def console_accept_language(header: str) -> str:
    """The first language of an Accept-Language header that the console speaks; else as
    console_language for the first one we serve ("pl" → English, nothing → German)."""
    for part in header.split(","):
        language = from_locale(part.split(";", 1)[0])
        if language in CONSOLE_LANGUAGES:
            return language
    return console_language(from_accept_language(header))


# key: one text per console language, in the order of CONSOLE_LANGUAGES.
TEXTS: dict[str, tuple[str, ...]] = {
    # key: (Deutsch, English, Français, Italiano)
    "title": ("Support-Konsole", "Support console", "Console du support", "Console di supporto"),
    "login": ("Anmelden", "Log in", "Se connecter", "Accedi"),
    "logout": ("Abmelden", "Log out", "Se déconnecter", "Esci"),
    "email": ("E-Mail", "E-mail", "E-mail", "E-mail"),
    "password": ("Passwort", "Password", "Mot de passe", "Password"),
    "login_failed": (
        "E-Mail oder Passwort stimmt nicht.",
        "E-mail or password is wrong.",
        "L'e-mail ou le mot de passe est incorrect.",
        "E-mail o password errati.",
    ),
    "csrf": (
        "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu.",
        "This form has expired. Please reload the page.",
        "Le formulaire a expiré. Merci de recharger la page.",
        "Il modulo è scaduto. Ricarichi la pagina, per favore.",
    ),
    "forbidden": (
        "Dafür braucht es die Rolle Admin.",
        "This needs the admin role.",
        "Il faut pour cela le rôle admin.",
        "Per questo serve il ruolo admin.",
    ),
    "not_found": ("Nicht gefunden.", "Not found.", "Introuvable.", "Non trovato."),
    "conversations": ("Gespräche", "Conversations", "Conversations", "Conversazioni"),
    "jobs": ("Aufträge", "Jobs", "Missions", "Incarichi"),
    "friends": ("Friends", "Friends", "Friends", "Friends"),
    "privacy": ("Datenschutz", "Privacy", "Protection des données", "Protezione dei dati"),
    "filter": ("Filtern", "Filter", "Filtrer", "Filtra"),
    "search": ("Suche im Text", "Search the text", "Rechercher dans le texte", "Cerca nel testo"),
    "since": ("von", "from", "du", "dal"),
    "until": ("bis", "to", "au", "al"),
    "language": ("Sprache", "Language", "Langue", "Lingua"),
    "any": ("alle", "any", "toutes", "tutte"),
    "intent": ("Intent", "Intent", "Intent", "Intent"),
    "had_fallback": ("mit Fallback", "had a fallback", "avec fallback", "con fallback"),
    "confidence_below": (
        "Konfidenz unter",
        "confidence below",
        "confiance inférieure à",
        "confidenza sotto",
    ),
    "handed_off": (
        "an Menschen übergeben",
        "handed off",
        "transmis à un humain",
        "passato a una persona",
    ),
    "has_job": ("mit Auftrag", "has a job", "avec mission", "con incarico"),
    "tag": ("Schlagwort", "Tag", "Étiquette", "Etichetta"),
    "customer": ("Kunde", "Customer", "Client", "Cliente"),
    "last_message": ("Letzte Nachricht", "Last message", "Dernier message", "Ultimo messaggio"),
    "messages": ("Nachrichten", "Messages", "Messages", "Messaggi"),
    "min_confidence": ("min. Konfidenz", "min confidence", "confiance min.", "confidenza min."),
    "next_page": ("Weitere", "More", "Suite", "Altri"),
    "no_conversations": (
        "Keine Gespräche gefunden.",
        "No conversations found.",
        "Aucune conversation trouvée.",
        "Nessuna conversazione trovata.",
    ),
    "reviewed": ("geprüft", "reviewed", "vérifié", "verificato"),
    "mark_reviewed": (
        "Als geprüft markieren",
        "Mark reviewed",
        "Marquer comme vérifié",
        "Segna come verificato",
    ),
    "notes": ("Notizen", "Notes", "Notes", "Note"),
    "add_note": ("Notiz speichern", "Save note", "Enregistrer la note", "Salva nota"),
    "tags": ("Schlagwörter", "Tags", "Étiquettes", "Etichette"),
    "add_tag": ("Schlagwort hinzufügen", "Add tag", "Ajouter une étiquette", "Aggiungi etichetta"),
    "remove": ("entfernen", "remove", "retirer", "rimuovi"),
    "misunderstood": (
        "Falsch verstanden – richtiger Intent:",
        "Misunderstood – right intent:",
        "Mal compris – bon intent :",
        "Frainteso – intent corretto:",
    ),
    "flag": ("Korrigieren", "Correct", "Corriger", "Correggi"),
    "corrected_to": ("korrigiert zu", "corrected to", "corrigé en", "corretto in"),
    "export_corrections": (
        "Korrekturen als NLU-YAML",
        "Corrections as NLU YAML",
        "Corrections en YAML NLU",
        "Correzioni come YAML NLU",
    ),
    "customer_jobs": (
        "Aufträge dieses Kunden",
        "This customer's jobs",
        "Missions de ce client",
        "Incarichi di questo cliente",
    ),
    "take_over": (
        "Gespräch übernehmen",
        "Take over",
        "Reprendre la conversation",
        "Prendi in carico",
    ),
    "hand_back": (
        "An den Bot zurückgeben",
        "Hand back to the bot",
        "Rendre au bot",
        "Restituisci al bot",
    ),
    "reply": (
        "Antwort an den Kunden",
        "Reply to the customer",
        "Réponse au client",
        "Risposta al cliente",
    ),
    "send": ("Senden", "Send", "Envoyer", "Invia"),
    "asked_for_person": (
        "Der Kunde möchte mit einem Menschen sprechen; der Bot wartet.",
        "The customer asked for a person; the bot is waiting.",
        "Le client souhaite parler à une personne ; le bot attend.",
        "Il cliente vuole parlare con una persona; il bot attende.",
    ),
    "taken_over_by": (
        "Übernommen von {who}",
        "Taken over by {who}",
        "Repris par {who}",
        "Preso in carico da {who}",
    ),
    "written_by": (
        "geschrieben von {who}",
        "written by {who}",
        "écrit par {who}",
        "scritto da {who}",
    ),
    "bot": ("Bot", "Bot", "Bot", "Bot"),
    "taken_over": (
        "Sie haben das Gespräch übernommen.",
        "You took over the conversation.",
        "Vous avez repris la conversation.",
        "Ha preso in carico la conversazione.",
    ),
    "handed_back": (
        "Das Gespräch ist wieder beim Bot.",
        "The bot has the conversation again.",
        "La conversation est de nouveau chez le bot.",
        "La conversazione è di nuovo al bot.",
    ),
    "reply_queued": (
        "Antwort wird gesendet.",
        "Reply is being sent.",
        "La réponse est en cours d'envoi.",
        "La risposta è in invio.",
    ),
    "reply_delivered": (
        "Antwort ist im Chat auf der Website angekommen.",
        "The reply reached the chat on the website.",
        "La réponse est arrivée dans le chat du site.",
        "La risposta è arrivata nella chat del sito.",
    ),
    "reply_kept": (
        "Gesendet. Der Kunde hat den Website-Chat gerade nicht offen; er sieht die Antwort, "
        "sobald er ihn wieder öffnet.",
        "Sent. The customer does not have the website chat open; they see the reply when they "
        "open it again.",
        "Envoyé. Le client n'a pas le chat du site ouvert en ce moment ; il verra la réponse en "
        "le rouvrant.",
        "Inviato. Il cliente non ha la chat del sito aperta; vedrà la risposta quando la riaprirà.",
    ),
    "reply_failed": (
        "Die Antwort kam nicht an (der Website-Chat ist nicht erreichbar). Bitte später "
        "nochmal senden.",
        "The reply did not arrive (the website chat cannot be reached). Please send it again "
        "later.",
        "La réponse n'est pas arrivée (le chat du site est injoignable). Merci de la renvoyer "
        "plus tard.",
        "La risposta non è arrivata (la chat del sito non è raggiungibile). La reinvii più tardi, "
        "per favore.",
    ),
    "reply_failed_whatsapp": (
        "Die Antwort kam nicht an (WhatsApp ist gerade nicht erreichbar). Bitte später "
        "nochmal senden.",
        "The reply did not arrive (WhatsApp cannot be reached right now). Please send it again "
        "later.",
        "La réponse n'est pas arrivée (WhatsApp est injoignable pour le moment). Merci de la "
        "renvoyer plus tard.",
        "La risposta non è arrivata (WhatsApp al momento non è raggiungibile). La reinvii più "
        "tardi, per favore.",
    ),
    "outside_whatsapp_window": (
        "Der Kunde hat seit über 24 Stunden nicht auf WhatsApp geschrieben; WhatsApp erlaubt "
        "keine freie Antwort mehr. Bitte rufen Sie ihn an, oder warten Sie, bis er wieder "
        "schreibt.",
        "The customer has not written on WhatsApp for over 24 hours; WhatsApp allows no free "
        "reply any more. Please phone them, or wait until they write again.",
        "Le client n'a plus écrit sur WhatsApp depuis plus de 24 heures ; WhatsApp n'autorise "
        "plus de réponse libre. Merci de l'appeler, ou d'attendre qu'il écrive à nouveau.",
        "Il cliente non scrive su WhatsApp da oltre 24 ore; WhatsApp non consente più una "
        "risposta libera. Lo chiami, per favore, o aspetti che scriva di nuovo.",
    ),
    "reply_empty": (
        "Bitte schreiben Sie eine Antwort.",
        "Please write a reply.",
        "Merci d'écrire une réponse.",
        "Scriva una risposta, per favore.",
    ),
    "reply_too_long": (
        "Die Antwort ist zu lang (höchstens 2000 Zeichen).",
        "The reply is too long (2000 characters at most).",
        "La réponse est trop longue (2000 caractères au maximum).",
        "La risposta è troppo lunga (al massimo 2000 caratteri).",
    ),
    "outside_window": (
        "Der Kunde hat seit über 7 Tagen nicht geschrieben; Messenger erlaubt keine Antwort mehr.",
        "The customer has not written for over 7 days; Messenger allows no reply any more.",
        "Le client n'a plus écrit depuis plus de 7 jours ; Messenger n'autorise plus de réponse.",
        "Il cliente non scrive da oltre 7 giorni; Messenger non consente più risposte.",
    ),
    "rasa_down": (
        "Der Bot ist gerade nicht erreichbar. Bitte später nochmal versuchen.",
        "The bot cannot be reached right now. Please try again later.",
        "Le bot est injoignable pour le moment. Merci de réessayer plus tard.",
        "Il bot al momento non è raggiungibile. Riprovi più tardi, per favore.",
    ),
    "not_recorded": (
        "Gesendet, aber noch nicht im Verlauf vermerkt (Bot nicht erreichbar).",
        "Sent, but not yet recorded in the transcript (bot unreachable).",
        "Envoyé, mais pas encore inscrit dans l'historique (bot injoignable).",
        "Inviato, ma non ancora registrato nella cronologia (bot non raggiungibile).",
    ),
    "take_over_first": (
        "Bitte zuerst übernehmen.",
        "Please take over first.",
        "Merci de reprendre la conversation d'abord.",
        "Prima prenda in carico la conversazione, per favore.",
    ),
    "status": ("Status", "Status", "Statut", "Stato"),
    "deadline": ("Frist", "Deadline", "Délai", "Scadenza"),
    "overdue": ("überfällig", "overdue", "en retard", "scaduto"),
    "alerts": (
        "Hinweise für den Support",
        "Alerts for support",
        "Alertes pour le support",
        "Avvisi per il supporto",
    ),
    "resolve": ("Erledigt", "Resolved", "Réglé", "Risolto"),
    # Support alerts by kind; the values come from the alert's detail (see alert_text).
    "alert_missed_deadline": (
        "{friend} hat sich nicht rechtzeitig beim Kunden gemeldet; der Auftrag wird neu vergeben.",
        "{friend} did not contact the customer in time; the job is being passed on.",
        "{friend} n'a pas contacté le client à temps ; la mission est réattribuée.",
        "{friend} non ha contattato il cliente in tempo; l'incarico viene riassegnato.",
    ),
    "alert_nobody_found": (
        "Nach {waves} Runden hat kein Friend den Auftrag angenommen.",
        "No Friend took the job after {waves} waves.",
        "Aucun Friend n'a accepté la mission après {waves} tours.",
        "Nessun Friend ha accettato l'incarico dopo {waves} giri.",
    ),
    "alert_handed_back": (
        "{friend} hat den Auftrag zurückgegeben.",
        "{friend} handed the job back.",
        "{friend} a rendu la mission.",
        "{friend} ha restituito l'incarico.",
    ),
    "alert_customer_not_told": (
        "Der Bot konnte dem Kunden eine Nachricht nicht zustellen ({intent}); bitte selbst "
        "informieren.",
        "The bot could not give the customer some news ({intent}); please tell them yourself.",
        "Le bot n'a pas pu transmettre un message au client ({intent}) ; merci de l'informer "
        "vous-même.",
        "Il bot non è riuscito a consegnare un messaggio al cliente ({intent}); lo informi Lei, "
        "per favore.",
    ),
    "alert_customer_not_mailed": (
        "Eine E-Mail an den Kunden ließ sich nicht zustellen ({intent}: {error}); bitte die "
        "Adresse prüfen.",
        "An e-mail to the customer could not be delivered ({intent}: {error}); please check "
        "the address.",
        "Un e-mail au client n'a pas pu être remis ({intent} : {error}) ; merci de vérifier "
        "l'adresse.",
        "Un'e-mail al cliente non è stata recapitata ({intent}: {error}); controlli l'indirizzo, "
        "per favore.",
    ),
    "alert_friend_not_reachable": (
        "WhatsApp stellt dem Friend {friend} nichts zu ({error}); bitte anrufen.",
        "WhatsApp does not deliver to the Friend {friend} ({error}); please phone them.",
        "WhatsApp ne remet rien au Friend {friend} ({error}) ; merci de l'appeler.",
        "WhatsApp non recapita nulla al Friend {friend} ({error}); lo chiami, per favore.",
    ),
    "alert_whatsapp_template_broken": (
        "Die WhatsApp-Vorlage {template} wird abgelehnt ({error}); bitte bei Meta prüfen.",
        "The WhatsApp template {template} is refused ({error}); please check it at Meta.",
        "Le modèle WhatsApp {template} est refusé ({error}) ; merci de vérifier chez Meta.",
        "Il modello WhatsApp {template} viene rifiutato ({error}); lo controlli presso Meta, per "
        "favore.",
    ),
    "alert_customer_unreachable": (
        "Der Friend hat den Kunden {attempts}-mal nicht erreicht; bitte den Kunden kontaktieren.",
        "The Friend could not reach the customer ({attempts} attempts); please contact them.",
        "Le Friend n'a pas joint le client ({attempts} tentatives) ; merci de contacter le client.",
        "Il Friend non ha raggiunto il cliente ({attempts} tentativi); contatti il cliente, per "
        "favore.",
    ),
    "reference": ("Nummer", "Reference", "Numéro", "Numero"),
    "category": ("Bereich", "Category", "Domaine", "Ambito"),
    "place": ("Ort", "Place", "Lieu", "Luogo"),
    "created": ("Erstellt", "Created", "Créé", "Creato"),
    "friend": ("Friend", "Friend", "Friend", "Friend"),
    "event_log": ("Verlauf", "Event log", "Historique", "Cronologia"),
    "redispatch": (
        "Neu ausschreiben",
        "Re-dispatch",
        "Remettre en diffusion",
        "Rimetti in circolo",
    ),
    "redispatched": (
        "Der Auftrag wird neu ausgeschrieben.",
        "The job is being re-dispatched.",
        "La mission est remise en diffusion.",
        "L'incarico viene rimesso in circolo.",
    ),
    "assign": ("Von Hand zuweisen", "Assign by hand", "Attribuer à la main", "Assegna a mano"),
    "assigned": (
        "Zugewiesen; der Friend hat die Kundendaten bekommen.",
        "Assigned; the Friend got the customer's details.",
        "Attribuée ; le Friend a reçu les coordonnées du client.",
        "Assegnato; il Friend ha ricevuto i dati del cliente.",
    ),
    "assigned_call_friend": (
        "Zugewiesen. Der Friend hat 24 Stunden nicht geschrieben und bekommt keine Nachricht: "
        "bitte anrufen.",
        "Assigned. The Friend has not written for 24 hours and gets no message: please call.",
        "Attribuée. Le Friend n'a pas écrit depuis 24 heures et ne reçoit pas de message : merci "
        "de l'appeler.",
        "Assegnato. Il Friend non scrive da 24 ore e non riceve messaggi: lo chiami, per favore.",
    ),
    "cancel_job": ("Stornieren", "Cancel", "Annuler", "Annulla"),
    "reason": ("Grund", "Reason", "Motif", "Motivo"),
    "reason_missing": (
        "Bitte einen Grund angeben.",
        "Please give a reason.",
        "Merci d'indiquer un motif.",
        "Indichi un motivo, per favore.",
    ),
    "cancelled": (
        "Der Auftrag ist storniert.",
        "The job is cancelled.",
        "La mission est annulée.",
        "L'incarico è annullato.",
    ),
    "note_saved": ("Notiz gespeichert.", "Note saved.", "Note enregistrée.", "Nota salvata."),
    "note_empty": (
        "Die Notiz ist leer.",
        "The note is empty.",
        "La note est vide.",
        "La nota è vuota.",
    ),
    "not_possible": (
        "Das geht nicht: {why}",
        "Not possible: {why}",
        "Impossible : {why}",
        "Non è possibile: {why}",
    ),
    "applicants": ("Bewerbungen", "Applicants", "Candidatures", "Candidature"),
    "active_friends": ("Aktive Friends", "Active Friends", "Friends actifs", "Friends attivi"),
    "other_friends": ("Weitere Friends", "Other Friends", "Autres Friends", "Altri Friends"),
    "activate": ("Freischalten", "Activate", "Activer", "Abilita"),
    "reject": ("Ablehnen", "Reject", "Refuser", "Rifiuta"),
    "suspend": ("Sperren", "Suspend", "Bloquer", "Blocca"),
    "claims": ("Übernahmen", "Claims", "Prises en charge", "Accettazioni"),
    "offers": ("Angebote", "Offers", "Offres", "Offerte"),
    "missed": ("Frist verpasst", "No-shows", "Délai manqué", "Scadenze mancate"),
    "hand_backs": ("Zurückgegeben", "Hand-backs", "Rendues", "Restituiti"),
    "rating": ("Bewertung", "Rating", "Évaluation", "Valutazione"),
    "earnings": ("Verdienst", "Earnings", "Gains", "Guadagni"),
    "skills": ("Können", "Skills", "Compétences", "Competenze"),
    "friend_updated": (
        "Friend aktualisiert.",
        "Friend updated.",
        "Friend mis à jour.",
        "Friend aggiornato.",
    ),
    "phone": ("Telefon", "Phone", "Téléphone", "Telefono"),
    "quiz": ("Quiz", "Quiz", "Quiz", "Quiz"),
    "no_quiz": ("noch kein Quiz", "no quiz yet", "pas encore de quiz", "ancora nessun quiz"),
    "attempt": ("Versuch {number}", "Attempt {number}", "Essai {number}", "Tentativo {number}"),
    "quiz_running": ("läuft noch", "in progress", "en cours", "in corso"),
    "quiz_passed": ("bestanden", "passed", "réussi", "superato"),
    "quiz_failed": ("nicht bestanden", "failed", "échoué", "non superato"),
    "online": ("Online", "Online", "En ligne", "Online"),
    "is_online": ("online", "online", "en ligne", "online"),
    "is_offline": ("offline", "offline", "hors ligne", "offline"),
    "export_customer": (
        "Kundendaten exportieren (JSON)",
        "Export customer data (JSON)",
        "Exporter les données du client (JSON)",
        "Esporta i dati del cliente (JSON)",
    ),
    "erase_customer": (
        "Kunden löschen",
        "Erase customer",
        "Effacer le client",
        "Cancella il cliente",
    ),
    "erase_confirm": (
        "Texte und persönliche Daten werden unwiderruflich entfernt. Zur Bestätigung die "
        "Kunden-ID eintippen:",
        "Texts and personal data are removed for good. Type the customer id to confirm:",
        "Les textes et les données personnelles seront supprimés définitivement. Pour confirmer, "
        "saisissez l'identifiant du client :",
        "Testi e dati personali verranno rimossi in modo definitivo. Per confermare, digiti l'ID "
        "del cliente:",
    ),
    "erased": (
        "Kundendaten gelöscht.",
        "Customer data erased.",
        "Données du client effacées.",
        "Dati del cliente cancellati.",
    ),
    "erase_mismatch": (
        "Die ID stimmt nicht überein.",
        "The id does not match.",
        "L'identifiant ne correspond pas.",
        "L'ID non corrisponde.",
    ),
    "customer_id": (
        "Kunden-ID (Gesprächs-ID: Messenger-PSID oder web-…)",
        "Customer id (conversation id: Messenger PSID or web-…)",
        "Identifiant du client (ID de conversation : PSID Messenger ou web-…)",
        "ID del cliente (ID della conversazione: PSID di Messenger o web-…)",
    ),
    "channel": ("Kanal", "Channel", "Canal", "Canale"),
    # The channels by their word in product/channels.py (channel_<word>).
    "channel_messenger": ("Messenger", "Messenger", "Messenger", "Messenger"),
    "channel_webchat": ("Website-Chat", "Website chat", "Chat du site", "Chat del sito"),
    "channel_whatsapp": ("WhatsApp", "WhatsApp", "WhatsApp", "WhatsApp"),
    "channel_by_id": ("aus der ID", "from the id", "d'après l'identifiant", "dall'ID"),
    "retention": (
        "Gesprächsverläufe werden nach {days} Tagen automatisch geschwärzt.",
        "Transcripts are redacted automatically after {days} days.",
        "Les historiques de conversation sont caviardés automatiquement après {days} jours.",
        "Le cronologie delle conversazioni vengono oscurate automaticamente dopo {days} giorni.",
    ),
    "retention_off": (
        "Keine automatische Schwärzung eingestellt (TRANSCRIPT_RETENTION_DAYS).",
        "No automatic redaction configured (TRANSCRIPT_RETENTION_DAYS).",
        "Aucun caviardage automatique configuré (TRANSCRIPT_RETENTION_DAYS).",
        "Nessun oscuramento automatico configurato (TRANSCRIPT_RETENTION_DAYS).",
    ),
    "redacted": ("geschwärzt", "redacted", "caviardé", "oscurato"),
    "none": ("–", "–", "–", "–"),
    "save": ("Speichern", "Save", "Enregistrer", "Salva"),
    # Invoices (issue 18): support completes a job for its Friend.
    "invoice": ("Rechnung", "Invoice", "Facture", "Fattura"),
    "extra_minutes": (
        "Mehraufwand (Minuten)",
        "Extra time (minutes)",
        "Temps supplémentaire (minutes)",
        "Tempo aggiuntivo (minuti)",
    ),
    "payment": ("Bezahlung", "Payment", "Paiement", "Pagamento"),
    "payment_platform": (
        "per Überweisung an uns (Rechnung mit QR-Code)",
        "by transfer to us (invoice with QR code)",
        "par virement chez nous (facture avec code QR)",
        "con bonifico a noi (fattura con codice QR)",
    ),
    "payment_direct": (
        "direkt beim Friend",
        "directly to the Friend",
        "directement au Friend",
        "direttamente al Friend",
    ),
    "complete_job": (
        "Abschließen und Rechnung ausstellen",
        "Complete and issue the invoice",
        "Terminer et émettre la facture",
        "Concludere ed emettere la fattura",
    ),
    "invoice_issued": (
        "Der Auftrag ist abgeschlossen, die Rechnung ausgestellt.",
        "The job is completed and its invoice issued.",
        "La mission est terminée et sa facture émise.",
        "L’incarico è concluso e la fattura emessa.",
    ),
}


def _in(language: str, texts: tuple[str, ...]) -> str:
    return texts[CONSOLE_LANGUAGES.index(console_language(language))]


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
