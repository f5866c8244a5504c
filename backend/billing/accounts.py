"""The platform's bank accounts per issuing country (what customers transfer to), and how
invoices are paid: read from the environment, with demo defaults (well-known test IBANs).

Per country ``CC`` (DE, AT, CH): ``BILLING_CC_IBAN``, ``BILLING_CC_BIC``, ``BILLING_CC_NAME``,
``BILLING_CC_STREET``, ``BILLING_CC_HOUSE_NUMBER``, ``BILLING_CC_POSTAL_CODE``,
``BILLING_CC_CITY``; Switzerland also ``BILLING_CH_QR_IBAN`` (a QR-IBAN takes QRR references;
without one the QR-bill carries the SCOR reference to the IBAN). ``BILLING_PAYMENT_DAYS``: the
payment term (10); ``BILLING_CHAT_PAYMENT``: how a job reported done in the Friends' chat is
paid, ``platform`` (the customer gets an invoice with transfer details) or ``direct``.
Every IBAN is checked when the settings are read, so a typo stops the process at start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from backend.billing.journal import PaidVia
from backend.billing.qr import Creditor
from backend.billing.references import is_qr_iban, validate_iban


@dataclass(frozen=True)
class Account:
    name: str
    iban: str
    street: str
    house_number: str
    postal_code: str
    city: str
    country: str
    bic: str = ""
    qr_iban: str = ""  # CH only

    def creditor(self) -> Creditor:
        """Who the customer pays: the QR-IBAN where there is one (QRR reference), else the IBAN."""
        return Creditor(
            name=self.name,
            iban=self.qr_iban or self.iban,
            street=self.street,
            house_number=self.house_number,
            postal_code=self.postal_code,
            city=self.city,
            country=self.country,
            bic=self.bic,
        )


DEMO_ACCOUNTS: dict[str, Account] = {
    "DE": Account(
        "techfriends GmbH",
        "DE89370400440532013000",
        "Invalidenstraße",
        "117",
        "10115",
        "Berlin",
        "DE",
        "COBADEFFXXX",
    ),
    "AT": Account(
        "techfriends GmbH",
        "AT611904300234573201",
        "Mariahilfer Straße",
        "1",
        "1060",
        "Wien",
        "AT",
        "BKAUATWWXXX",
    ),
    "CH": Account(
        "techfriends AG",
        "CH9300762011623852957",
        "Bahnhofstrasse",
        "1",
        "8001",
        "Zürich",
        "CH",
        qr_iban="CH4431999123000889012",
    ),
}
FIELDS = ("name", "iban", "street", "house_number", "postal_code", "city", "bic", "qr_iban")


@dataclass(frozen=True)
class BillingSettings:
    accounts: Mapping[str, Account] = field(default_factory=lambda: dict(DEMO_ACCOUNTS))
    payment_days: int = 10
    chat_payment: PaidVia = PaidVia.PLATFORM
    # Where customers reach the backend (Settings.public_base_url, kept in step by Settings):
    # the invoice's PDF link in the customer's chat starts here.
    public_base_url: str = "http://127.0.0.1:8000"

    def __post_init__(self) -> None:
        for country, account in self.accounts.items():
            try:
                validate_iban(account.iban)
                if account.qr_iban and not is_qr_iban(account.qr_iban):
                    raise ValueError(f"{account.qr_iban} is no QR-IBAN")
            except ValueError as exc:
                raise ValueError(f"BILLING_{country}_IBAN / _QR_IBAN: {exc}") from None
        if not 0 < self.payment_days <= 90:
            raise ValueError("BILLING_PAYMENT_DAYS must be between 1 and 90")

    def creditor(self, country: str) -> Creditor | None:
        account = self.accounts.get(country)
        return account.creditor() if account else None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> BillingSettings:
        accounts = {}
        for country, demo in DEMO_ACCOUNTS.items():
            # A country whose IBAN is set takes its BIC and QR-IBAN from the environment only
            # (empty: none), never the demo's; the rest falls back to the demo's address.
            own = bool(env.get(f"BILLING_{country}_IBAN"))
            values = {
                name: env.get(f"BILLING_{country}_{name.upper()}")
                or ("" if own and name in ("bic", "qr_iban") else getattr(demo, name))
                for name in FIELDS
            }
            accounts[country] = Account(country=country, **values)
        chat = env.get("BILLING_CHAT_PAYMENT") or PaidVia.PLATFORM
        if chat not in tuple(PaidVia):
            raise ValueError("BILLING_CHAT_PAYMENT must be platform or direct")
        return cls(
            accounts=accounts,
            payment_days=int(env.get("BILLING_PAYMENT_DAYS") or 10),
            chat_payment=PaidVia(chat),
        )
