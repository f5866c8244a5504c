"""Invoice numbers, the payment references made from them (checked by python-stdnum, not by our
own code), and IBANs (checked by schwifty)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649
from stdnum.ch import esr

from backend.billing.numbers import InvalidInvoiceNumber, InvoiceNumber, parse
from backend.billing.references import (
    NUMERIC_COUNTRY,
    InvalidIban,
    format_reference,
    invoice_number,
    is_qr_iban,
    is_valid_qrr,
    mod10_recursive,
    qrr_reference,
    rf_reference,
    validate_iban,
)

numbers = st.builds(
    InvoiceNumber,
    st.sampled_from(sorted(NUMERIC_COUNTRY)),
    st.integers(2000, 9999),
    st.integers(1, 999_999),
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("DE-2026-000123", InvoiceNumber("DE", 2026, 123)),
        (" ch-2026-000001 ", InvoiceNumber("CH", 2026, 1)),
        ("PL2027999999", InvoiceNumber("PL", 2027, 999_999)),
    ],
)
def test_invoice_numbers_parse(text: str, number: InvoiceNumber) -> None:
    assert parse(text) == number
    assert parse(str(number)) == number


@pytest.mark.parametrize("text", ["DE-2026-123", "D-2026-000123", "DE-26-000123", "DE-2026-000000"])
def test_malformed_invoice_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidInvoiceNumber):
        parse(text)


def test_numbers_print_with_six_digits_and_sort_by_sequence() -> None:
    assert str(InvoiceNumber("AT", 2026, 42)) == "AT-2026-000042"
    assert InvoiceNumber("AT", 2026, 9) < InvoiceNumber("AT", 2026, 10)
    with pytest.raises(InvalidInvoiceNumber):
        InvoiceNumber("AT", 2026, 1_000_000)


@pytest.mark.parametrize(
    ("number", "reference"),
    [
        # ISO 7064 mod 97-10 over DE2026000123RF00 gives 58; python-stdnum confirms it below.
        (InvoiceNumber("DE", 2026, 123), "RF58DE2026000123"),
        (InvoiceNumber("CH", 2026, 124), "RF31CH2026000124"),
    ],
)
def test_rf_references_of_known_numbers(number: InvoiceNumber, reference: str) -> None:
    assert rf_reference(number) == reference
    assert iso11649.validate(reference) == reference


@given(numbers)
def test_every_rf_reference_is_valid_iso_11649_and_leads_back(number: InvoiceNumber) -> None:
    reference = rf_reference(number)
    assert iso11649.is_valid(reference)
    assert len(reference) <= 25
    assert invoice_number(reference) == number
    assert invoice_number(iso11649.format(reference)) == number  # printed in groups of four


@given(numbers)
def test_every_qrr_is_27_digits_valid_by_stdnum_and_leads_back(number: InvoiceNumber) -> None:
    reference = qrr_reference(number)
    assert len(reference) == 27 and reference.isdigit()
    assert esr.is_valid(reference)
    assert invoice_number(reference) == number
    assert invoice_number(format_reference(reference)) == number


def test_mod_10_recursive_against_the_published_example() -> None:
    # SIX's QR-bill example reference: 21 00000 00003 13947 14300 09017.
    assert mod10_recursive("21000000000313947143000901") == 7
    assert esr.calc_check_digit("21000000000313947143000901") == "7"
    assert is_valid_qrr("21 00000 00003 13947 14300 09017")
    assert not is_valid_qrr("21 00000 00003 13947 14300 09018")


@pytest.mark.parametrize(
    "reference",
    [
        "RF59DE2026000123",  # wrong check digits
        "RF18539007547034",  # a valid RF reference, but not one of ours
        "000000000000075620260001233",  # QRR with a wrong check digit
        "210000000003139471430009017",  # a valid QRR, but no country of ours in it
        "hello",
    ],
)
def test_references_that_are_not_ours_find_no_invoice(reference: str) -> None:
    assert invoice_number(reference) is None


def test_a_tampered_reference_finds_no_invoice() -> None:
    reference = rf_reference(InvoiceNumber("DE", 2026, 123))
    assert invoice_number(reference.replace("123", "124")) is None
    qrr = qrr_reference(InvoiceNumber("CH", 2026, 5))
    assert invoice_number(qrr[:-2] + str((int(qrr[-2]) + 1) % 10) + qrr[-1]) is None


@pytest.mark.parametrize(
    ("text", "compact", "qr_iban"),
    [
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000", False),
        ("CH44 3199 9123 0008 8901 2", "CH4431999123000889012", True),
        ("CH93 0076 2011 6238 5295 7", "CH9300762011623852957", False),
        ("AT61 1904 3002 3457 3201", "AT611904300234573201", False),
        ("PL61 1090 1014 0000 0712 1981 2874", "PL61109010140000071219812874", False),
    ],
)
def test_ibans_are_validated_and_qr_ibans_recognised(
    text: str, compact: str, qr_iban: bool
) -> None:
    assert validate_iban(text) == compact
    assert is_qr_iban(text) is qr_iban


@pytest.mark.parametrize(
    "text", ["DE89 3704 0044 0532 0130 01", "CH44 3199 9123 0008 8901", "XX00", ""]
)
def test_invalid_ibans_are_refused(text: str) -> None:
    with pytest.raises(InvalidIban):
        validate_iban(text)
