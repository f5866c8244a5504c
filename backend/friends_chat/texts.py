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
        "de": "Bitte tippen Sie auf Ihre Sprache. / Please tap your language.",
        "en": "Please tap your language. / Bitte tippen Sie auf Ihre Sprache.",
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
    "languages_both": {"de": "Alle", "en": "All"},
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


# French, Italian and Polish, one table per language (a translator reads one language at a
# time); merged into TEXTS below. Polite forms: vous, Lei, Pan/Pani.
_FR: dict[str, str] = {
    "offer": (
        "Nouvelle mission {reference} : {category} à {postal_code} {city}.\n"
        "Quand : {window}\nForfait : {package}\nVotre gain : {payout}\n"
        "« {description} »\n"
        "N'acceptez que si vous pouvez appeler le client tout de suite."
    ),
    "button_claim": "Accepter",
    "button_decline": "Pas pour moi",
    "button_contacted": "Client contacté",
    "won": (
        "La mission {reference} est à vous.\n"
        "Client : {name}\nTéléphone : {phone}\nAdresse : {address}\n"
        "Merci de contacter le client dans les {hours} heures, puis de toucher « Client "
        "contacté ». Une fois le travail fait : « Terminé »."
    ),
    "already_taken": "Dommage, la mission {reference} est déjà prise. La prochaine offre arrive !",
    "not_offered": "La mission {reference} ne vous a pas été proposée.",
    "not_active": "Votre compte n'est pas encore activé pour recevoir des missions.",
    "no_such_job": "La mission {reference} n'existe pas.",
    "declined": "C'est noté, la mission {reference} est retirée de votre liste.",
    "contacted": "Merci ! Mission {reference} : le contact est noté.",
    "contacted_refused": "La mission {reference} n'est pas (ou plus) la vôtre.",
    "job_cancelled": "La mission {reference} a été annulée. Vous n'avez rien d'autre à faire.",
    "asap": "dès que possible",
    "button_done": "Terminé",
    "button_hand_back": "Rendre",
    "images": "Photos du client pour la mission {reference} :\n{urls}",
    "contacted_next": "Merci ! Mission {reference} : le contact est noté. Une fois le travail "
    "fait, touchez « Terminé ».",
    "contact_reminder": "Rappel : merci d'appeler le client de la mission {reference}, puis de "
    "toucher « Client contacté ». Sinon, la mission passera à quelqu'un d'autre dans "
    "{hours} heures.",
    "lost_job": "La mission {reference} vous a été retirée, car aucun contact n'a été noté dans "
    "les {hours} heures. Elle est maintenant proposée à d'autres Friends.",
    "handed_back": "C'est entendu, vous avez rendu la mission {reference}. Nous cherchons "
    "quelqu'un d'autre.",
    "hand_back_refused": "La mission {reference} n'est pas (ou plus) la vôtre : vous ne pouvez "
    "pas la rendre.",
    "done_ask_package": "Mission {reference} : quel forfait avez-vous réalisé ?",
    "done_ask_extra": "Combien de temps vous a-t-il fallu en plus du forfait ? Touchez une "
    "réponse ou écrivez les minutes en chiffres (p. ex. 45). Chaque quart d'heure commencé "
    "coûte {rate}.",
    "done_summary": "Merci, la mission {reference} est terminée.\nPrix : {price}\n"
    "Commission (20 %) : {commission}\nVotre gain : {payout}\n"
    "Merci d'encaisser {price} auprès du client ; nous réglons la commission avec vous.",
    "done_refused": "La mission {reference} n'est pas (ou plus) la vôtre, ou elle est déjà "
    "terminée.",
    "done_package_invalid": "Ce forfait n'existe pas pour la mission {reference}. Merci de "
    "choisir l'un des forfaits proposés.",
    "done_extra_invalid": "Merci d'indiquer le temps supplémentaire en minutes, entre 0 et 480.",
    "minutes_none": "Aucun",
    "minutes": "{minutes} min",
    "signup_welcome": "Bienvenue chez techfriends ! Ravis que vous souhaitiez devenir Friend. "
    "L'inscription se fait en quelques étapes. Dans quelle langue devons-nous vous écrire ? / "
    "In welcher Sprache sollen wir schreiben?",
    "signup_language_again": "Merci de toucher votre langue. / Bitte tippen Sie auf Ihre Sprache.",
    "signup_ask_name": "Comment vous appelez-vous ? Merci d'écrire votre prénom et votre nom.",
    "signup_name_again": "Cela ne ressemble pas à un nom. Merci d'écrire votre prénom et votre "
    "nom, p. ex. « Anne Dubois ».",
    "signup_ask_postal_code": "Merci, {name} ! Quel est le code postal de votre domicile ?",
    "signup_postal_code_again": "Nous ne connaissons pas ce code postal. Merci d'écrire le code "
    "postal d'un pays où nous sommes présents, p. ex. 1201.",
    "signup_ask_country": "Le code postal {postal_code} existe dans plusieurs pays. Où "
    "habitez-vous ?",
    "signup_ask_radius": "{postal_code} {place} – c'est noté. Jusqu'à quelle distance "
    "êtes-vous prêt(e) à vous déplacer pour une mission ?",
    "signup_radius_again": "Merci de toucher une distance ou d'écrire les kilomètres en "
    "chiffres (de 1 à 100).",
    "signup_ask_skills": "Dans quels domaines pouvez-vous aider ? Touchez tout ce qui convient, "
    "puis « Terminé ».",
    "signup_skills_so_far": "Choisi : {skills}. Autre chose ? Sinon, touchez « Terminé ».",
    "signup_skills_again": "Merci de choisir au moins un domaine parmi les boutons.",
    "signup_ask_languages": "Dans quelles langues pouvez-vous aider les clients ?",
    "signup_ask_phone": "À quel numéro de téléphone pouvons-nous vous joindre ?",
    "signup_phone_again": "Nous n'arrivons pas à lire ce numéro. Merci de l'écrire avec "
    "l'indicatif, p. ex. {example}.",
    "signup_ask_consent": "Presque fini ! Merci de lire nos conditions pour les Friends : "
    "https://techfriends.example/friends/terms – vous travaillez en indépendant, vous "
    "traitez les données des clients de façon confidentielle et nous retenons une commission "
    "de 20 % par mission. Êtes-vous d'accord ?",
    "signup_consent_again": "Merci de toucher « J'accepte » ou « Non ».",
    "signup_declined": "Dommage ! Sans votre accord, nous ne pouvons pas vous inscrire. Si vous "
    "changez d'avis, écrivez-nous simplement à nouveau.",
    "button_agree": "J'accepte",
    "button_no": "Non",
    "button_finished": "Terminé",
    "languages_both": "Toutes",
    "quiz_intro": "Merci, vous êtes inscrit(e) ! Voici maintenant un petit quiz : {count} "
    "questions sur vos domaines. Pour le réussir, il faut {mark} bonnes réponses sur "
    "{per_skill} par domaine. Touchez à chaque fois A, B ou C.",
    "quiz_question": "Question {number} sur {count} : {question}\n{options}",
    "quiz_answer_again": "Merci de répondre par A, B ou C.",
    "quiz_passed": "Bravo : {right} sur {total} justes – c'est réussi ! Notre équipe vérifie "
    "encore vos documents, puis active votre compte. Nous vous recontactons.",
    "quiz_failed_retry": "{right} sur {total} justes – malheureusement pas réussi. Vous pourrez "
    "réessayer à partir du {when} ; il suffira alors de nous écrire.",
    "quiz_failed_final": "{right} sur {total} justes – malheureusement pas réussi non plus au "
    "deuxième essai. Merci de votre intérêt pour techfriends !",
    "quiz_wait": "Votre deuxième essai est possible à partir du {when}. À bientôt !",
    "quiz_over": "Le quiz n'a malheureusement pas été réussi. Pour toute question, notre équipe "
    "est là : support@techfriends.example.",
    "awaiting_activation": "Vous avez réussi le quiz. Notre équipe vérifie vos documents et "
    "active votre compte – ensuite, les premières missions arriveront ici.",
    "account_stopped": "Votre compte est actuellement bloqué. Merci de contacter "
    "support@techfriends.example.",
    "check_in": "{greeting}, {name} ! Vous êtes en ligne. Il y a en ce moment {count} missions "
    "ouvertes près de chez vous.",
    "greeting_morning": "Bonjour",
    "greeting_day": "Bonjour",
    "greeting_day_ch": "Bonjour",
    "greeting_day_at": "Bonjour",
    "greeting_evening": "Bonsoir",
    "online": "Vous êtes en ligne – les nouvelles missions arrivent ici par message. Il y a en "
    "ce moment {count} missions ouvertes près de chez vous.",
    "offline": "Vous êtes hors ligne et ne recevez pas de nouvelles offres. Écrivez « en ligne » "
    "quand vous êtes de retour. Vos missions en cours restent les vôtres.",
    "paused": "Votre compte est en pause – pas d'offres jusqu'à ce que vous écriviez « en "
    "ligne ». Vos missions en cours restent les vôtres.",
    "paused_by_support": "Notre équipe a mis votre compte en pause. Merci de contacter "
    "support@techfriends.example.",
    "my_jobs_none": "Vous n'avez aucune mission en ce moment.",
    "my_jobs": "Vos missions :\n{jobs}",
    "my_job_line": "• {reference} ({status}) : {category}, {customer}, tél. {phone}, {address}",
    "status_assigned": "contact avant le {deadline}",
    "status_contacted": "client contacté",
    "which_job": "De quelle mission s'agit-il ?",
    "no_job_for_that": "Vous n'avez pas de mission qui corresponde en ce moment. Écrivez « mes "
    "missions » pour une vue d'ensemble.",
    "no_offer": "Vous n'avez pas d'offre ouverte en ce moment. Les nouvelles missions arrivent "
    "ici par message.",
    "unreachable_noted": "Tentative {count} sur {limit} notée (mission {reference}). Merci de "
    "réessayer plus tard, un SMS marche aussi – beaucoup de gens rappellent ensuite.",
    "unreachable_alerted": "Merci, {count} tentatives sont notées. Notre équipe s'occupe "
    "maintenant du client de la mission {reference} et revient vers vous.",
    "profile": "Votre profil :\nNom : {name}\nCode postal : {postal_code}\nRayon : {radius} km\n"
    "Domaines : {skills}\nLangues : {languages}\nStatut : {status}\nQue souhaitez-vous "
    "modifier ?",
    "button_radius": "Rayon",
    "button_skills": "Domaines",
    "button_languages": "Langues",
    "button_pause": "Pause",
    "button_online": "En ligne",
    "button_offline": "Hors ligne",
    "button_my_jobs": "Mes missions",
    "button_profile": "Profil",
    "profile_ask_radius": "Jusqu'à quelle distance souhaitez-vous vous déplacer désormais ?",
    "profile_ask_skills": "Touchez un domaine pour l'ajouter ou le retirer. Actuellement : "
    "{skills}.",
    "profile_saved": "Enregistré. Rayon {radius} km, domaines : {skills}, langues : {languages}.",
    "profile_radius_again": "Merci d'indiquer le rayon en kilomètres, entre 1 et 100, p. ex. "
    "« rayon 20 ».",
    "profile_last_skill": "Il faut garder au moins un domaine.",
    "menu": "Vous pouvez m'écrire ou toucher :\n• « mes missions »\n• « accepter » ou le numéro "
    "de mission\n• « contacté », « terminé », « rendre »\n• « client injoignable »\n• « en "
    "ligne », « hors ligne », « pause »\n• « profil »",
    "wa_list_button": "Choisir",
    "signup_channel_whatsapp": "Vos offres de mission arriveront ici sur WhatsApp – même si vous "
    "ne nous avez pas écrit depuis des jours.",
    "not_understood": "Désolé, je n'ai pas compris.",
}

