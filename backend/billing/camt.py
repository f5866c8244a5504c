"""Credits read from ISO 20022 bank statements: camt.053 (statement) and camt.054 (notification),
versions .02 to .08 (the elements read here are the same in all of them but the entry's status,
a text in .02 and ``Sts/Cd`` from .05 on; the transaction's amount, ``AmtDtls/TxAmt/Amt`` or
``Amt``; the debtor, ``Dbtr/Nm`` or ``Dbtr/Pty/Nm``).

Only booked credits (``CdtDbtInd`` CRDT, status BOOK, not a reversal) are returned, one per
transaction (a batch booking has several). ``entry_id`` names a transaction for de-duplication:
the statement account's IBAN with the bank's reference of the transaction (``AcctSvcrRef``), so
the same payment seen in a camt.054 and again in the day's camt.053, or a statement imported
twice, has the same id. A bank that gives no reference gets a digest of the transaction's
fields.

Banks' files are parsed with xml.etree; a document with a DOCTYPE is refused (no entity
expansion can happen without one; camt files never have one).
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum import iso11649

from backend.billing.references import invoice_number, is_valid_qrr

_NAMESPACE = re.compile(
    r"^\{urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.0([2-8])\}Document$"
)
_CONTAINERS = {"camt.053": "BkToCstmrStmt/Stmt", "camt.054": "BkToCstmrDbtCdtNtfctn/Ntfctn"}
_RF_START = re.compile(r"\bRF\d{2}")
_QRR_RUN = re.compile(r"(?<![0-9])(?:\d ?){26}\d(?![0-9])")


class StatementError(ValueError):
    """Not a camt.053/054 we can read."""


@dataclass(frozen=True)
class Credit:
    entry_id: str
    account: str  # the IBAN the money came in on
    amount: Decimal
    currency: str
    reference: str  # structured creditor reference (RF or QRR), or one found in the free text
    booking_date: date
    debtor: str = ""
    remittance: str = ""  # the unstructured remittance text, for the review list


class _Reader:
    def __init__(self, namespace: str) -> None:
        self._ns = namespace

    def _path(self, path: str) -> str:
        return "/".join(f"{{{self._ns}}}{part}" for part in path.split("/"))

    def find(self, element: ET.Element, path: str) -> ET.Element | None:
        return element.find(self._path(path))

    def all(self, element: ET.Element, path: str) -> list[ET.Element]:
        return element.findall(self._path(path))

    def text(self, element: ET.Element, *paths: str) -> str:
        """The stripped text of the first of ``paths`` that is there, else ""."""
        for path in paths:
            found = self.find(element, path)
            if found is not None and found.text and found.text.strip():
                return found.text.strip()
        return ""


def parse(document: bytes) -> list[Credit]:
    if b"<!DOCTYPE" in document[:4096].upper():
        raise StatementError("a bank statement has no DOCTYPE")
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        raise StatementError(f"not XML: {exc}") from None
    match = _NAMESPACE.match(root.tag)
    if match is None:
        raise StatementError(f"not a camt.053/054 document: {root.tag}")
    namespace = root.tag[1:].partition("}")[0]
    reader = _Reader(namespace)
    credits = []
    for statement in reader.all(root, _CONTAINERS[match.group(1)]):
        account = reader.text(statement, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
        for entry in reader.all(statement, "Ntry"):
            credits.extend(_credits(reader, account, entry))
    return credits


def _credits(reader: _Reader, account: str, entry: ET.Element) -> list[Credit]:
    status = reader.text(entry, "Sts/Cd", "Sts")
    if (
        reader.text(entry, "CdtDbtInd") != "CRDT"
        or status != "BOOK"
        or reader.text(entry, "RvslInd").lower() == "true"
    ):
        return []
    entry_amount = reader.find(entry, "Amt")
    if entry_amount is None:
        raise StatementError("an entry without an amount")
    booked = _date(reader.text(entry, "BookgDt/Dt", "BookgDt/DtTm"))
    transactions = reader.all(entry, "NtryDtls/TxDtls")
    credits = []
    for index, tx in enumerate(transactions or [entry]):
        amount_element = None
        if tx is not entry:  # an element without children is falsy: no `or` here
            amount_element = reader.find(tx, "AmtDtls/TxAmt/Amt")
            if amount_element is None:
                amount_element = reader.find(tx, "Amt")
        if amount_element is None:
            if len(transactions) > 1:
                raise StatementError("a batch transaction without its own amount")
            amount_element = entry_amount
        amount = _amount(amount_element.text)
        currency = amount_element.get("Ccy", "")
        remittance = " ".join(
            (element.text or "").strip() for element in reader.all(tx, "RmtInf/Ustrd")
        ).strip()
        reference = reader.text(tx, "RmtInf/Strd/CdtrRefInf/Ref") or _reference_in(remittance)
        bank_ref = reader.text(tx, "Refs/AcctSvcrRef")
        if not bank_ref and reader.text(entry, "AcctSvcrRef"):
            bank_ref = f"{reader.text(entry, 'AcctSvcrRef')}/{index}"
        if not bank_ref:
            fields = (
                account,
                str(booked),
                str(amount),
                currency,
                reference,
                reader.text(tx, "Refs/EndToEndId"),
                remittance,
                str(index),
            )
            bank_ref = "sha256:" + hashlib.sha256("|".join(fields).encode()).hexdigest()[:32]
        credits.append(
            Credit(
                entry_id=f"{account}:{bank_ref}",
                account=account,
                amount=amount,
                currency=currency,
                reference=reference.replace(" ", "").upper(),
                booking_date=booked,
                debtor=reader.text(tx, "RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm"),
                remittance=remittance,
            )
        )
    return credits


def _amount(text: str | None) -> Decimal:
    try:
        amount = Decimal((text or "").strip())
    except InvalidOperation:
        raise StatementError(f"not an amount: {text!r}") from None
    if not amount.is_finite() or amount < 0:
        raise StatementError(f"not an amount: {text!r}")
    return amount


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise StatementError(f"not a booking date: {text!r}") from None


def _reference_in(remittance: str) -> str:
    """One of our references a payer typed into the free text (spaces allowed), if any: an RF
    reference of an invoice number (always 16 characters) or a QRR, its check digits holding."""
    upper = remittance.upper()
    for start in _RF_START.finditer(upper):
        compact = re.sub(r"[^0-9A-Z]", "", upper[start.start() : start.start() + 24])[:16]
        if iso11649.is_valid(compact) and invoice_number(compact) is not None:
            return compact
    for run in _QRR_RUN.finditer(upper):
        compact = run.group(0).replace(" ", "")
        if is_valid_qrr(compact):
            return compact
    return ""
