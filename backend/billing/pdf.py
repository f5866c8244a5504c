"""The invoice or credit note as an A4 PDF (fpdf2): parties, lines, VAT or the exemption note,
the labour share (§ 35a EStG in Germany), and how to pay: transfer details with the reference,
an EPC QR code (DE, AT) beside them, or the Swiss QR-bill's payment part at the foot of the
page (CH).

The text is set in DejaVu Sans, vendored in backend/billing/fonts (it prints ä ß é ł ż and the
narrow spaces babel puts in amounts); the QR-bill's payment part is qrbill's own SVG, drawn
with the PDF's built-in Helvetica as the Swiss standard asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from backend.billing.invoice import Document, Kind, Line
from backend.billing.journal import PaidVia
from backend.billing.qr import Method, Payment, epc_qr, swiss_qr_bill_svg
from backend.billing.references import format_iban, format_reference
from backend.billing.texts import text

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
PLATFORM = "techfriends"
# The Swiss QR-bill's payment part: the bottom 105 mm of an A4 page; qrbill's SVG is 106 mm
# high (1 mm above the part for the scissors on the separating line).
QR_BILL_TOP = 297 - 106
MARGIN = 18
WIDTH = 210 - 2 * MARGIN


@dataclass(frozen=True)
class Party:
    name: str
    address: tuple[str, ...]
    vat_id: str = ""


@dataclass(frozen=True)
class Printed:
    """What the PDF shows besides the document: its number, dates, parties and payment."""

    number: str
    document: Document
    language: str
    issued_on: date
    supplier: Party
    customer: Party
    paid_via: PaidVia
    payment: Payment | None = None  # None: paid directly, or a credit note
    due_on: date | None = None
    service_on: date | None = None


def locale_of(language: str, country: str) -> Locale:
    try:
        return Locale.parse(f"{language}_{country}")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(language)


def money(amount: Decimal, currency: str, language: str, country: str) -> str:
    return str(format_currency(amount, currency, locale=locale_of(language, country)))


def render(printed: Printed) -> bytes:
    doc, lang = printed.document, printed.language
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_creation_date(datetime.combine(printed.issued_on, time(), tzinfo=UTC))
    pdf.set_title(f"{_title(doc, lang)} {printed.number}")
    pdf.set_author(PLATFORM)
    pdf.set_lang(lang)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_page()
    _head(pdf, printed)
    _lines(pdf, printed)
    _totals(pdf, printed)
    _payment(pdf, printed)
    return bytes(pdf.output())


def _title(doc: Document, lang: str) -> str:
    return text("invoice_title" if doc.kind is Kind.INVOICE else "credit_note_title", lang)


def _write(pdf: FPDF, line: str, size: float = 10, bold: bool = False, height: float = 5) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _head(pdf: FPDF, printed: Printed) -> None:
    doc, lang = printed.document, printed.language
    _write(pdf, f"{_title(doc, lang)} {printed.number}", size=16, bold=True, height=9)
    locale = locale_of(lang, doc.country)
    _write(pdf, f"{text('date', lang)}: {format_date(printed.issued_on, locale=locale)}")
    if printed.service_on:
        when = format_date(printed.service_on, locale=locale)
        _write(pdf, f"{text('service_date', lang)}: {when}")
    if doc.corrects:
        _write(pdf, text("corrects", lang, {"invoice": doc.corrects, "reason": doc.reason}))
    pdf.ln(4)
    top = pdf.get_y()
    for column, (label, party) in enumerate(
        ((text("supplier", lang), printed.supplier), (text("customer", lang), printed.customer))
    ):
        pdf.set_xy(MARGIN + column * WIDTH / 2, top)
        rows = [party.name, *party.address]
        if party.vat_id:
            rows.append(f"{text('vat_id', lang)} {party.vat_id}")
        pdf.set_font(FONT, "B", 9)
        pdf.cell(WIDTH / 2, 5, label, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 10)
        for row in rows:
            pdf.cell(WIDTH / 2, 5, row, new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottom = pdf.get_y()
    pdf.set_xy(MARGIN, max(bottom, pdf.get_y()) + 2)
    _write(pdf, text("issued_by", lang, {"platform": PLATFORM}), size=8)
    pdf.ln(4)


_COLUMNS = (WIDTH - 75, 15, 30, 30)


def _lines(pdf: FPDF, printed: Printed) -> None:
    lang, country, currency = printed.language, printed.document.country, printed.document.currency
    heads = ("col_description", "col_quantity", "col_unit_price", "col_amount")
    pdf.set_font(FONT, "B", 9)
    for width, head in zip(_COLUMNS, heads, strict=True):
        pdf.cell(width, 6, text(head, lang), border="B", align="L" if head == heads[0] else "R")
    pdf.ln(6)
    pdf.set_font(FONT, "", 10)
    for item in printed.document.lines:
        description = _describe(item, lang)
        # A long description wraps within its column; the row is as high as its lines.
        wrapped = pdf.multi_cell(
            _COLUMNS[0], 6, description, align="L", dry_run=True, output=MethodReturnValue.LINES
        )
        assert isinstance(wrapped, list)  # output=LINES
        height = 6 * max(1, len(wrapped))
        if pdf.will_page_break(height):
            pdf.add_page()
        top = pdf.get_y()
        pdf.multi_cell(_COLUMNS[0], 6, description, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
        cells = (
            str(item.quantity),
            money(item.unit_price, currency, lang, country),
            money(item.gross, currency, lang, country),
        )
        for width, cell in zip(_COLUMNS[1:], cells, strict=True):
            pdf.cell(width, 6, cell, align="R")
        pdf.set_xy(MARGIN, top + height)
    pdf.ln(2)


def _describe(item: Line, lang: str) -> str:
    return text(item.text, lang, {k: str(v) for k, v in item.params.items()})


def _totals(pdf: FPDF, printed: Printed) -> None:
    doc, lang = printed.document, printed.language

    def row(label: str, amount: Decimal, bold: bool = False) -> None:
        pdf.set_font(FONT, "B" if bold else "", 10)
        pdf.cell(WIDTH - 35, 6, label, align="R")
        pdf.cell(35, 6, money(amount, doc.currency, lang, doc.country), align="R")
        pdf.ln(6)

    if doc.vat_status.registered:
        row(text("net", lang), doc.net)
        rate = format_decimal(doc.vat_status.rate, locale=locale_of(lang, doc.country))
        row(text("vat_ch" if doc.country == "CH" else "vat", lang, {"rate": rate}), doc.vat)
    row(text("total", lang), doc.gross, bold=True)
    pdf.ln(2)
    if not doc.vat_status.registered:
        _write(pdf, text(doc.vat_status.exemption_note, lang), size=9)
    labour = money(doc.labour, doc.currency, lang, doc.country)
    key = "labour_35a" if doc.country == "DE" else "labour"
    _write(pdf, text(key, lang, {"amount": labour}), size=9)
    pdf.ln(4)


def _payment(pdf: FPDF, printed: Printed) -> None:
    doc, lang, payment = printed.document, printed.language, printed.payment
    if doc.kind is Kind.CREDIT_NOTE:
        if printed.paid_via is PaidVia.PLATFORM:
            _write(pdf, text("refund", lang))
        return
    if payment is None:
        _write(pdf, text("paid_directly", lang))
        return
    amount = money(payment.amount, payment.currency, lang, doc.country)
    due = format_date(printed.due_on, locale=locale_of(lang, doc.country)) if printed.due_on else ""
    _write(pdf, text("pay_within", lang, {"amount": amount, "due": due}), bold=True)
    if payment.method is not Method.TRANSFER:
        _write(pdf, text("scan_qr", lang))
    pdf.ln(2)
    top = pdf.get_y()
    details = [
        (text("recipient", lang), payment.creditor.name),
        (text("iban", lang), format_iban(payment.creditor.iban)),
        *([(text("bic", lang), payment.creditor.bic)] if payment.creditor.bic else []),
        (text("reference", lang), format_reference(payment.reference)),
    ]
    for label, value in details:
        pdf.set_font(FONT, "", 9)
        pdf.cell(55, 5, label)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if payment.method is Method.EPC_QR:
        image = BytesIO()
        epc_qr(payment).save(image, kind="png", scale=8, border=4)
        image.seek(0)
        pdf.image(image, x=210 - MARGIN - 40, y=top - 8, w=40, h=40)
    elif payment.method is Method.SWISS_QR_BILL:
        if pdf.get_y() > QR_BILL_TOP - 5:
            pdf.add_page()
        svg = BytesIO(swiss_qr_bill_svg(payment).encode("utf-8"))
        pdf.image(svg, x=0, y=QR_BILL_TOP, w=210)