_IT: dict[str, str] = {
    "offer": (
        "Nuovo incarico {reference}: {category} a {postal_code} {city}.\n"
        "Quando: {window}\nPacchetto: {package}\nIl Suo compenso: {payout}\n"
        "«{description}»\n"
        "Accetti solo se può chiamare subito il cliente."
    ),
    "button_claim": "Accetto",
    "button_decline": "Non fa per me",
    "button_contacted": "Cliente contattato",
    "won": (
        "L'incarico {reference} è Suo.\n"
        "Cliente: {name}\nTelefono: {phone}\nIndirizzo: {address}\n"
        "La preghiamo di contattare il cliente entro {hours} ore e poi di toccare «Cliente "
        "contattato». A lavoro finito: «Fatto»."
    ),
    "already_taken": "Peccato, l'incarico {reference} è già stato preso. La prossima offerta "
    "arriverà presto!",
    "not_offered": "L'incarico {reference} non Le è stato offerto.",
    "not_active": "Il Suo account non è ancora abilitato a ricevere incarichi.",
    "no_such_job": "L'incarico {reference} non esiste.",
    "declined": "Va bene, l'incarico {reference} è tolto dalla Sua lista.",
    "contacted": "Grazie! Incarico {reference}: contatto registrato.",
    "contacted_refused": "L'incarico {reference} non è (più) Suo.",
    "job_cancelled": "L'incarico {reference} è stato annullato. Non deve fare altro.",
    "asap": "il prima possibile",
    "button_done": "Fatto",
    "button_hand_back": "Restituisci",
    "images": "Foto del cliente per l'incarico {reference}:\n{urls}",
    "contacted_next": "Grazie! Incarico {reference}: contatto registrato. A lavoro finito, "
    "tocchi «Fatto».",
    "contact_reminder": "Promemoria: La preghiamo di chiamare il cliente dell'incarico "
    "{reference} e poi di toccare «Cliente contattato». Altrimenti tra {hours} ore l'incarico "
    "passerà a qualcun altro.",
    "lost_job": "L'incarico {reference} Le è stato tolto perché entro {hours} ore non è stato "
    "registrato alcun contatto. Ora passa ad altri Friends.",
    "handed_back": "D'accordo, ha restituito l'incarico {reference}. Cerchiamo qualcun altro.",
    "hand_back_refused": "L'incarico {reference} non è (più) Suo e non può essere restituito.",
    "done_ask_package": "Incarico {reference}: quale pacchetto ha svolto?",
    "done_ask_extra": "Quanto tempo Le è servito oltre al pacchetto? Tocchi una risposta o "
    "scriva i minuti in cifre (per es. 45). Ogni quarto d'ora iniziato costa {rate}.",
    "done_summary": "Grazie, l'incarico {reference} è concluso.\nPrezzo: {price}\n"
    "Provvigione (20 %): {commission}\nIl Suo compenso: {payout}\n"
    "La preghiamo di incassare {price} dal cliente; la provvigione la conteggiamo con Lei.",
    "done_refused": "L'incarico {reference} non è (più) Suo oppure è già concluso.",
    "done_package_invalid": "Questo pacchetto non esiste per l'incarico {reference}. Scelga uno "
    "dei pacchetti proposti, per favore.",
    "done_extra_invalid": "Indichi il tempo aggiuntivo in minuti, tra 0 e 480, per favore.",
    "minutes_none": "Nessuno",
    "minutes": "{minutes} min",
    "signup_welcome": "Benvenuto/a in techfriends! Che piacere che voglia diventare Friend. "
    "L'iscrizione richiede pochi passi. In quale lingua dobbiamo scriverLe? / In welcher "
    "Sprache sollen wir schreiben?",
    "signup_language_again": "Tocchi la Sua lingua, per favore. / Bitte tippen Sie auf Ihre "
    "Sprache.",
    "signup_ask_name": "Come si chiama? Scriva nome e cognome, per favore.",
    "signup_name_again": "Questo non sembra un nome. Scriva nome e cognome, per favore, per es. "
    "«Anna Rossi».",
    "signup_ask_postal_code": "Grazie, {name}! Qual è il codice postale del Suo domicilio?",
    "signup_postal_code_again": "Non conosciamo questo codice postale. Scriva il codice postale "
    "di un Paese in cui siamo presenti, per es. 6900.",
    "signup_ask_country": "Il codice postale {postal_code} esiste in più Paesi. Dove abita?",
    "signup_ask_radius": "{postal_code} {place} – annotato. Fino a che distanza è disposto/a a "
    "spostarsi per un incarico?",
    "signup_radius_again": "Tocchi una distanza o scriva i chilometri in cifre (da 1 a 100), "
    "per favore.",
    "signup_ask_skills": "In quali ambiti può aiutare? Tocchi tutto ciò che fa al caso Suo, poi "
    "«Fatto».",
    "signup_skills_so_far": "Scelto: {skills}. Altro? Altrimenti tocchi «Fatto».",
    "signup_skills_again": "Scelga almeno un ambito dai pulsanti, per favore.",
    "signup_ask_languages": "In quali lingue può aiutare i clienti?",
    "signup_ask_phone": "A quale numero di telefono possiamo raggiungerLa?",
    "signup_phone_again": "Non riusciamo a leggere questo numero. Lo scriva con il prefisso, "
    "per favore, per es. {example}.",
    "signup_ask_consent": "Quasi fatto! La preghiamo di leggere le nostre condizioni per i "
    "Friends: https://techfriends.example/friends/terms – Lei lavora in modo indipendente, "
    "tratta i dati dei clienti in modo riservato e noi tratteniamo una provvigione del 20 % "
    "per incarico. È d'accordo?",
    "signup_consent_again": "Tocchi «Accetto» o «No», per favore.",
    "signup_declined": "Peccato! Senza il Suo consenso non possiamo iscriverLa. Se cambia idea, "
    "ci scriva semplicemente di nuovo.",
    "button_agree": "Accetto",
    "button_no": "No",
    "button_finished": "Fatto",
    "languages_both": "Tutte",
    "quiz_intro": "Grazie, è iscritto/a! Ora segue un breve quiz: {count} domande sui Suoi "
    "ambiti. Per superarlo servono {mark} risposte giuste su {per_skill} per ambito. Tocchi "
    "ogni volta A, B o C.",
    "quiz_question": "Domanda {number} di {count}: {question}\n{options}",
    "quiz_answer_again": "Risponda con A, B o C, per favore.",
    "quiz_passed": "Ce l'ha fatta: {right} su {total} giuste – superato! Il nostro team "
    "controlla ancora i Suoi documenti e poi La abilita. Avrà nostre notizie.",
    "quiz_failed_retry": "{right} su {total} giuste – purtroppo non superato. Può riprovare dal "
    "{when}; ci scriva semplicemente allora.",
    "quiz_failed_final": "{right} su {total} giuste – purtroppo non superato nemmeno al secondo "
    "tentativo. Grazie per l'interesse per techfriends!",
    "quiz_wait": "Il Suo secondo tentativo è possibile dal {when}. A presto!",
    "quiz_over": "Purtroppo il quiz non è stato superato. Per qualsiasi domanda il nostro team "
    "La aiuta a support@techfriends.example.",
    "awaiting_activation": "Ha superato il quiz. Il nostro team controlla i Suoi documenti e La "
    "abilita – poi i primi incarichi arriveranno qui.",
    "account_stopped": "Il Suo account è al momento bloccato. Si rivolga a "
    "support@techfriends.example, per favore.",
    "check_in": "{greeting}, {name}! È online. Vicino a Lei ci sono al momento {count} "
    "incarichi aperti.",
    "greeting_morning": "Buongiorno",
    "greeting_day": "Buongiorno",
    "greeting_day_ch": "Buongiorno",
    "greeting_day_at": "Buongiorno",
    "greeting_evening": "Buonasera",
    "online": "È online – i nuovi incarichi arrivano qui come messaggio. Vicino a Lei ci sono "
    "al momento {count} incarichi aperti.",
    "offline": "È offline e non riceve nuove offerte. Scriva «online» quando vuole riprendere. "
    "Gli incarichi in corso restano Suoi.",
    "paused": "Il Suo account è in pausa – nessuna offerta finché non scrive «online». Gli "
    "incarichi in corso restano Suoi.",
    "paused_by_support": "Il nostro team ha messo in pausa il Suo account. Si rivolga a "
    "support@techfriends.example, per favore.",
    "my_jobs_none": "Al momento non ha incarichi.",
    "my_jobs": "I Suoi incarichi:\n{jobs}",
    "my_job_line": "• {reference} ({status}): {category}, {customer}, tel. {phone}, {address}",
    "status_assigned": "contatto entro {deadline}",
    "status_contacted": "cliente contattato",
    "which_job": "Di quale incarico si tratta?",
    "no_job_for_that": "Al momento non ha un incarico adatto. Scriva «miei incarichi» per una "
    "panoramica.",
    "no_offer": "Al momento non ha offerte aperte. I nuovi incarichi arrivano qui come messaggio.",
    "unreachable_noted": "Tentativo {count} di {limit} registrato (incarico {reference}). "
    "Riprovi più tardi, per favore, va bene anche un SMS – molti poi richiamano.",
    "unreachable_alerted": "Grazie, {count} tentativi sono registrati. Il nostro team ora si "
    "occupa del cliente dell'incarico {reference} e Le farà sapere.",
    "profile": "Il Suo profilo:\nNome: {name}\nCodice postale: {postal_code}\nRaggio: {radius} "
    "km\nAmbiti: {skills}\nLingue: {languages}\nStato: {status}\nCosa desidera modificare?",
    "button_radius": "Raggio",
    "button_skills": "Ambiti",
    "button_languages": "Lingue",
    "button_pause": "Pausa",
    "button_online": "Online",
    "button_offline": "Offline",
    "button_my_jobs": "Miei incarichi",
    "button_profile": "Profilo",
    "profile_ask_radius": "Fino a che distanza desidera spostarsi d'ora in poi?",
    "profile_ask_skills": "Tocchi un ambito per aggiungerlo o toglierlo. Ora: {skills}.",
    "profile_saved": "Salvato. Raggio {radius} km, ambiti: {skills}, lingue: {languages}.",
    "profile_radius_again": "Indichi il raggio in chilometri tra 1 e 100, per favore, per es. "
    "«raggio 20».",
    "profile_last_skill": "Deve restare almeno un ambito.",
    "menu": "Può scrivermi o toccare:\n• «miei incarichi»\n• «accetto» o il numero "
    "dell'incarico\n• «contattato», «fatto», «restituisci»\n• «cliente non raggiungibile»\n"
    "• «online», «offline», «pausa»\n• «profilo»",
    "wa_list_button": "Scegli",
    "signup_channel_whatsapp": "Le offerte di incarico Le arriveranno qui su WhatsApp – anche se "
    "non ci scrive da giorni.",
    "not_understood": "Mi scusi, non ho capito.",
}

