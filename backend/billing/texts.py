"""Every word printed on an invoice or credit note, per language; English where one is missing.

A key names one text; ``{name}`` fields are filled by ``text``. The legal notes of small
businesses exempt from VAT name the exemption each country's law gives them.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("de", "en", "fr", "it", "pl")
FALLBACK = "en"

TEXTS: dict[str, dict[str, str]] = {
    "invoice_title": {
        "de": "Rechnung",
        "en": "Invoice",
        "fr": "Facture",
        "it": "Fattura",
        "pl": "Faktura",
    },
    "credit_note_title": {
        "de": "Gutschrift (Rechnungskorrektur)",
        "en": "Credit note",
        "fr": "Avoir",
        "it": "Nota di credito",
        "pl": "Faktura korygująca",
    },
    "number": {"de": "Nummer", "en": "Number", "fr": "Numéro", "it": "Numero", "pl": "Numer"},
    "date": {
        "de": "Datum",
        "en": "Date",
        "fr": "Date",
        "it": "Data",
        "pl": "Data wystawienia",
    },
    "service_date": {
        "de": "Leistungsdatum",
        "en": "Date of service",
        "fr": "Date de la prestation",
        "it": "Data della prestazione",
        "pl": "Data wykonania usługi",
    },
    "supplier": {
        "de": "Leistungserbringer",
        "en": "Service provided by",
        "fr": "Prestataire",
        "it": "Prestatore",
        "pl": "Usługodawca",
    },
    "customer": {
        "de": "Kunde",
        "en": "Customer",
        "fr": "Client",
        "it": "Cliente",
        "pl": "Klient",
    },
    "issued_by": {
        "de": "Ausgestellt von {platform} im Namen des Leistungserbringers",
        "en": "Issued by {platform} on behalf of the service provider",
        "fr": "Émise par {platform} au nom du prestataire",
        "it": "Emessa da {platform} per conto del prestatore",
        "pl": "Wystawiona przez {platform} w imieniu usługodawcy",
    },
    "vat_id": {
        "de": "USt-IdNr.",
        "en": "VAT no.",
        "fr": "N° TVA",
        "it": "Partita IVA",
        "pl": "NIP",
    },
    "col_description": {
        "de": "Leistung",
        "en": "Description",
        "fr": "Prestation",
        "it": "Descrizione",
        "pl": "Opis",
    },
    "col_quantity": {"de": "Menge", "en": "Qty", "fr": "Qté", "it": "Qtà", "pl": "Ilość"},
    "col_unit_price": {
        "de": "Einzelpreis",
        "en": "Unit price",
        "fr": "Prix unitaire",
        "it": "Prezzo unitario",
        "pl": "Cena jedn.",
    },
    "col_amount": {"de": "Betrag", "en": "Amount", "fr": "Montant", "it": "Importo", "pl": "Kwota"},
    "line_package": {
        "de": "Paket {package}",
        "en": "Package {package}",
        "fr": "Forfait {package}",
        "it": "Pacchetto {package}",
        "pl": "Pakiet {package}",
    },
    "line_extra_time": {
        "de": "Mehraufwand {minutes} Min. (je angefangene 15 Min.)",
        "en": "Extra time {minutes} min (per started 15 min)",
        "fr": "Temps supplémentaire {minutes} min (par tranche de 15 min entamée)",
        "it": "Tempo aggiuntivo {minutes} min (per ogni 15 min iniziati)",
        "pl": "Dodatkowy czas {minutes} min (za każde rozpoczęte 15 min)",
    },
    "line_price_correction": {
        "de": "Preiskorrektur zu Rechnung {invoice}",
        "en": "Price correction to invoice {invoice}",
        "fr": "Correction de prix de la facture {invoice}",
        "it": "Correzione del prezzo della fattura {invoice}",
        "pl": "Korekta ceny do faktury {invoice}",
    },
    "corrects": {
        "de": "Korrigiert Rechnung {invoice}: {reason}",
        "en": "Corrects invoice {invoice}: {reason}",
        "fr": "Corrige la facture {invoice} : {reason}",
        "it": "Corregge la fattura {invoice}: {reason}",
        "pl": "Koryguje fakturę {invoice}: {reason}",
    },
    "net": {
        "de": "Nettobetrag",
        "en": "Net amount",
        "fr": "Montant HT",
        "it": "Imponibile",
        "pl": "Kwota netto",
    },
    "vat": {
        "de": "Umsatzsteuer {rate} %",
        "en": "VAT {rate} %",
        "fr": "TVA {rate} %",
        "it": "IVA {rate} %",
        "pl": "VAT {rate} %",
    },
    "vat_ch": {
        "de": "MWST {rate} %",
        "en": "VAT {rate} %",
        "fr": "TVA {rate} %",
        "it": "IVA {rate} %",
        "pl": "VAT {rate} %",
    },
    "total": {
        "de": "Gesamtbetrag",
        "en": "Total",
        "fr": "Total TTC",
        "it": "Totale",
        "pl": "Razem do zapłaty",
    },
    "labour_35a": {
        "de": "Darin enthaltene Arbeitskosten inkl. USt. (§ 35a EStG): {amount}",
        "en": "Labour cost included, with VAT (§ 35a EStG): {amount}",
        "fr": "Dont coût de main-d'œuvre TTC (§ 35a EStG) : {amount}",
        "it": "Di cui costo della manodopera IVA inclusa (§ 35a EStG): {amount}",
        "pl": "W tym koszty robocizny z VAT (§ 35a EStG): {amount}",
    },
    "labour": {
        "de": "Davon Arbeitskosten: {amount}",
        "en": "Of which labour: {amount}",
        "fr": "Dont main-d'œuvre : {amount}",
        "it": "Di cui manodopera: {amount}",
        "pl": "W tym robocizna: {amount}",
    },
    "vat_exempt_de": {
        "de": "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmer).",
        "en": "No VAT charged: small business under § 19 UStG.",
    },
    "vat_exempt_at": {
        "de": "Umsatzsteuerfrei aufgrund der Kleinunternehmerregelung (§ 6 Abs. 1 Z 27 UStG).",
        "en": "VAT exempt: small business under § 6 (1) 27 UStG (Austria).",
    },
    "vat_exempt_ch": {
        "de": "Nicht MWST-pflichtig (Umsatz unter der Grenze von Art. 10 MWSTG).",
        "en": "Not registered for VAT (turnover below the threshold of Art. 10 MWSTG).",
        "fr": "Non assujetti à la TVA (chiffre d'affaires inférieur au seuil de l'art. 10 LTVA).",
        "it": "Non assoggettato all'IVA (cifra d'affari sotto la soglia dell'art. 10 LIVA).",
    },
    "vat_exempt_fr": {
        "fr": "TVA non applicable, art. 293 B du CGI.",
        "en": "VAT not applicable, art. 293 B of the CGI.",
    },
    "vat_exempt_it": {
        "it": "Operazione in franchigia da IVA ai sensi dell'art. 1, commi 54-89, L. 190/2014.",
        "en": "VAT-free under the flat-rate scheme, art. 1 (54-89) Law 190/2014.",
    },
    "vat_exempt_pl": {
        "pl": "Zwolnienie z VAT na podstawie art. 113 ust. 1 ustawy o VAT.",
        "en": "VAT exempt under art. 113 (1) of the Polish VAT Act.",
    },
    "pay_within": {
        "de": "Bitte überweisen Sie {amount} bis zum {due}.",
        "en": "Please transfer {amount} by {due}.",
        "fr": "Merci de virer {amount} d'ici le {due}.",
        "it": "Si prega di bonificare {amount} entro il {due}.",
        "pl": "Prosimy o przelew {amount} do {due}.",
    },
    "paid_directly": {
        "de": "Sie bezahlen direkt beim Leistungserbringer.",
        "en": "You pay the service provider directly.",
        "fr": "Vous payez directement le prestataire.",
        "it": "Il pagamento avviene direttamente al prestatore.",
        "pl": "Płatność bezpośrednio u usługodawcy.",
    },
    "refund": {
        "de": "Der Betrag wird Ihnen erstattet.",
        "en": "The amount will be refunded to you.",
        "fr": "Le montant vous sera remboursé.",
        "it": "L'importo Le sarà rimborsato.",
        "pl": "Kwota zostanie zwrócona.",
    },
    "scan_qr": {
        "de": "Scannen Sie den QR-Code mit Ihrer Banking-App.",
        "en": "Scan the QR code in your banking app.",
        "fr": "Scannez le code QR avec votre application bancaire.",
        "it": "Scansioni il codice QR con la Sua app bancaria.",
        "pl": "Zeskanuj kod QR w aplikacji bankowej.",
    },
    "recipient": {
        "de": "Empfänger",
        "en": "Recipient",
        "fr": "Bénéficiaire",
        "it": "Beneficiario",
        "pl": "Odbiorca",
    },
    "iban": {"de": "IBAN", "en": "IBAN", "fr": "IBAN", "it": "IBAN", "pl": "IBAN"},
    "bic": {"de": "BIC", "en": "BIC", "fr": "BIC", "it": "BIC", "pl": "BIC"},
    "reference": {
        "de": "Verwendungszweck (Referenz)",
        "en": "Payment reference",
        "fr": "Référence de paiement",
        "it": "Riferimento di pagamento",
        "pl": "Tytuł przelewu (referencja)",
    },
    # What the customer reads about their invoice (status page, chat): one line, and the link.
    "summary_qr": {
        "de": "{amount}, zahlbar innerhalb von {days} Tagen, scannen Sie den QR-Code mit Ihrer "
        "Banking-App",
        "en": "{amount}, payable within {days} days, scan the QR code in your banking app",
        "fr": "{amount}, payable sous {days} jours, scannez le code QR avec votre application "
        "bancaire",
        "it": "{amount}, da pagare entro {days} giorni, scansioni il codice QR con la Sua app "
        "bancaria",
        "pl": "{amount}, płatne w ciągu {days} dni, zeskanuj kod QR w aplikacji bankowej",
    },
    "summary_transfer": {
        "de": "{amount}, zahlbar innerhalb von {days} Tagen per Überweisung, Referenz {reference}",
        "en": "{amount}, payable within {days} days by bank transfer, reference {reference}",
        "fr": "{amount}, payable sous {days} jours par virement, référence {reference}",
        "it": "{amount}, da pagare entro {days} giorni con bonifico, riferimento {reference}",
        "pl": "{amount}, płatne w ciągu {days} dni przelewem, referencja {reference}",
    },
    "summary_direct": {
        "de": "{amount}, direkt an den Leistungserbringer zu bezahlen",
        "en": "{amount}, paid directly to the service provider",
        "fr": "{amount}, à régler directement au prestataire",
        "it": "{amount}, da pagare direttamente al prestatore",
        "pl": "{amount}, płatne bezpośrednio usługodawcy",
    },
    "summary_settled": {
        "de": "Rechnung {number}: nichts mehr offen",
        "en": "Invoice {number}: nothing left to pay",
        "fr": "Facture {number} : plus rien à payer",
        "it": "Fattura {number}: nulla da pagare",
        "pl": "Faktura {number}: nic do zapłaty",
    },
    "invoice_link": {
        "de": "Rechnung {number} (PDF)",
        "en": "Invoice {number} (PDF)",
        "fr": "Facture {number} (PDF)",
        "it": "Fattura {number} (PDF)",
        "pl": "Faktura {number} (PDF)",
    },
}


def text(key: str, language: str, params: Mapping[str, str] | None = None) -> str:
    """The text ``key`` in ``language`` (English, then German, when it has none)."""
    variants = TEXTS[key]
    template = variants.get(language) or variants.get(FALLBACK) or variants["de"]
    return template.format(**(params or {}))
