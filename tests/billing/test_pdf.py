"""The invoice PDF, read back: its words in each language (ä ß é ł ż included), amounts, VAT or
the exemption note, the §35a line in Germany only, the payment details and QR codes, the
embedded font."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from backend.billing.invoice import Document, compose_invoice, full_credit, job_items
from backend.billing.journal import PaidVia
from backend.billing.numbers import InvoiceNumber
from backend.billing.pdf import FONTS, Party, Printed, render
from backend.billing.qr import Creditor, Debtor, payment_for
from backend.billing.vat import VatStatus
from tests.billing.pdf_text import extract_text as extract_raw

IBANS = {
    "DE": "DE89370400440532013000",
    "AT": "AT611904300234573201",
    "CH": "CH4431999123000889012",
    "FR": "FR1420041010050500013M02606",
    "IT": "IT60X0542811101000000123456",
    "PL": "PL61109010140000071219812874",
}
CURRENCIES = {"DE": "EUR", "AT": "EUR", "CH": "CHF", "FR": "EUR", "IT": "EUR", "PL": "PLN"}
FRIEND = Party("Łukasz Żółć", ("Große Straße 1", "10115 Berlin"), vat_id="DE123456789")


def extract_text(pdf: bytes) -> str:
    """The PDF's text with babel's no-break spaces (in "109,00 €") as plain ones."""
    return extract_raw(pdf).replace("\xa0", " ").replace("\u202f", " ")


CUSTOMER = Party("Jürg Müller-Hélène", ("Seestrasse 5", "8002 Zürich"))


def printed(
    country: str,
    language: str,
    registered: bool = True,
    paid_via: PaidVia = PaidVia.PLATFORM,
    document: Document | None = None,
) -> Printed:
    currency = CURRENCIES[country]
    status = (
        VatStatus.vat_registered(country, "DE123456789")
        if registered
        else VatStatus.small_business(country)
    )
    invoice = compose_invoice(job_items("Basic", D("79.00"), 20, D("15.00")), status, currency)
    number = InvoiceNumber(country, 2026, 123)
    payment = None
    if paid_via is PaidVia.PLATFORM and document is None:
        creditor = Creditor(
            "techfriends GmbH", IBANS[country], "Bahnhofstrasse", "1", "8001", "Zürich", "CH"
        )
        debtor = Debtor("Jürg Müller", "Seestrasse", "5", "8002", "Zürich", "CH")
        payment = payment_for(number, invoice.gross, currency, creditor, debtor, language)
    return Printed(
        number=str(number) if document is None else "DE-2026-000124",
        document=document or invoice,
        language=language,
        issued_on=date(2026, 12, 8),
        supplier=FRIEND,
        customer=CUSTOMER,
        paid_via=paid_via,
        payment=payment,
        due_on=date(2026, 12, 18),
        service_on=date(2026, 12, 7),
    )


@pytest.mark.parametrize(
    ("country", "language", "words"),
    [
        (
            "DE",
            "de",
            [
                "Rechnung DE-2026-000123",
                "Umsatzsteuer 19 %",
                "17,40 €",
                "Gesamtbetrag",
                "109,00 €",
                "Darin enthaltene Arbeitskosten inkl. USt. (§ 35a EStG): 109,00 €",
                "Bitte überweisen Sie 109,00 € bis zum 18.12.2026.",
                "DE89 3704 0044 0532 0130 00",
                "RF58 DE20 2600 0123",
            ],
        ),
        # English in Germany (CLDR en_DE) writes amounts the German way.
        ("DE", "en", ["Invoice DE-2026-000123", "VAT 19 %", "(§ 35a EStG)", "109,00 €"]),
        ("AT", "de", ["Umsatzsteuer 20 %", "Davon Arbeitskosten: € 109,00"]),
        (
            "CH",
            "de",
            [
                "MWST 8.1 %",
                "CHF 109.00",
                "Zahlteil",
                "Empfangsschein",
                "00 00000 00000 07562 02600 01232",
            ],
        ),
        (
            "CH",
            "fr",
            [
                "Facture CH-2026-000123",
                "TVA 8,1 %",
                "Section paiement",
                "Récépissé",
                # the long extra-time line wraps in its column rather than running over
                "Temps supplémentaire 20 min (par tranche de 15 min\nentamée)",
            ],
        ),
        ("FR", "fr", ["Facture FR-2026-000123", "TVA 20 %", "Total TTC", "Prestataire"]),
        ("IT", "it", ["Fattura IT-2026-000123", "IVA 22 %", "Di cui manodopera"]),
        (
            "PL",
            "pl",
            ["Faktura PL-2026-000123", "VAT 23 %", "Razem do zapłaty", "109,00 zł", "usługodawcy"],
        ),
    ],
)
def test_the_pdf_says_what_the_invoice_is(country: str, language: str, words: list[str]) -> None:
    text = extract_text(render(printed(country, language)))
    assert "\ufffd" not in text
    for word in words:
        assert word in text, word
    # The Friend's and the customer's names print as written: ł ż ó ß ü é.
    assert "Łukasz Żółć" in text and "Große Straße 1" in text and "Jürg Müller-Hélène" in text
    if country != "DE":
        assert "35a" not in text


def test_the_fonts_are_embedded_from_the_repository() -> None:
    pdf = render(printed("DE", "de"))
    assert pdf.startswith(b"%PDF-")
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans", pdf)
    assert b"/FontFile2" in pdf  # the TrueType program itself, subset
    assert (FONTS / "DejaVuSans.ttf").is_file() and (FONTS / "LICENSE").is_file()


def test_a_girocode_or_a_qr_bill_is_drawn_and_transfers_elsewhere_have_none() -> None:
    de = render(printed("DE", "de"))
    assert b"/Subtype /Image" in de  # the EPC QR code as an image
    pl = render(printed("PL", "pl"))
    assert b"/Subtype /Image" not in pl
    assert "Zeskanuj" not in extract_text(pl)  # no "scan the QR code" without one


def test_a_small_business_invoice_carries_the_exemption_note_and_no_vat() -> None:
    text = extract_text(render(printed("DE", "de", registered=False)))
    assert "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmer)." in text
    assert "Umsatzsteuer 19" not in text and "Nettobetrag" not in text
    assert "USt-IdNr." in text  # the Friend's party block still shows their number


def test_a_directly_paid_invoice_has_no_transfer_details() -> None:
    text = extract_text(render(printed("AT", "de", paid_via=PaidVia.DIRECT)))
    assert "Sie bezahlen direkt beim Leistungserbringer." in text
    assert "IBAN" not in text


def test_a_credit_note_names_the_invoice_it_corrects_and_refunds() -> None:
    status = VatStatus.vat_registered("DE")
    invoice = compose_invoice(job_items("Basic", D("79.00"), 0, D("15.00")), status, "EUR")
    credit = full_credit(invoice, "DE-2026-000123", "Auftrag storniert")
    text = extract_text(render(printed("DE", "de", document=credit)))
    assert "Gutschrift (Rechnungskorrektur) DE-2026-000124" in text
    assert "Korrigiert Rechnung DE-2026-000123: Auftrag storniert" in text
    assert "-79,00 €" in text or "−79,00 €" in text
    assert "Der Betrag wird Ihnen erstattet." in text
    assert "RF" not in text


def test_a_swiss_invoice_to_a_customer_with_a_polish_name_prints() -> None:
    invoice = printed("CH", "de")
    assert invoice.payment is not None
    debtor = Debtor("Łukasz Żółć", "Seestrasse", "5", "8002", "Zürich", "CH")
    payment = payment_for(
        InvoiceNumber("CH", 2026, 123), D("109.00"), "CHF", invoice.payment.creditor, debtor, "de"
    )
    text = extract_text(render(replace(invoice, payment=payment)))
    assert "Łukasz Żółć" in text  # the invoice itself in DejaVu Sans
    assert "Lukasz Zólc" in text  # the payment part in the QR-bill's character set