_PL: dict[str, str] = {
    "offer": (
        "Nowe zlecenie {reference}: {category}, {postal_code} {city}.\n"
        "Kiedy: {window}\nPakiet: {package}\nPana/Pani zarobek: {payout}\n"
        "„{description}”\n"
        "Proszę przyjąć tylko wtedy, gdy może Pan/Pani od razu zadzwonić do klienta."
    ),
    "button_claim": "Przyjmuję",
    "button_decline": "Nie dla mnie",
    "button_contacted": "Kontakt nawiązany",
    "won": (
        "Zlecenie {reference} jest Pana/Pani.\n"
        "Klient: {name}\nTelefon: {phone}\nAdres: {address}\n"
        "Proszę skontaktować się z klientem w ciągu {hours} godzin, a potem dotknąć „Kontakt "
        "nawiązany”. Po wykonaniu pracy: „Gotowe”."
    ),
    "already_taken": "Niestety zlecenie {reference} jest już zajęte. Następna oferta wkrótce!",
    "not_offered": "Zlecenie {reference} nie zostało Panu/Pani zaproponowane.",
    "not_active": "Pana/Pani konto nie jest jeszcze aktywne do przyjmowania zleceń.",
    "no_such_job": "Nie ma zlecenia {reference}.",
    "declined": "Dobrze, zlecenie {reference} zostało usunięte z Pana/Pani listy.",
    "contacted": "Dziękujemy! Zlecenie {reference}: kontakt zapisany.",
    "contacted_refused": "Zlecenie {reference} nie jest (już) Pana/Pani.",
    "job_cancelled": "Zlecenie {reference} zostało anulowane. Nie musi Pan/Pani nic więcej robić.",
    "asap": "jak najszybciej",
    "button_done": "Gotowe",
    "button_hand_back": "Oddaj",
    "images": "Zdjęcia od klienta do zlecenia {reference}:\n{urls}",
    "contacted_next": "Dziękujemy! Zlecenie {reference}: kontakt zapisany. Po wykonaniu pracy "
    "proszę dotknąć „Gotowe”.",
    "contact_reminder": "Przypomnienie: proszę zadzwonić do klienta ze zlecenia {reference}, a "
    "potem dotknąć „Kontakt nawiązany”. W przeciwnym razie za {hours} godz. zlecenie "
    "przejdzie do kogoś innego.",
    "lost_job": "Zlecenie {reference} zostało Panu/Pani odebrane, bo w ciągu {hours} godz. nie "
    "zapisano kontaktu. Teraz trafia do innych Friends.",
    "handed_back": "Dobrze, oddał(a) Pan/Pani zlecenie {reference}. Poszukamy kogoś innego.",
    "hand_back_refused": "Zlecenie {reference} nie jest (już) Pana/Pani, więc nie można go oddać.",
    "done_ask_package": "Zlecenie {reference}: jaki pakiet został wykonany?",
    "done_ask_extra": "Ile czasu zajęła praca ponad pakiet? Proszę dotknąć odpowiedzi albo "
    "wpisać minuty cyframi (np. 45). Każdy rozpoczęty kwadrans kosztuje {rate}.",
    "done_summary": "Dziękujemy, zlecenie {reference} jest zakończone.\nCena: {price}\n"
    "Prowizja (20%): {commission}\nPana/Pani zarobek: {payout}\n"
    "Proszę pobrać od klienta {price}; prowizję rozliczymy z Panem/Panią.",
    "done_refused": "Zlecenie {reference} nie jest (już) Pana/Pani albo zostało już zakończone.",
    "done_package_invalid": "Ten pakiet nie istnieje dla zlecenia {reference}. Proszę wybrać "
    "jeden z proponowanych pakietów.",
    "done_extra_invalid": "Proszę podać dodatkowy czas w minutach, od 0 do 480.",
    "minutes_none": "Brak",
    "minutes": "{minutes} min",
    "signup_welcome": "Witamy w techfriends! Cieszymy się, że chce Pan/Pani zostać Friendem. "
    "Rejestracja to tylko kilka kroków. W jakim języku mamy pisać? / In welcher Sprache "
    "sollen wir schreiben?",
    "signup_language_again": "Proszę dotknąć swojego języka. / Bitte tippen Sie auf Ihre Sprache.",
    "signup_ask_name": "Jak się Pan/Pani nazywa? Proszę napisać imię i nazwisko.",
    "signup_name_again": "To nie wygląda na imię i nazwisko. Proszę je napisać, np. „Anna "
    "Kowalska”.",
    "signup_ask_postal_code": "Dziękujemy, {name}! Jaki jest kod pocztowy miejsca zamieszkania?",
    "signup_postal_code_again": "Nie znamy tego kodu pocztowego. Proszę wpisać kod pocztowy z "
    "kraju, w którym działamy, np. 00-950.",
    "signup_ask_country": "Kod pocztowy {postal_code} istnieje w kilku krajach. Gdzie Pan/Pani "
    "mieszka?",
    "signup_ask_radius": "{postal_code} {place} – zapisane. Jak daleko może Pan/Pani dojeżdżać "
    "do zleceń?",
    "signup_radius_again": "Proszę dotknąć odległości albo wpisać kilometry cyframi (od 1 do 100).",
    "signup_ask_skills": "W czym może Pan/Pani pomóc? Proszę dotknąć wszystkiego, co pasuje, a "
    "potem „Gotowe”.",
    "signup_skills_so_far": "Wybrano: {skills}. Coś jeszcze? Jeśli nie, proszę dotknąć „Gotowe”.",
    "signup_skills_again": "Proszę wybrać co najmniej jedną dziedzinę z przycisków.",
    "signup_ask_languages": "W jakich językach może Pan/Pani pomagać klientom?",
    "signup_ask_phone": "Pod jakim numerem telefonu możemy się z Panem/Panią skontaktować?",
    "signup_phone_again": "Nie możemy odczytać tego numeru. Proszę wpisać go z numerem "
    "kierunkowym, np. {example}.",
    "signup_ask_consent": "Prawie gotowe! Prosimy przeczytać nasze warunki dla Friends: "
    "https://techfriends.example/friends/terms – pracuje Pan/Pani na własny rachunek, "
    "zachowuje dane klientów w poufności, a my pobieramy 20% prowizji od zlecenia. Czy "
    "Pan/Pani się zgadza?",
    "signup_consent_again": "Proszę dotknąć „Zgadzam się” albo „Nie”.",
    "signup_declined": "Szkoda! Bez zgody nie możemy Pana/Pani zarejestrować. Jeśli zmieni "
    "Pan/Pani zdanie, wystarczy znowu do nas napisać.",
    "button_agree": "Zgadzam się",
    "button_no": "Nie",
    "button_finished": "Gotowe",
    "languages_both": "Wszystkie",
    "quiz_intro": "Dziękujemy, rejestracja zakończona! Teraz krótki quiz: {count} pytań z "
    "wybranych dziedzin. Aby zdać, potrzeba {mark} z {per_skill} poprawnych odpowiedzi w "
    "każdej dziedzinie. Proszę za każdym razem dotknąć A, B lub C.",
    "quiz_question": "Pytanie {number} z {count}: {question}\n{options}",
    "quiz_answer_again": "Proszę odpowiedzieć A, B lub C.",
    "quiz_passed": "Udało się: {right} z {total} poprawnie – zdane! Nasz zespół sprawdzi "
    "jeszcze dokumenty, a potem aktywuje konto. Odezwiemy się.",
    "quiz_failed_retry": "{right} z {total} poprawnie – niestety nie zdane. Można spróbować "
    "ponownie od {when}; wystarczy wtedy do nas napisać.",
    "quiz_failed_final": "{right} z {total} poprawnie – niestety nie zdane także w drugiej "
    "próbie. Dziękujemy za zainteresowanie techfriends!",
    "quiz_wait": "Druga próba będzie możliwa od {when}. Do zobaczenia!",
    "quiz_over": "Niestety quiz nie został zdany. W razie pytań nasz zespół pomoże pod adresem "
    "support@techfriends.example.",
    "awaiting_activation": "Quiz jest zdany. Nasz zespół sprawdza dokumenty i aktywuje konto – "
    "potem pierwsze zlecenia przyjdą tutaj.",
    "account_stopped": "Pana/Pani konto jest obecnie zablokowane. Prosimy o kontakt: "
    "support@techfriends.example.",
    "check_in": "{greeting}, {name}! Jest Pan/Pani online. Otwarte zlecenia w pobliżu: {count}.",
    "greeting_morning": "Dzień dobry",
    "greeting_day": "Dzień dobry",
    "greeting_day_ch": "Dzień dobry",
    "greeting_day_at": "Dzień dobry",
    "greeting_evening": "Dobry wieczór",
    "online": "Jest Pan/Pani online – nowe zlecenia przychodzą tutaj jako wiadomości. Otwarte "
    "zlecenia w pobliżu: {count}.",
    "offline": "Jest Pan/Pani offline i nie dostaje nowych ofert. Proszę napisać „online”, gdy "
    "zechce Pan/Pani wrócić. Bieżące zlecenia pozostają u Pana/Pani.",
    "paused": "Konto jest wstrzymane – brak ofert, dopóki nie napisze Pan/Pani „online”. "
    "Bieżące zlecenia pozostają u Pana/Pani.",
    "paused_by_support": "Nasz zespół wstrzymał Pana/Pani konto. Prosimy o kontakt: "
    "support@techfriends.example.",
    "my_jobs_none": "Nie ma Pan/Pani teraz żadnych zleceń.",
    "my_jobs": "Pana/Pani zlecenia:\n{jobs}",
    "my_job_line": "• {reference} ({status}): {category}, {customer}, tel. {phone}, {address}",
    "status_assigned": "kontakt do {deadline}",
    "status_contacted": "kontakt nawiązany",
    "which_job": "O które zlecenie chodzi?",
    "no_job_for_that": "Nie ma Pan/Pani teraz pasującego zlecenia. Proszę napisać „moje "
    "zlecenia”, aby zobaczyć przegląd.",
    "no_offer": "Nie ma Pan/Pani teraz otwartej oferty. Nowe zlecenia przychodzą tutaj jako "
    "wiadomości.",
    "unreachable_noted": "Próba {count} z {limit} zapisana (zlecenie {reference}). Proszę "
    "spróbować później, można też wysłać SMS – wiele osób wtedy oddzwania.",
    "unreachable_alerted": "Dziękujemy, zapisane próby: {count}. Nasz zespół zajmie się teraz "
    "klientem ze zlecenia {reference} i odezwie się do Pana/Pani.",
    "profile": "Pana/Pani profil:\nImię i nazwisko: {name}\nKod pocztowy: {postal_code}\n"
    "Promień: {radius} km\nDziedziny: {skills}\nJęzyki: {languages}\nStatus: {status}\nCo "
    "chce Pan/Pani zmienić?",
    "button_radius": "Promień",
    "button_skills": "Dziedziny",
    "button_languages": "Języki",
    "button_pause": "Przerwa",
    "button_online": "Online",
    "button_offline": "Offline",
    "button_my_jobs": "Moje zlecenia",
    "button_profile": "Profil",
    "profile_ask_radius": "Jak daleko chce Pan/Pani teraz dojeżdżać?",
    "profile_ask_skills": "Proszę dotknąć dziedziny, aby ją dodać lub usunąć. Teraz: {skills}.",
    "profile_saved": "Zapisano. Promień {radius} km, dziedziny: {skills}, języki: {languages}.",
    "profile_radius_again": "Proszę podać promień w kilometrach od 1 do 100, np. „promień 20”.",
    "profile_last_skill": "Musi zostać co najmniej jedna dziedzina.",
    "menu": "Może Pan/Pani napisać albo dotknąć:\n• „moje zlecenia”\n• „przyjmuję” lub numer "
    "zlecenia\n• „kontakt”, „gotowe”, „oddaj”\n• „klient nieosiągalny”\n• „online”, "
    "„offline”, „przerwa”\n• „profil”",
    "wa_list_button": "Wybierz",
    "signup_channel_whatsapp": "Oferty zleceń będą przychodzić tutaj na WhatsApp – nawet jeśli "
    "nie pisał(a) Pan/Pani do nas od kilku dni.",
    "not_understood": "Przepraszam, nie rozumiem.",
}

for _language, _table in (("fr", _FR), ("it", _IT), ("pl", _PL)):
    for _key, _text in _table.items():
        TEXTS[_key][_language] = _text


def text(key: str, language: str, **values: Any) -> str:
    variants = TEXTS[key]
    return variants.get(language, variants[DEFAULT_LANGUAGE]).format(**values)
