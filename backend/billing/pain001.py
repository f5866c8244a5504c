"""Friends' payouts as an ISO 20022 pain.001 credit transfer file, built with ``sepaxml``.

One file per currency and run. EUR: a SEPA credit transfer (service level SEPA). CHF and PLN:
the same pain.001 without the SEPA service level (``domestic``): a domestic payment in the bank's
currency.

What sepaxml supports for Swiss payouts: the ISO schemas pain.001.001.03 and .09 only, validated
against the ISO XSDs it ships. It has no Swiss Payment Standards flavour (pain.001.001.09.ch.03,
SPS 2022: the Swiss XSD, structured addresses, ``CtgyPurp``, QR references); Swiss banks accept
pain.001.001.09 in ISO form for plain IBAN-to-IBAN transfers, which is what a payout is, so CHF
payouts use pain.001.001.09 ``domestic``. A bank that insists on the .ch.03 schema needs that
flavour written ourselves.

The file's message id is the run's own (``message_id``) and its creation time the run's, so
the same run gives the same identifiers; PmtInfId is sepaxml's random one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sepaxml import SepaTransfer
from sepaxml.validation import try_valid_xml

from backend.billing.amounts import to_minor
from backend.billing.references import validate_iban

SCHEMA = "pain.001.001.09"
SEPA_CURRENCIES = ("EUR",)
_NS = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"


@dataclass(frozen=True)
class Account:
    """The platform's account the payouts are paid from."""

    name: str
    iban: str
    bic: str = ""


@dataclass(frozen=True)
class Transfer:
    name: str
    iban: str
    amount: Decimal
    description: str  # e.g. "techfriends 2026-11"; at most 140 characters
    end_to_end_id: str  # e.g. "TF-2026-11-F42"; at most 35 characters, unique per run
    bic: str = ""


def payout_file(
    debtor: Account,
    transfers: Sequence[Transfer],
    currency: str,
    execution_date: date,
    message_id: str,
    created_at: datetime,
) -> bytes:
    """The pain.001 document, valid against the ISO schema (sepaxml validates it)."""
    if not transfers:
        raise ValueError("a payout file has at least one transfer")
    if not 1 <= len(message_id) <= 35:
        raise ValueError("a message id has 1 to 35 characters")
    ids = [t.end_to_end_id for t in transfers]
    if len(set(ids)) != len(ids):
        raise ValueError("end-to-end ids repeat")
    config: dict[str, object] = {
        "name": debtor.name,
        "IBAN": validate_iban(debtor.iban),
        "batch": True,
        "currency": currency,
        "domestic": currency not in SEPA_CURRENCIES,
    }
    if debtor.bic:
        config["BIC"] = debtor.bic
    sepa = SepaTransfer(config, schema=SCHEMA, clean=True)
    for transfer in transfers:
        if transfer.amount <= 0:
            raise ValueError(f"{transfer.end_to_end_id}: a payout is positive")
        payment: dict[str, object] = {
            "name": transfer.name,
            "IBAN": validate_iban(transfer.iban),
            "amount": to_minor(transfer.amount),
            "currency": currency,
            "execution_date": execution_date,
            "description": transfer.description,
            "endtoend_id": transfer.end_to_end_id,
        }
        if transfer.bic:
            payment["BIC"] = transfer.bic
        sepa.add_payment(payment)
    document = ET.fromstring(sepa.export(validate=True))
    header = document.find(f"{{{_NS}}}CstmrCdtTrfInitn/{{{_NS}}}GrpHdr")
    assert header is not None
    for name, value in (
        ("MsgId", message_id),
        ("CreDtTm", created_at.strftime("%Y-%m-%dT%H:%M:%S")),
    ):
        element = header.find(f"{{{_NS}}}{name}")
        assert element is not None
        element.text = value
    ET.register_namespace("", _NS)
    out = b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(
        document, encoding="unicode"
    ).encode("utf-8")
    try_valid_xml(out, SCHEMA)
    return out
