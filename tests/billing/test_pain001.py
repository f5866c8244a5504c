"""Payout files: pain.001.001.09 valid against the ISO schema, one transfer per Friend, SEPA for
euros, domestic for francs and złoty."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
import sepaxml
import xmlschema

from backend.billing.pain001 import SCHEMA, Account, Transfer, payout_file
from backend.billing.references import InvalidIban

NS = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}
XSD = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
PLATFORM = {
    "EUR": Account("techfriends GmbH", "DE89370400440532013000", "COBADEFFXXX"),
    "CHF": Account("techfriends GmbH", "CH9300762011623852957"),
    "PLN": Account("techfriends GmbH", "PL61109010140000071219812874"),
}
FRIENDS = {
    "EUR": ("AT611904300234573201", "DE02120300000000202051"),
    "CHF": ("CH5604835012345678009", "CH9300762011623852957"),
    "PLN": ("PL27114020040000300201355387", "PL61109010140000071219812874"),
}


def run(currency: str, amounts: tuple[str, str] = ("63.20", "0.05")) -> ET.Element:
    transfers = [
        Transfer("Łukasz Żółć", FRIENDS[currency][0], D(amounts[0]), "techfriends 2026-11", "F1"),
        Transfer("Jürg Frei", FRIENDS[currency][1], D(amounts[1]), "techfriends 2026-11", "F2"),
    ]
    xml = payout_file(
        PLATFORM[currency],
        transfers,
        currency,
        date(2026, 12, 1),
        f"TF-PAYOUT-2026-11-{currency}",
        datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
    )
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    return ET.fromstring(xml)


@pytest.mark.parametrize(
    ("currency", "service_level"), [("EUR", "SEPA"), ("CHF", None), ("PLN", None)]
)
def test_a_payout_file_per_currency(currency: str, service_level: str | None) -> None:
    root = run(currency)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header is not None
    assert header.findtext("p:MsgId", namespaces=NS) == f"TF-PAYOUT-2026-11-{currency}"
    assert header.findtext("p:CreDtTm", namespaces=NS) == "2026-12-01T03:00:00"
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "2"
    assert header.findtext("p:CtrlSum", namespaces=NS) == "63.25"
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info is not None
    assert info.findtext("p:PmtTpInf/p:SvcLvl/p:Cd", namespaces=NS) == service_level
    assert info.findtext("p:ReqdExctnDt/p:Dt", namespaces=NS) == "2026-12-01"
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == PLATFORM[currency].iban
    transfers = info.findall("p:CdtTrfTxInf", NS)
    assert [
        (
            t.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
            t.findtext("p:Amt/p:InstdAmt", namespaces=NS),
            t.find("p:Amt/p:InstdAmt", NS).get("Ccy"),  # type: ignore[union-attr]
            t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
            t.findtext("p:Cdtr/p:Nm", namespaces=NS),
        )
        for t in transfers
    ] == [
        ("F1", "63.20", currency, FRIENDS[currency][0], "Lukasz Zolc"),  # SEPA's Latin set
        ("F2", "0.05", currency, FRIENDS[currency][1], "Jurg Frei"),
    ]


@pytest.mark.parametrize(
    ("transfers", "error"),
    [
        ([Transfer("A", "DE89370400440532013001", D("1.00"), "x", "F1")], InvalidIban),
        ([Transfer("A", "AT611904300234573201", D("1.001"), "x", "F1")], ValueError),
        ([Transfer("A", "AT611904300234573201", D("0.00"), "x", "F1")], ValueError),
        (
            [
                Transfer("A", "AT611904300234573201", D("1.00"), "x", "F1"),
                Transfer("B", "AT611904300234573201", D("1.00"), "x", "F1"),
            ],
            ValueError,
        ),
        ([], ValueError),
    ],
)
def test_a_payout_file_refuses_what_a_bank_would(
    transfers: list[Transfer], error: type[Exception]
) -> None:
    with pytest.raises(error):
        payout_file(
            PLATFORM["EUR"],
            transfers,
            "EUR",
            date(2026, 12, 1),
            "TF-PAYOUT-2026-11-EUR",
            datetime(2026, 12, 1, tzinfo=UTC),
        )
