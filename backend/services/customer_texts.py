"""What a customer reads outside the chat: the status page (/b/<token>) and the e-mails.

Pure: no I/O. Written for older readers: short sentences, no jargon, the words the bot uses
("Auftrag", "Techniker"; "request", "technician"; "demande", "richiesta", "zlecenie"; polite
forms: vous, Lei, Pan/Pani). German has the country's forms: Swiss German
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
    "fr": (
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
    ),
    "it": (
        "lunedì",
        "martedì",
        "mercoledì",
        "giovedì",
        "venerdì",
        "sabato",
        "domenica",
    ),
    "pl": (
        "poniedziałek",
        "wtorek",
        "środa",
        "czwartek",
        "piątek",
        "sobota",
        "niedziela",
    ),
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
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "it": (
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ),
    # Polish dates name the month in the genitive ("8 grudnia").
    "pl": (
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
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
    "fr": {
        JobStatus.OPEN: "Nous cherchons un technicien près de chez vous. Dès que quelqu'un "
        "accepte, nous vous prévenons.",
        JobStatus.ASSIGNED: "{friend} s'occupe de votre demande et va bientôt vous appeler pour "
        "convenir de la visite.",
        JobStatus.CONTACTED: "{friend} vous a parlé et viendra à l'heure convenue.",
        JobStatus.COMPLETED: "Terminé : {friend} a signalé que votre demande est réglée.",
        JobStatus.CANCELLED: "Cette demande est annulée.",
        JobStatus.UNASSIGNED: "Malheureusement, aucun technicien n'a encore été trouvé. Notre "
        "équipe s'en occupe maintenant personnellement et vous contactera.",
    },
    "it": {
        JobStatus.OPEN: "Stiamo cercando un tecnico vicino a Lei. Appena qualcuno accetta, La "
        "avvisiamo.",
        JobStatus.ASSIGNED: "{friend} ha preso in carico la Sua richiesta e La chiamerà presto "
        "per concordare la visita.",
        JobStatus.CONTACTED: "{friend} ha parlato con Lei e verrà all'ora concordata.",
        JobStatus.COMPLETED: "Fatto: {friend} ha segnalato la Sua richiesta come conclusa.",
        JobStatus.CANCELLED: "Questa richiesta è annullata.",
        JobStatus.UNASSIGNED: "Purtroppo non abbiamo ancora trovato un tecnico. Il nostro team se "
        "ne occupa ora personalmente e La contatterà.",
    },
    "pl": {
        JobStatus.OPEN: "Szukamy technika w Pana/Pani okolicy. Gdy tylko ktoś przyjmie zlecenie, "
        "damy znać.",
        JobStatus.ASSIGNED: "{friend} przyjął/przyjęła Pana/Pani zlecenie i wkrótce zadzwoni, aby "
        "umówić wizytę.",
        JobStatus.CONTACTED: "{friend} rozmawiał(a) już z Panem/Panią i przyjdzie w umówionym "
        "terminie.",
        JobStatus.COMPLETED: "Gotowe: {friend} zgłosił(a), że zlecenie zostało wykonane.",
        JobStatus.CANCELLED: "To zlecenie zostało odwołane.",
        JobStatus.UNASSIGNED: "Niestety nie znaleźliśmy jeszcze technika. Nasz zespół zajmie się "
        "tym osobiście i skontaktuje się z Panem/Panią.",
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
    "fr": {
        "title": "Votre demande {reference}",
        "status_heading": "Où en est-on",
        "window": "Le moment souhaité",
        "friend": "Votre technicien",
        "reference": "Numéro de demande",
        "cancel_heading": "Annuler la demande",
        "cancel_hint": "Vous n'avez plus besoin d'aide ? Vous pouvez alors annuler la demande ici.",
        "cancel_button": "Annuler la demande",
        "confirm_question": "Voulez-vous vraiment annuler votre demande {reference} ?",
        "confirm_hint": "Si un technicien l'a déjà acceptée, nous le prévenons. Cela ne peut pas "
        "être annulé.",
        "confirm_yes": "Oui, annuler la demande",
        "confirm_no": "Non, retour",
        "cancelled_now": "Votre demande est annulée. Merci de nous avoir prévenus.",
        "not_cancellable": "Cette demande ne peut plus être annulée.",
        "rating_heading": "Êtes-vous satisfait(e) ?",
        "rating_legend": "Merci de choisir de 1 à 5 étoiles (5, c'est très bien).",
        "star_1": "1 étoile – pas du tout satisfait(e)",
        "star_2": "2 étoiles – peu satisfait(e)",
        "star_3": "3 étoiles – satisfait(e)",
        "star_4": "4 étoiles – très satisfait(e)",
        "star_5": "5 étoiles – excellent",
        "comment": "Souhaitez-vous nous dire autre chose ? (facultatif)",
        "rating_button": "Envoyer l'évaluation",
        "rating_missing": "Merci de choisir de 1 à 5 étoiles.",
        "rated_now": "Merci beaucoup pour votre évaluation !",
        "rated": "Vous avez donné {stars} étoiles sur 5. Merci beaucoup !",
        "rated_already": "Vous avez déjà évalué cette demande.",
        "help": "Des questions ? Écrivez-nous simplement dans le chat. Cette page reste "
        "disponible jusqu'à {days} jours après la fin de la demande.",
        "not_found_title": "Cette page n'existe pas (ou plus)",
        "not_found": "Le lien est peut-être incomplet, ou la demande est terminée depuis plus de "
        "{days} jours. Écrivez-nous dans le chat, nous vous aiderons volontiers.",
        "form_unreadable": "Le formulaire n'a pas pu être lu. Merci de réessayer.",
    },
    "it": {
        "title": "La Sua richiesta {reference}",
        "status_heading": "A che punto siamo",
        "window": "L'orario desiderato",
        "friend": "Il Suo tecnico",
        "reference": "Numero della richiesta",
        "cancel_heading": "Annullare la richiesta",
        "cancel_hint": "Non ha più bisogno di aiuto? Allora può annullare la richiesta qui.",
        "cancel_button": "Annulla la richiesta",
        "confirm_question": "Vuole davvero annullare la richiesta {reference}?",
        "confirm_hint": "Se un tecnico l'ha già accettata, lo avvisiamo noi. L'annullamento non "
        "si può revocare.",
        "confirm_yes": "Sì, annulla la richiesta",
        "confirm_no": "No, torna indietro",
        "cancelled_now": "La Sua richiesta è annullata. Grazie di averci avvisato.",
        "not_cancellable": "Questa richiesta non si può più annullare.",
        "rating_heading": "Quanto è soddisfatto/a?",
        "rating_legend": "Scelga da 1 a 5 stelle, per favore (5 è ottimo).",
        "star_1": "1 stella – per niente soddisfatto/a",
        "star_2": "2 stelle – poco soddisfatto/a",
        "star_3": "3 stelle – soddisfatto/a",
        "star_4": "4 stelle – molto soddisfatto/a",
        "star_5": "5 stelle – eccellente",
        "comment": "Vuole dirci ancora qualcosa? (facoltativo)",
        "rating_button": "Invia la valutazione",
        "rating_missing": "Scelga da 1 a 5 stelle, per favore.",
        "rated_now": "Grazie mille per la Sua valutazione!",
        "rated": "Ha dato {stars} stelle su 5. Grazie mille!",
        "rated_already": "Ha già valutato questa richiesta.",
        "help": "Domande? Ci scriva semplicemente nella chat. Questa pagina resta disponibile "
        "fino a {days} giorni dopo la fine della richiesta.",
        "not_found_title": "Questa pagina non esiste (più)",
        "not_found": "Forse il link è incompleto, oppure la richiesta è finita da più di {days} "
        "giorni. Ci scriva pure nella chat, La aiutiamo volentieri.",
        "form_unreadable": "Non è stato possibile leggere il modulo. Riprovi, per favore.",
    },
    "pl": {
        "title": "Pana/Pani zlecenie {reference}",
        "status_heading": "Stan zlecenia",
        "window": "Wybrany termin",
        "friend": "Technik",
        "reference": "Numer zlecenia",
        "cancel_heading": "Odwołanie zlecenia",
        "cancel_hint": "Pomoc nie jest już potrzebna? Tutaj można odwołać zlecenie.",
        "cancel_button": "Odwołaj zlecenie",
        "confirm_question": "Czy na pewno odwołać zlecenie {reference}?",
        "confirm_hint": "Jeśli technik już je przyjął, powiadomimy go. Tego nie da się cofnąć.",
        "confirm_yes": "Tak, odwołaj zlecenie",
        "confirm_no": "Nie, wróć",
        "cancelled_now": "Zlecenie zostało odwołane. Dziękujemy za informację.",
        "not_cancellable": "Tego zlecenia nie można już odwołać.",
        "rating_heading": "Jak ocenia Pan/Pani wizytę?",
        "rating_legend": "Proszę wybrać od 1 do 5 gwiazdek (5 to bardzo dobrze).",
        "star_1": "1 gwiazdka – zupełnie niezadowolony/a",
        "star_2": "2 gwiazdki – mało zadowolony/a",
        "star_3": "3 gwiazdki – zadowolony/a",
        "star_4": "4 gwiazdki – bardzo zadowolony/a",
        "star_5": "5 gwiazdek – znakomicie",
        "comment": "Czy chce nam Pan/Pani coś jeszcze przekazać? (opcjonalnie)",
        "rating_button": "Wyślij ocenę",
        "rating_missing": "Proszę wybrać od 1 do 5 gwiazdek.",
        "rated_now": "Serdecznie dziękujemy za ocenę!",
        "rated": "Ocena: {stars} na 5 gwiazdek. Serdecznie dziękujemy!",
        "rated_already": "To zlecenie zostało już ocenione.",
        "help": "Pytania? Wystarczy napisać do nas na czacie. Ta strona jest dostępna do {days} "
        "dni po zakończeniu zlecenia.",
        "not_found_title": "Ta strona nie istnieje (już)",
        "not_found": "Być może link jest niepełny albo zlecenie zakończyło się ponad {days} dni "
        "temu. Prosimy napisać do nas na czacie – chętnie pomożemy.",
        "form_unreadable": "Nie udało się odczytać formularza. Proszę spróbować ponownie.",
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
    "fr": {
        BOOKING_RECEIVED: (
            "Nous avons bien reçu votre demande {reference}",
            "merci pour votre demande {reference}. Nous cherchons maintenant un technicien près "
            "de chez vous et vous prévenons dès que quelqu'un accepte.",
        ),
        "EXTERNAL_friend_assigned": (
            "{friend} va vous aider (demande {reference})",
            "bonne nouvelle : {friend} s'occupe de votre demande {reference} et va bientôt vous "
            "appeler pour convenir de la visite.",
        ),
        "EXTERNAL_friend_handed_back": (
            "Du nouveau pour votre demande {reference}",
            "malheureusement, {friend} ne peut finalement pas venir chez vous. Nous en sommes "
            "désolés ! Nous cherchons déjà un autre technicien pour vous. Vous n'avez rien à "
            "faire.",
        ),
        "EXTERNAL_friend_missed_deadline": (
            "Du nouveau pour votre demande {reference}",
            "malheureusement, le technicien ne vous a pas contacté(e) à temps. Nous en sommes "
            "désolés ! Nous cherchons maintenant un autre technicien pour vous.",
        ),
        "EXTERNAL_nobody_found": (
            "Du nouveau pour votre demande {reference}",
            "malheureusement, aucun technicien près de chez vous n'a été trouvé pour votre "
            "demande {reference}. Notre équipe s'en occupe maintenant personnellement et vous "
            "contactera.",
        ),
        "EXTERNAL_job_completed": (
            "Votre demande {reference} est réglée",
            "{friend} a signalé que votre demande {reference} est réglée. Êtes-vous satisfait(e) "
            "? Sur la page de votre demande, vous pouvez donner de 1 à 5 étoiles.",
        ),
        "EXTERNAL_rating_reminder": (
            "Êtes-vous satisfait(e) ? (demande {reference})",
            "pouvons-nous vous demander votre avis ? Sur la page de votre demande, il suffit de 1 "
            "à 5 étoiles (5, c'est très bien).",
        ),
        FRIEND_CONTACTED: (
            "{friend} vous a contacté(e) (demande {reference})",
            "{friend} nous a indiqué que vous avez été en contact pour convenir de la visite pour "
            "votre demande {reference}. Si personne ne vous a encore contacté(e), merci de "
            "nous écrire dans le chat : nous nous en occupons.",
        ),
        JOB_CANCELLED: (
            "Votre demande {reference} est annulée",
            "votre demande {reference} est annulée. Si vous avez finalement besoin d'aide, "
            "écrivez-nous simplement à nouveau.",
        ),
    },
    "it": {
        BOOKING_RECEIVED: (
            "Abbiamo ricevuto la Sua richiesta {reference}",
            "grazie per la Sua richiesta {reference}. Ora cerchiamo un tecnico vicino a Lei e La "
            "avvisiamo appena qualcuno accetta.",
        ),
        "EXTERNAL_friend_assigned": (
            "{friend} La aiuterà (richiesta {reference})",
            "buone notizie: {friend} ha preso in carico la Sua richiesta {reference} e La "
            "chiamerà presto per concordare la visita.",
        ),
        "EXTERNAL_friend_handed_back": (
            "Novità sulla Sua richiesta {reference}",
            "purtroppo {friend} non può più venire da Lei. Ci dispiace! Stiamo già cercando un "
            "altro tecnico per Lei. Non deve fare nulla.",
        ),
        "EXTERNAL_friend_missed_deadline": (
            "Novità sulla Sua richiesta {reference}",
            "purtroppo il tecnico non L'ha contattata in tempo. Ci dispiace! Stiamo cercando un "
            "altro tecnico per Lei.",
        ),
        "EXTERNAL_nobody_found": (
            "Novità sulla Sua richiesta {reference}",
            "purtroppo per la Sua richiesta {reference} non abbiamo trovato un tecnico vicino a "
            "Lei. Il nostro team se ne occupa ora personalmente e La contatterà.",
        ),
        "EXTERNAL_job_completed": (
            "La Sua richiesta {reference} è conclusa",
            "{friend} ha segnalato la Sua richiesta {reference} come conclusa. Quanto è "
            "soddisfatto/a? Sulla pagina della richiesta può dare da 1 a 5 stelle.",
        ),
        "EXTERNAL_rating_reminder": (
            "Quanto è soddisfatto/a? (richiesta {reference})",
            "possiamo chiederLe ancora una breve valutazione? Sulla pagina della richiesta "
            "bastano da 1 a 5 stelle (5 è ottimo).",
        ),
        FRIEND_CONTACTED: (
            "{friend} L'ha contattata (richiesta {reference})",
            "{friend} ci ha detto che vi siete già sentiti per concordare la visita per la Sua "
            "richiesta {reference}. Se invece nessuno L'ha ancora contattata, ci scriva nella "
            "chat, per favore: ce ne occupiamo noi.",
        ),
        JOB_CANCELLED: (
            "La Sua richiesta {reference} è annullata",
            "la Sua richiesta {reference} è annullata. Se ha comunque bisogno di aiuto, ci scriva "
            "semplicemente di nuovo.",
        ),
    },
    "pl": {
        BOOKING_RECEIVED: (
            "Otrzymaliśmy Pana/Pani zlecenie {reference}",
            "dziękujemy za zlecenie {reference}. Szukamy teraz technika w Pana/Pani okolicy i "
            "damy znać, gdy tylko ktoś je przyjmie.",
        ),
        "EXTERNAL_friend_assigned": (
            "{friend} pomoże Panu/Pani (zlecenie {reference})",
            "dobra wiadomość: {friend} przyjął/przyjęła zlecenie {reference} i wkrótce zadzwoni, "
            "aby umówić wizytę.",
        ),
        "EXTERNAL_friend_handed_back": (
            "Nowe informacje o zleceniu {reference}",
            "niestety {friend} nie może jednak przyjść. Bardzo przepraszamy! Szukamy już innego "
            "technika. Nie musi Pan/Pani nic robić.",
        ),
        "EXTERNAL_friend_missed_deadline": (
            "Nowe informacje o zleceniu {reference}",
            "niestety technik nie skontaktował się z Panem/Panią na czas. Bardzo przepraszamy! "
            "Szukamy teraz innego technika.",
        ),
        "EXTERNAL_nobody_found": (
            "Nowe informacje o zleceniu {reference}",
            "niestety do zlecenia {reference} nie znaleźliśmy technika w Pana/Pani okolicy. Nasz "
            "zespół zajmie się tym osobiście i skontaktuje się z Panem/Panią.",
        ),
        "EXTERNAL_job_completed": (
            "Zlecenie {reference} zostało wykonane",
            "{friend} zgłosił(a), że zlecenie {reference} zostało wykonane. Jak ocenia Pan/Pani "
            "wizytę? Na stronie zlecenia można przyznać od 1 do 5 gwiazdek.",
        ),
        "EXTERNAL_rating_reminder": (
            "Jak ocenia Pan/Pani wizytę? (zlecenie {reference})",
            "czy możemy jeszcze poprosić o krótką ocenę? Na stronie zlecenia wystarczy od 1 do 5 "
            "gwiazdek (5 to bardzo dobrze).",
        ),
        FRIEND_CONTACTED: (
            "{friend} skontaktował(a) się z Panem/Panią (zlecenie {reference})",
            "{friend} przekazał(a) nam, że byli Państwo już w kontakcie, aby umówić wizytę w "
            "sprawie zlecenia {reference}. Jeśli jednak nikt się jeszcze nie odezwał, prosimy "
            "napisać do nas na czacie – zajmiemy się tym.",
        ),
        JOB_CANCELLED: (
            "Zlecenie {reference} zostało odwołane",
            "zlecenie {reference} zostało odwołane. Jeśli jednak potrzebna będzie pomoc, "
            "wystarczy znowu do nas napisać.",
        ),
    },
}
_MAIL_OTHER = {
    "de": ("Neuigkeit zu Ihrem Auftrag {reference}", "es gibt Neuigkeiten zu Ihrem Auftrag."),
    "en": ("News about your request {reference}", "there is news about your request."),
    "fr": (
        "Du nouveau pour votre demande {reference}",
        "il y a du nouveau pour votre demande.",
    ),
    "it": (
        "Novità sulla Sua richiesta {reference}",
        "ci sono novità sulla Sua richiesta.",
    ),
    "pl": (
        "Nowe informacje o zleceniu {reference}",
        "mamy nowe informacje o Pana/Pani zleceniu.",
    ),
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
    "fr": {
        "greeting": "Bonjour {name},",
        "greeting_anonymous": "Bonjour,",
        "window": "Le moment souhaité : {window}",
        "link": "Vous pouvez voir à tout moment où en est votre demande ici (vous pouvez aussi "
        "l'annuler sur cette page) :",
        "closing": "Meilleures salutations\nVotre équipe techfriends",
        "automatic": "Cet e-mail a été envoyé automatiquement. Nous répondons volontiers à vos "
        "questions dans le chat.",
    },
    "it": {
        "greeting": "Gentile {name},",
        "greeting_anonymous": "Gentile cliente,",
        "window": "L'orario desiderato: {window}",
        "link": "Qui può vedere in ogni momento a che punto è la Sua richiesta (e, se vuole, "
        "annullarla):",
        "closing": "Cordiali saluti\nIl team di techfriends",
        "automatic": "Questa e-mail è stata inviata automaticamente. Rispondiamo volentieri alle "
        "Sue domande nella chat.",
    },
    "pl": {
        "greeting": "Dzień dobry {name},",
        "greeting_anonymous": "Dzień dobry,",
        "window": "Wybrany termin: {window}",
        "link": "Tutaj można w każdej chwili sprawdzić stan zlecenia (i w razie potrzeby je "
        "odwołać):",
        "closing": "Z poważaniem\nZespół techfriends",
        "automatic": "Ta wiadomość została wysłana automatycznie. Na pytania chętnie odpowiemy na "
        "czacie.",
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
    if language in _TO:
        first = _written_date(language, start)
        if start.date() == end.date():
            return f"{first}, {start:%H:%M}–{end:%H:%M}"
        second = _written_date(language, end)
        before, between = _TO[language]
        return f"{before}{first}, {start:%H:%M} {between} {second}, {end:%H:%M}"
    first = _english_date(start)
    if start.date() == end.date():
        return f"{first}, {start:%H:%M}–{end:%H:%M}"
    return f"{first}, {start:%H:%M} to {_english_date(end)}, {end:%H:%M}"


# A window over two days: "du … au …", "da … a …", "… – …" (Polish: no case to decline).
_TO = {"fr": ("du ", "au"), "it": ("da ", "a"), "pl": ("", "–")}


def _written_date(language: str, moment: datetime) -> str:
    """ "mardi 8 décembre 2026", "martedì 8 dicembre 2026", "wtorek, 8 grudnia 2026"."""
    weekday, month = _WEEKDAYS[language][moment.weekday()], _MONTHS[language][moment.month - 1]
    comma = "," if language == "pl" else ""
    day = "1er" if language == "fr" and moment.day == 1 else str(moment.day)
    return f"{weekday}{comma} {day} {month} {moment.year}"


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
    if language in ("en", "fr"):  # the body starts after "Dear …," / "Bonjour …," with a
        news = news[:1].upper() + news[1:]  # capital; German, Italian, Polish go on in lower case
    paragraphs = [
        greeting,
        news,
        _localise(locale, frame["window"]).format(window=window),
        _localise(locale, frame["link"]) + "\n" + status_url,
        _localise(locale, frame["closing"]),
        "-- \n" + _localise(locale, frame["automatic"]),
    ]
    return _localise(locale, subject).format(**values), "\n\n".join(paragraphs) + "\n"


_NO_NAME = {
    "de": "Ihr Techniker",
    "en": "your technician",
    "fr": "votre technicien",
    "it": "il Suo tecnico",
    "pl": "technik",
}


def _no_name(language: str) -> str:
    return _NO_NAME.get(language, _NO_NAME["en"])
