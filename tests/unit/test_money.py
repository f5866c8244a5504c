from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.money import (
    CurrencyMismatch,
    Money,
    Settlement,
    commission,
    extra_blocks,
    format_money,
    friend_payout,
    settle,
    settle_money,
    totals_by_currency,
)
from backend.domain.packages import packages_from


def test_commission_is_twenty_percent() -> None:
    assert commission(Decimal("49.00")) == Decimal("9.80")
    assert friend_payout(Decimal("49.00")) == Decimal("39.20")


def test_payout_and_commission_always_add_up_to_the_price() -> None:
    for cents in range(0, 20001, 7):
        price = Decimal(cents) / 100
        assert commission(price) + friend_payout(price) == price


def test_money_is_written_the_way_each_language_writes_it() -> None:
    # One function writes every amount (product/money.py, babel's CLDR data).
    assert format_money(Decimal("39.2"), "EUR", "de") == "39,20 €"
    assert format_money(Decimal("39.2"), "EUR", "en") == "€39.20"
    assert format_money(Decimal("39.2"), "EUR", "fr") == "39,20 €"
    assert format_money(Decimal("39.2"), "EUR", "it") == "39,20 €"
    # Swiss francs the Swiss way in every language, zloty the Polish way.
    for language in ("de", "en", "fr", "it"):
        assert format_money(Decimal("63.2"), "CHF", language) == "CHF 63.20"
    assert format_money(Decimal("1279"), "CHF", "fr") == "CHF 1'279.00"
    assert format_money(Decimal("79"), "PLN", "pl") == "79,00 zł"
    assert format_money(Decimal("1279.5"), "PLN", "de") == "1 279,50 zł"


def test_half_a_cent_of_commission_rounds_up_to_the_platform() -> None:
    # 20 % of 0.05 is 0.010 exactly; of 0.13 it is 0.026 → 0.03; of 0.12 it is 0.024 → 0.02.
    assert settle(Decimal("0.05"), 0, Decimal("0")) == Settlement(
        Decimal("0.05"), Decimal("0.01"), Decimal("0.04")
    )
    assert commission(Decimal("0.13")) == Decimal("0.03")
    assert commission(Decimal("0.12")) == Decimal("0.02")
    # 20 % of 10.025 would be 2.005: half-up gives 2.01, banker's rounding would give 2.00.
    assert commission(Decimal("10.025")) == Decimal("2.01")


def test_extra_time_is_billed_per_started_quarter_hour() -> None:
    assert [extra_blocks(m) for m in (0, 1, 15, 16, 30, 45, 60, 61)] == [0, 1, 1, 2, 2, 3, 4, 5]
    with pytest.raises(ValueError):
        extra_blocks(-1)
    done = settle(Decimal("89.00"), 30, Decimal("11.00"))
    assert done == Settlement(Decimal("111.00"), Decimal("22.20"), Decimal("88.80"))
    swiss = settle(Decimal("79.00"), 20, Decimal("19.50"))
    assert swiss == Settlement(Decimal("118.00"), Decimal("23.60"), Decimal("94.40"))


@given(
    cents=st.integers(min_value=0, max_value=10_000_000),
    minutes=st.integers(min_value=0, max_value=480),
    rate_cents=st.integers(min_value=0, max_value=10_000),
)
def test_a_settlement_always_adds_up_and_keeps_about_a_fifth(
    cents: int, minutes: int, rate_cents: int
) -> None:
    done = settle(Decimal(cents) / 100, minutes, Decimal(rate_cents) / 100)
    assert done.commission + done.payout == done.price
    assert abs(done.commission - done.price / 5) <= Decimal("0.005")
    assert done.price == done.price.quantize(Decimal("0.01"))


def test_amounts_in_different_currencies_are_never_added() -> None:
    euros = Money(Decimal("39.20"), "EUR")
    assert euros + Money(Decimal("10.80"), "EUR") == Money(Decimal("50.00"), "EUR")
    with pytest.raises(CurrencyMismatch):
        _ = euros + Money(Decimal("63.20"), "CHF")
    with pytest.raises(CurrencyMismatch):
        settle_money(euros, 15, Money(Decimal("19.50"), "CHF"))
    # No extra time: the rate's currency does not matter (nothing of it is added).
    assert settle_money(euros, 0, Money(Decimal(0), "CHF")).price == Decimal("39.20")


def test_totals_across_currencies_are_kept_apart_per_currency() -> None:
    entries = [
        Money(Decimal("39.20"), "EUR"),
        Money(Decimal("63.20"), "CHF"),
        Money(Decimal("119.20"), "PLN"),
        Money(Decimal("44.00"), "EUR"),
    ]
    assert totals_by_currency(entries) == {
        "EUR": Decimal("83.20"),
        "CHF": Decimal("63.20"),
        "PLN": Decimal("119.20"),
    }
    assert totals_by_currency([]) == {}


def test_a_price_in_another_currency_than_its_country_is_refused() -> None:
    spec = {"minutes": 60, "name": {"de": "x"}}
    ok = packages_from({"p": {**spec, "prices": {"PL": {"amount": "149.00", "currency": "PLN"}}}})
    assert ok["p"].prices["PL"].currency == "PLN"
    with pytest.raises(ValueError, match="PL"):
        packages_from({"p": {**spec, "prices": {"PL": {"amount": "49.00", "currency": "EUR"}}}})


def test_compact_amounts_for_buttons_drop_zero_cents_only() -> None:
    from product.money import amount_only
    from product.money import format_money as write

    assert write(Decimal("79"), "CHF", "de", compact=True) == "CHF 79"
    assert write(Decimal("149"), "PLN", "pl", compact=True) == "149 zł"
    assert write(Decimal("49"), "EUR", "en", compact=True) == "€49"
    assert write(Decimal("49.50"), "EUR", "de", compact=True) == "49,50 €"
    assert amount_only(Decimal("269"), "PLN", "pl") == "269"
    assert write("not a number", "EUR", "de") == "0,00 €"


def test_the_console_writes_earnings_with_the_same_function() -> None:
    from backend.console.web import jinja_environment

    template = jinja_environment().from_string("{{ total|money(currency, lang) }}")
    assert template.render(total=Decimal("63.2"), currency="CHF", lang="en") == "CHF 63.20"
    assert template.render(total=Decimal("39.2"), currency="EUR", lang="de") == "39,20 €"
