"""What the backend says to Friends on Messenger and WhatsApp, in every language of
product/languages.py."""

from __future__ import annotations

from typing import Any

from product.languages import DEFAULT_LANGUAGE

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
    # Sign-up by chat (backend/friends_chat/signup.py)
    "signup_welcome": {
        "de": "Willkommen bei techfriends! Schön, dass Sie Friend werden möchten. In ein paar "
        "Schritten sind Sie angemeldet. In welcher Sprache sollen wir schreiben? / Welcome to "
        "techfriends! Which language shall we write in?",
        "en": "Welcome to techfriends! Great that you want to become a Friend. Signing up takes "
        "a few steps. Which language shall we write in? / In welcher Sprache sollen wir "
        "schreiben?",
    },
    "signup_language_again": {
        "de": "Bitte tippen Sie auf „Deutsch“ oder „English“. / Please tap “Deutsch” or “English”.",
        "en": "Please tap “Deutsch” or “English”. / Bitte tippen Sie auf „Deutsch“ oder „English“.",
    },
    "signup_ask_name": {
        "de": "Wie heißen Sie? Bitte schreiben Sie Vor- und Nachnamen.",
        "en": "What is your name? Please write your first and last name.",
    },
    "signup_name_again": {
        "de": "Das sieht nicht nach einem Namen aus. Bitte schreiben Sie Vor- und Nachnamen, "
        "z. B. „Anna Schmidt“.",
        "en": "That does not look like a name. Please write your first and last name, e.g. "
        "“Anna Smith”.",
    },
    "signup_ask_postal_code": {
        "de": "Danke, {name}! Wie lautet die Postleitzahl Ihres Wohnorts?",
        "en": "Thanks, {name}! What is the postal code where you live?",
    },
    "signup_postal_code_again": {
        "de": "Diese Postleitzahl kennen wir nicht. Bitte schreiben Sie eine Postleitzahl aus "
        "Deutschland, Österreich oder der Schweiz, z. B. 10115.",
        "en": "We do not know that postal code. Please write a postal code in Germany, Austria "
        "or Switzerland, e.g. 10115.",
    },
    "signup_ask_country": {
        "de": "Die Postleitzahl {postal_code} gibt es in mehreren Ländern. Wo wohnen Sie?",
        "en": "Postal code {postal_code} exists in more than one country. Where do you live?",
    },
    "signup_ask_radius": {
        "de": "{postal_code} {place} – notiert. Wie weit möchten Sie für Aufträge fahren?",
        "en": "{postal_code} {place} – noted. How far would you travel for a job?",
    },
    "signup_radius_again": {
        "de": "Bitte tippen Sie eine Entfernung an oder schreiben Sie die Kilometer als Zahl "
        "(1 bis 100).",
        "en": "Please tap a distance or write the kilometres as a number (1 to 100).",
    },
    "signup_ask_skills": {
        "de": "Wobei können Sie helfen? Tippen Sie alles an, was passt, und dann auf „Fertig“.",
        "en": "What can you help with? Tap everything that fits, then “Done”.",
    },
    "signup_skills_so_far": {
        "de": "Gewählt: {skills}. Noch etwas? Sonst tippen Sie auf „Fertig“.",
        "en": "Chosen: {skills}. Anything else? Otherwise tap “Done”.",
    },
    "signup_skills_again": {
        "de": "Bitte wählen Sie mindestens ein Gebiet aus den Knöpfen.",
        "en": "Please choose at least one area from the buttons.",
    },
    "signup_ask_languages": {
        "de": "In welchen Sprachen können Sie Kunden helfen?",
        "en": "Which languages can you help customers in?",
    },
    "signup_ask_phone": {
        "de": "Unter welcher Telefonnummer erreichen wir Sie?",
        "en": "Which phone number can we reach you on?",
    },
    "signup_phone_again": {
        "de": "Diese Nummer können wir nicht lesen. Bitte schreiben Sie sie mit Vorwahl, "
        "z. B. {example}.",
        "en": "We cannot read that number. Please write it with the area code, e.g. {example}.",
    },
    "signup_ask_consent": {
        "de": "Fast geschafft! Bitte lesen Sie unsere Bedingungen für Friends: "
        "https://techfriends.example/friends/bedingungen – Sie arbeiten selbstständig, "
        "behandeln Kundendaten vertraulich und wir behalten 20 % Provision je Auftrag. "
        "Stimmen Sie zu?",
        "en": "Almost done! Please read our terms for Friends: "
        "https://techfriends.example/friends/terms – you work self-employed, keep customers' "
        "data confidential, and we keep a 20% commission per job. Do you agree?",
    },
    "signup_consent_again": {
        "de": "Bitte tippen Sie auf „Ich stimme zu“ oder „Nein“.",
        "en": "Please tap “I agree” or “No”.",
    },
    "signup_declined": {
        "de": "Schade! Ohne Zustimmung können wir Sie nicht anmelden. Wenn Sie es sich anders "
        "überlegen, schreiben Sie einfach wieder.",
        "en": "What a pity! We cannot sign you up without your agreement. If you change your "
        "mind, just write again.",
    },
    "button_agree": {"de": "Ich stimme zu", "en": "I agree"},
    "button_no": {"de": "Nein", "en": "No"},
    "button_finished": {"de": "Fertig", "en": "Done"},
    "languages_both": {"de": "Beides", "en": "Both"},
    # The vetting quiz (backend/friends_chat/quiz.py)
    "quiz_intro": {
        "de": "Danke, Sie sind angemeldet! Jetzt folgt ein kurzes Quiz: {count} Fragen zu Ihren "
        "Gebieten. Zum Bestehen brauchen Sie {mark} von {per_skill} richtigen Antworten je "
        "Gebiet. Tippen Sie jeweils A, B oder C.",
        "en": "Thanks, you are signed up! Now a short quiz follows: {count} questions about "
        "your areas. To pass you need {mark} of {per_skill} right answers per area. Tap A, B "
        "or C each time.",
    },
    "quiz_question": {
        "de": "Frage {number} von {count}: {question}\n{options}",
        "en": "Question {number} of {count}: {question}\n{options}",
    },
    "quiz_answer_again": {
        "de": "Bitte antworten Sie mit A, B oder C.",
        "en": "Please answer with A, B or C.",
    },
    "quiz_passed": {
        "de": "Geschafft: {right} von {total} richtig – bestanden! Unser Team prüft jetzt noch "
        "Ihre Unterlagen und schaltet Sie dann frei. Sie hören von uns.",
        "en": "Well done: {right} of {total} right – you passed! Our team will now check your "
        "documents and then activate you. You will hear from us.",
    },
    "quiz_failed_retry": {
        "de": "{right} von {total} richtig – leider nicht bestanden. Sie können es ab {when} "
        "noch einmal versuchen; schreiben Sie uns dann einfach.",
        "en": "{right} of {total} right – not passed, sorry. You can try once more from {when}; "
        "just write to us then.",
    },
    "quiz_failed_final": {
        "de": "{right} von {total} richtig – leider auch im zweiten Versuch nicht bestanden. "
        "Danke für Ihr Interesse an techfriends!",
        "en": "{right} of {total} right – not passed in the second try either, sorry. Thank you "
        "for your interest in techfriends!",
    },
    "quiz_wait": {
        "de": "Ihr zweiter Versuch ist ab {when} möglich. Bis dann!",
        "en": "Your second try is possible from {when}. See you then!",
    },
    "quiz_over": {
        "de": "Das Quiz ist leider nicht bestanden. Bei Fragen hilft Ihnen unser Team unter "
        "support@techfriends.example.",
        "en": "The quiz was not passed, sorry. Our team helps with any questions at "
        "support@techfriends.example.",
    },
    "awaiting_activation": {
        "de": "Sie haben das Quiz bestanden. Unser Team prüft Ihre Unterlagen und schaltet Sie "
        "frei – danach kommen hier die ersten Aufträge.",
        "en": "You passed the quiz. Our team is checking your documents and will activate you "
        "– then the first jobs arrive here.",
    },
    "account_stopped": {
        "de": "Ihr Konto ist derzeit gesperrt. Bitte wenden Sie sich an "
        "support@techfriends.example.",
        "en": "Your account is currently blocked. Please contact support@techfriends.example.",
    },
    # Working by chat (backend/friends_chat/router.py and the handlers it names)
    "check_in": {
        "de": "{greeting}, {name}! Sie sind online. In Ihrer Nähe gibt es gerade {count} "
        "offene Aufträge.",
        "en": "{greeting}, {name}! You are online. There are {count} open jobs near you right now.",
    },
    "greeting_morning": {"de": "Guten Morgen", "en": "Good morning"},
    "greeting_day": {"de": "Guten Tag", "en": "Hello"},
    "greeting_day_ch": {"de": "Grüezi", "en": "Hello"},
    "greeting_day_at": {"de": "Grüß Gott", "en": "Hello"},
    "greeting_evening": {"de": "Guten Abend", "en": "Good evening"},
    "online": {
        "de": "Sie sind online – neue Aufträge kommen hier als Nachricht. In Ihrer Nähe gibt es "
        "gerade {count} offene Aufträge.",
        "en": "You are online – new jobs arrive here as messages. There are {count} open jobs "
        "near you right now.",
    },
    "offline": {
        "de": "Sie sind offline und bekommen keine neuen Angebote. Schreiben Sie „online“, "
        "wenn es weitergeht. Ihre laufenden Aufträge bleiben bei Ihnen.",
        "en": "You are offline and get no new offers. Write “online” when you are back. Your "
        "current jobs stay with you.",
    },
    "paused": {
        "de": "Ihr Konto ist pausiert – keine Angebote, bis Sie „online“ schreiben. Laufende "
        "Aufträge bleiben bei Ihnen.",
        "en": "Your account is paused – no offers until you write “online”. Current jobs stay "
        "with you.",
    },
    "paused_by_support": {
        "de": "Ihr Konto wurde von unserem Team pausiert. Bitte wenden Sie sich an "
        "support@techfriends.example.",
        "en": "Our team has paused your account. Please contact support@techfriends.example.",
    },
    "my_jobs_none": {
        "de": "Sie haben gerade keine Aufträge.",
        "en": "You have no jobs at the moment.",
    },
    "my_jobs": {
        "de": "Ihre Aufträge:\n{jobs}",
        "en": "Your jobs:\n{jobs}",
    },
    "my_job_line": {
        "de": "• {reference} ({status}): {category}, {customer}, Tel. {phone}, {address}",
        "en": "• {reference} ({status}): {category}, {customer}, phone {phone}, {address}",
    },
    "status_assigned": {
        "de": "Kontakt bis {deadline}",
        "en": "contact by {deadline}",
    },
    "status_contacted": {"de": "Kunde kontaktiert", "en": "customer contacted"},
    "which_job": {
        "de": "Welcher Auftrag ist gemeint?",
        "en": "Which job do you mean?",
    },
    "no_job_for_that": {
        "de": "Dafür haben Sie gerade keinen passenden Auftrag. Schreiben Sie „meine Aufträge“ "
        "für eine Übersicht.",
        "en": "You have no job that fits right now. Write “my jobs” for an overview.",
    },
    "no_offer": {
        "de": "Sie haben gerade kein offenes Angebot. Neue Aufträge kommen hier als Nachricht.",
        "en": "You have no open offer right now. New jobs arrive here as messages.",
    },
    "unreachable_noted": {
        "de": "Versuch {count} von {limit} ist vermerkt (Auftrag {reference}). Versuchen Sie es "
        "bitte später noch einmal, gern auch per SMS – viele melden sich dann zurück.",
        "en": "Attempt {count} of {limit} is recorded (job {reference}). Please try again later, "
        "a text message works too – many people call back.",
    },
    "unreachable_alerted": {
        "de": "Danke, {count} Versuche sind vermerkt. Unser Team kümmert sich jetzt um den "
        "Kunden von Auftrag {reference} und meldet sich bei Ihnen.",
        "en": "Thanks, {count} attempts are recorded. Our team now takes care of the customer of "
        "job {reference} and will get back to you.",
    },
    "profile": {
        "de": "Ihr Profil:\nName: {name}\nPostleitzahl: {postal_code}\nUmkreis: {radius} km\n"
        "Gebiete: {skills}\nSprachen: {languages}\nStatus: {status}\nWas möchten Sie ändern?",
        "en": "Your profile:\nName: {name}\nPostal code: {postal_code}\nRadius: {radius} km\n"
        "Areas: {skills}\nLanguages: {languages}\nStatus: {status}\nWhat would you like to "
        "change?",
    },
    "button_radius": {"de": "Umkreis", "en": "Radius"},
    "button_skills": {"de": "Gebiete", "en": "Areas"},
    "button_languages": {"de": "Sprachen", "en": "Languages"},
    "button_pause": {"de": "Pause", "en": "Pause"},
    "button_online": {"de": "Online", "en": "Online"},
    "button_offline": {"de": "Offline", "en": "Offline"},
    "button_my_jobs": {"de": "Meine Aufträge", "en": "My jobs"},
    "button_profile": {"de": "Profil", "en": "Profile"},
    "profile_ask_radius": {
        "de": "Wie weit möchten Sie künftig fahren?",
        "en": "How far would you like to travel from now on?",
    },
    "profile_ask_skills": {
        "de": "Tippen Sie ein Gebiet an, um es hinzuzufügen oder zu entfernen. Jetzt: {skills}.",
        "en": "Tap an area to add or remove it. Now: {skills}.",
    },
    "profile_saved": {
        "de": "Gespeichert. Umkreis {radius} km, Gebiete: {skills}, Sprachen: {languages}.",
        "en": "Saved. Radius {radius} km, areas: {skills}, languages: {languages}.",
    },
    "profile_radius_again": {
        "de": "Bitte nennen Sie den Umkreis in Kilometern zwischen 1 und 100, z. B. „Umkreis 20“.",
        "en": "Please give the radius in kilometres between 1 and 100, e.g. “radius 20”.",
    },
    "profile_last_skill": {
        "de": "Mindestens ein Gebiet muss bleiben.",
        "en": "At least one area has to stay.",
    },
    "menu": {
        "de": "Das können Sie mir schreiben oder antippen:\n• „meine Aufträge“\n• „annehmen“ "
        "oder die Auftragsnummer\n• „kontaktiert“, „erledigt“, „zurückgeben“\n• „Kunde nicht "
        "erreichbar“\n• „online“, „offline“, „Pause“\n• „Profil“",
        "en": "You can write or tap:\n• “my jobs”\n• “accept” or the job reference\n• "
        "“contacted”, “done”, “hand back”\n• “customer unreachable”\n• “online”, “offline”, "
        "“pause”\n• “profile”",
    },
    # WhatsApp (issue 16): a list's button, and where offers come after the sign-up
    "wa_list_button": {"de": "Auswählen", "en": "Choose"},
    "signup_channel_whatsapp": {
        "de": "Ihre Auftragsangebote kommen hier auf WhatsApp an – auch wenn Sie uns tagelang "
        "nicht geschrieben haben.",
        "en": "Offers will reach you here on WhatsApp – even when you have not written for days.",
    },
    "not_understood": {
        "de": "Das habe ich leider nicht verstanden.",
        "en": "Sorry, I did not understand that.",
    },
}


def text(key: str, language: str, **values: Any) -> str:
    variants = TEXTS[key]
    return variants.get(language, variants[DEFAULT_LANGUAGE]).format(**values)
