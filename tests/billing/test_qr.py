"""How each country pays: the Swiss QR-bill (validated by qrbill), the EPC QR code (its lines,
checked against segno's own EPC encoder), transfer details with an RF reference elsewhere."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from segno import helpers
from stdnum import iso11649
from stdnum.ch import esr

from backend.billing.numbers import InvoiceNumber
from backend.billing.qr import (
    Creditor,
    Debtor,
    Method,
    epc_payload,
    epc_qr,
    payment_for,
    swiss_qr_bill,
    swiss_qr_bill_svg,
)
from backend.billing.references import InvalidIban, qrr_reference, rf_reference

QR_IBAN = "CH4431999123000889012"
CH_IBAN = "CH9300762011623852957"
DE_IBAN = "DE89370400440532013000"


def creditor(iban: str, bic: str = "") -> Creditor:
    return Creditor("techfriends GmbH", iban, "Bahnhofstrasse", "1", "8001", "Zürich", "CH", bic)


ZURICH_CUSTOMER = Debtor("Jürg Müller", "Seestrasse", "5", "8002", "Zürich", "CH")


@pytest.mark.parametrize(
    ("iban", "ref_type"),
    [(QR_IBAN, "QRR"), (CH_IBAN, "SCOR")],
)
def test_a_swiss_invoice_gets_a_qr_bill_with_the_reference_its_iban_takes(
    iban: str, ref_type: str
) -> None:
    number = InvoiceNumber("CH", 2026, 123)
    payment = payment_for(number, D("79.00"), "CHF", creditor(iban), ZURICH_CUSTOMER, "de")
    assert payment.method is Method.SWISS_QR_BILL
    fields = (payment.qr_payload or "").split("\r\n")
    # Swiss Implementation Guidelines QR-bill 2.x: header, account, creditor (S), amount,
    # currency, debtor, reference type and reference, trailer EPD.
    assert fields[:4] == ["SPC", "0200", "1", iban]
    assert fields[4:11] == ["S", "techfriends GmbH", "Bahnhofstrasse", "1", "8001", "Zürich", "CH"]
    assert fields[18:20] == ["79.00", "CHF"]
    assert fields[20:27] == ["S", "Jürg Müller", "Seestrasse", "5", "8002", "Zürich", "CH"]
    assert fields[27] == ref_type
    assert fields[28] == payment.reference
    assert fields[30] == "EPD"
    if ref_type == "QRR":
        assert esr.is_valid(payment.reference)
        assert payment.reference == qrr_reference(number)
    else:
        assert iso11649.is_valid(payment.reference)
        assert payment.reference == rf_reference(number)
    svg = swiss_qr_bill_svg(payment)
    assert svg.startswith("<?xml") and "Zahlteil" in svg


def test_qrbill_itself_refuses_a_qrr_on_a_normal_iban_and_an_rf_on_a_qr_iban() -> None:
    qrr = qrr_reference(InvoiceNumber("CH", 2026, 1))
    rf = rf_reference(InvoiceNumber("CH", 2026, 1))
    with pytest.raises(ValueError, match="QRR"):
        swiss_qr_bill(creditor(CH_IBAN), D("10.00"), "CHF", qrr)
    with pytest.raises(ValueError, match="QR-IBAN"):
        swiss_qr_bill(creditor(QR_IBAN), D("10.00"), "CHF", rf)
    with pytest.raises(ValueError, match="IBAN"):
        swiss_qr_bill(creditor(DE_IBAN), D("10.00"), "CHF", rf)


def test_a_swiss_qr_bill_in_euro_and_without_a_debtor() -> None:
    payment = payment_for(InvoiceNumber("CH", 2026, 9), D("5.5"), "EUR", creditor(QR_IBAN))
    fields = (payment.qr_payload or "").split("\r\n")
    assert fields[18:20] == ["5.50", "EUR"]
    assert fields[20:27] == [""] * 7


@pytest.mark.parametrize(
    ("country", "amount", "amount_field"),
    [("DE", D("109.00"), "EUR109"), ("AT", D("12.50"), "EUR12.5"), ("DE", D("0.01"), "EUR0.01")],
)
def test_germany_and_austria_get_a_girocode(country: str, amount: D, amount_field: str) -> None:
    number = InvoiceNumber(country, 2026, 7)
    payment = payment_for(number, amount, "EUR", creditor(DE_IBAN, "COBADEFFXXX"))
    assert payment.method is Method.EPC_QR
    lines = (payment.qr_payload or "").split("\n")
    assert lines == [
        "BCD",
        "002",
        "1",
        "SCT",
        "COBADEFFXXX",
        "techfriends GmbH",
        DE_IBAN,
        amount_field,
        "",
        rf_reference(number),
    ]
    # The same bytes segno's EPC helper encodes (its internal encoder, UTF-8 as we declare).
    segno_data = helpers._make_epc_qr_data(  # type: ignore[attr-defined]
        "techfriends GmbH",
        DE_IBAN,
        amount,
        reference=rf_reference(number),
        bic="COBADEFFXXX",
        encoding="utf-8",
    )
    assert segno_data == (payment.qr_payload or "").encode("utf-8")
    code = epc_qr(payment)
    assert code.error == "M"
    assert code.version <= 13


def test_epc_limits() -> None:
    with pytest.raises(ValueError):
        epc_payload("x", DE_IBAN, D("0.00"), "RF58DE2026000123")
    with pytest.raises(ValueError):
        epc_payload("x" * 71, DE_IBAN, D("1.00"), "RF58DE2026000123")
    with pytest.raises(InvalidIban):
        epc_payload("x", "DE89370400440532013001", D("1.00"), "RF58DE2026000123")


@pytest.mark.parametrize(
    ("country", "currency"),
    [("PL", "PLN"), ("FR", "EUR"), ("IT", "EUR"), ("DE", "CHF")],
)
def test_other_countries_get_transfer_details_with_an_rf_reference(
    country: str, currency: str
) -> None:
    number = InvoiceNumber(country, 2026, 3)
    payment = payment_for(number, D("79.00"), currency, creditor(DE_IBAN))
    assert payment.method is Method.TRANSFER
    assert payment.qr_payload is None
    assert payment.reference == rf_reference(number)
    assert iso11649.is_valid(payment.reference)


def test_nothing_to_pay_gets_no_payment_instructions() -> None:
    with pytest.raises(ValueError):
        payment_for(InvoiceNumber("DE", 2026, 1), D("0.00"), "EUR", creditor(DE_IBAN))


def test_a_qr_bill_writes_names_in_its_latin_character_set() -> None:
    debtor = Debtor("Łukasz Żółć", "Złota", "7", "8004", "Zürich", "CH")
    payment = payment_for(
        InvoiceNumber("CH", 2026, 2), D("79.00"), "CHF", creditor(QR_IBAN), debtor
    )
    fields = (payment.qr_payload or "").split("\r\n")
    assert fields[21:23] == ["Lukasz Zólc", "Zlota"]
    assert "Lukasz Zólc" in swiss_qr_bill_svg(payment)


def test_the_platforms_accounts_come_from_the_environment_and_are_checked() -> None:
    from backend.billing.accounts import BillingSettings

    swiss = BillingSettings.from_env({}).creditor("CH")
    assert swiss is not None and swiss.iban == QR_IBAN
    demo = BillingSettings.from_env({})
    assert demo.creditor("PL") is None
    own = BillingSettings.from_env({"BILLING_CH_IBAN": CH_IBAN, "BILLING_CH_NAME": "Beispiel AG"})
    creditor = own.creditor("CH")
    assert creditor is not None and (creditor.iban, creditor.name) == (CH_IBAN, "Beispiel AG")
    with pytest.raises(ValueError, match="BILLING_DE_IBAN"):
        BillingSettings.from_env({"BILLING_DE_IBAN": "DE89370400440532013001"})
    with pytest.raises(ValueError, match="BILLING_CHAT_PAYMENT"):
        BillingSettings.from_env({"BILLING_CHAT_PAYMENT": "cash"})
