"""A Friend's VAT status in a country: exempt as a small business, or registered with the
country's standard rate.

The Friend supplies the service, so the invoice carries the Friend's VAT status (configured per
Friend and country). Package prices are end prices to consumers (they must include VAT where
VAT is due), so VAT is taken out of the gross price, never added on top: a customer pays the
same for the same package whichever Friend comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Standard rates for the services we sell (IT help at home), in per cent.
STANDARD_RATES: dict[str, Decimal] = {
    "DE": Decimal("19"),
    "AT": Decimal("20"),
    "CH": Decimal("8.1"),
    "FR": Decimal("20"),
    "IT": Decimal("22"),
    "PL": Decimal("23"),
}


class UnknownVatCountry(ValueError):
    """No VAT rules for this country."""


@dataclass(frozen=True)
class VatStatus:
    """``registered`` with ``rate`` (per cent), or exempt as a small business (rate 0).

    ``vat_id`` is the Friend's VAT number, printed on the invoice when registered.
    """

    country: str
    registered: bool
    rate: Decimal
    vat_id: str = ""

    @classmethod
    def small_business(cls, country: str) -> VatStatus:
        _known(country)
        return cls(country=country, registered=False, rate=Decimal(0))

    @classmethod
    def vat_registered(cls, country: str, vat_id: str = "") -> VatStatus:
        return cls(country=country, registered=True, rate=_known(country), vat_id=vat_id)

    @property
    def exemption_note(self) -> str:
        """The text key of the legal note an exempt invoice must carry ("" when registered)."""
        return "" if self.registered else f"vat_exempt_{self.country.lower()}"


def _known(country: str) -> Decimal:
    try:
        return STANDARD_RATES[country]
    except KeyError:
        raise UnknownVatCountry(country) from None
