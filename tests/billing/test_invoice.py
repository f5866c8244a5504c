"""Invoices and credit notes: lines, VAT per country and status, the labour share, the one
rounding rule, corrections only as credit notes."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from backend.billing.amounts import cents, to_minor
from backend.billing.invoice import (
    InvoiceError,
    Item,
    Kind,
    compose_invoice,
    full_credit,
    job_items,
    price_correction,
)
from backend.billing.vat import STANDARD_RATES, UnknownVatCountry, VatStatus


@pytest.mark.parametrize(
    ("country", "currency", "gross", "vat", "net"),
    [
        # package 79.00 + 2 blocks of 15.00 (20 minutes) = 109.00 gross; VAT per line,
        # 79 × r/(100+r) and 30 × r/(100+r), each half-up, then summed.
        ("DE", "EUR", "109.00", "17.40", "91.60"),  # 12.61 + 4.79
        ("AT", "EUR", "109.00", "18.17", "90.83"),  # 13.17 + 5.00
        ("CH", "CHF", "109.00", "8.17", "100.83"),  # 5.92 + 2.25
        ("FR", "EUR", "109.00", "18.17", "90.83"),
        ("IT", "EUR", "109.00", "19.66", "89.34"),  # 14.25 + 5.41
        ("PL", "PLN", "109.00", "20.38", "88.62"),  # 14.77 + 5.61
    ],
)
def test_a_registered_friend_invoices_vat_taken_out_of_the_end_price(
    country: str, currency: str, gross: str, vat: str, net: str
) -> None:
    status = VatStatus.vat_registered(country)
    document = compose_invoice(job_items("Basic", D("79.00"), 20, D("15.00")), status, currency)
    rate = STANDARD_RATES[country]
    assert document.kind is Kind.INVOICE
    assert (document.gross, document.vat, document.net) == (D(gross), D(vat), D(net))
    assert [line.gross for line in document.lines] == [D("79.00"), D("30.00")]
    assert [line.quantity for line in document.lines] == [1, 2]
    assert all(line.vat_rate == rate for line in document.lines)
    # The labour share (§35a EStG in DE) is the labour lines' gross: package and extra time.
    assert document.labour == D("109.00")
    assert document.commission == D("21.80")
    assert document.friend_share == D("87.20")


def test_the_hand_computed_vat_of_each_country() -> None:
    expected = {
        "DE": ("12.61", "4.79"),
        "AT": ("13.17", "5.00"),
        "CH": ("5.92", "2.25"),
        "FR": ("13.17", "5.00"),
        "IT": ("14.25", "5.41"),
        "PL": ("14.77", "5.61"),
    }
    for country, vats in expected.items():
        document = compose_invoice(
            job_items("Basic", D("79.00"), 30, D("15.00")),
            VatStatus.vat_registered(country),
            "EUR",
        )
        assert tuple(str(line.vat) for line in document.lines) == vats, country


def test_a_small_business_charges_no_vat_and_says_why() -> None:
    status = VatStatus.small_business("DE")
    document = compose_invoice(job_items("Basic", D("79.00"), 0, D("15.00")), status, "EUR")
    assert (document.gross, document.vat, document.net) == (D("79.00"), D(0), D("79.00"))
    assert len(document.lines) == 1  # no extra time, no line for it
    assert status.exemption_note == "vat_exempt_de"
    assert VatStatus.vat_registered("DE").exemption_note == ""


def test_rounding_is_half_up_per_line_and_totals_are_sums_of_lines() -> None:
    # 0.03 at 20 %: VAT 0.005 → 0.01 half-up (half-even would give 0.00).
    at = VatStatus.vat_registered("AT")
    assert compose_invoice([Item("line_package", 1, D("0.03"))], at, "EUR").vat == D("0.01")
    # Three lines of 0.10 at 19 %: 0.016 each → 0.02 each → 0.06; rounding the total's VAT
    # (0.0479) would give 0.05. The rule sums rounded lines.
    de = VatStatus.vat_registered("DE")
    document = compose_invoice([Item("line_package", 1, D("0.10"))] * 3, de, "EUR")
    assert document.vat == D("0.06")
    assert document.net == D("0.24")
    # Quantity × unit price is rounded once per line.
    line = compose_invoice([Item("line_extra_time", 3, D("0.335"))], de, "EUR").lines[0]
    assert line.gross == D("1.01")  # 1.005 half-up


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("2.345", "2.35"), ("-2.345", "-2.35"), ("2.344", "2.34"), ("0.005", "0.01")],
)
def test_half_up_is_symmetric_so_a_credit_note_mirrors_its_invoice(
    amount: str, rounded: str
) -> None:
    assert cents(D(amount)) == D(rounded)


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        cents(2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        compose_invoice([Item("line_package", 1, 79.0)], VatStatus.small_business("DE"), "EUR")  # type: ignore[arg-type]
    assert to_minor(D("63.20")) == 6320
    with pytest.raises(ValueError):
        to_minor(D("0.001"))


def test_unknown_vat_country_is_refused() -> None:
    with pytest.raises(UnknownVatCountry):
        VatStatus.vat_registered("US")


def test_an_invoice_never_has_a_negative_line() -> None:
    with pytest.raises(InvoiceError):
        compose_invoice(
            [Item("line_package", 1, D("-1.00"))], VatStatus.small_business("DE"), "EUR"
        )
    with pytest.raises(InvoiceError):
        compose_invoice([], VatStatus.small_business("DE"), "EUR")


def test_a_cancellation_is_a_credit_note_that_mirrors_every_line() -> None:
    status = VatStatus.vat_registered("CH")
    invoice = compose_invoice(job_items("Basic", D("79.00"), 20, D("15.00")), status, "CHF")
    credit = full_credit(invoice, "CH-2026-000001", "job cancelled")
    assert credit.kind is Kind.CREDIT_NOTE
    assert credit.corrects == "CH-2026-000001"
    assert [line.gross for line in credit.lines] == [-line.gross for line in invoice.lines]
    assert (credit.gross, credit.vat, credit.net, credit.labour, credit.commission) == (
        -invoice.gross,
        -invoice.vat,
        -invoice.net,
        -invoice.labour,
        -invoice.commission,
    )
    assert invoice.gross == D("109.00")  # the invoice itself is untouched (frozen)


@pytest.mark.parametrize(
    ("price", "corrections", "commissions"),
    [
        # 79.00: commission 15.80; take 10.00 off → 69.00: 13.80 (−2.00)
        ("79.00", ["10.00"], ["-2.00"]),
        # 0.05 (commission 0.01): take 0.02 then 0.03: 0.03 → 0.01 (0), 0.00 → 0 (−0.01)
        ("0.05", ["0.02", "0.03"], ["0.00", "-0.01"]),
        # three corrections of 0.01 on 0.03 (commission 0.01): 0.02 → 0.00, …
        ("0.03", ["0.01", "0.01", "0.01"], ["-0.01", "0.00", "0.00"]),
    ],
)
def test_price_corrections_keep_the_commission_of_the_price_that_remains(
    price: str, corrections: list[str], commissions: list[str]
) -> None:
    status = VatStatus.small_business("DE")
    invoice = compose_invoice([Item("line_package", 1, D(price))], status, "EUR")
    credited, given_back = D(0), D(0)
    for amount, expected in zip(corrections, commissions, strict=True):
        note = price_correction(invoice, "DE-2026-000007", D(amount), "price", credited)
        assert note.gross == -D(amount)
        assert note.commission == D(expected)
        assert note.lines[0].params == {"invoice": "DE-2026-000007"}
        credited += D(amount)
        given_back += note.commission
    assert invoice.commission + given_back == cents((D(price) - credited) * D("0.20"))


def test_a_credit_note_cannot_take_off_more_than_remains_or_lack_a_reason() -> None:
    invoice = compose_invoice(
        [Item("line_package", 1, D("79.00"))], VatStatus.small_business("AT"), "EUR"
    )
    with pytest.raises(InvoiceError):
        price_correction(invoice, "AT-2026-000001", D("79.01"), "too much")
    with pytest.raises(InvoiceError):
        price_correction(invoice, "AT-2026-000001", D("10.00"), "", D("0"))
    with pytest.raises(InvoiceError):
        price_correction(invoice, "AT-2026-000001", D("70.00"), "late", D("10.00"))
    with pytest.raises(InvoiceError):
        price_correction(invoice, "AT-2026-000001", D("0.001"), "sub-cent")
    credit = full_credit(invoice, "AT-2026-000001", "cancelled")
    with pytest.raises(InvoiceError):
        full_credit(credit, "AT-2026-000002", "a credit note is not credited")
