from decimal import Decimal

from backend.domain.money import commission, format_money, friend_payout


def test_commission_is_twenty_percent() -> None:
    assert commission(Decimal("49.00")) == Decimal("9.80")
    assert friend_payout(Decimal("49.00")) == Decimal("39.20")


def test_payout_and_commission_always_add_up_to_the_price() -> None:
    for cents in range(0, 20001, 7):
        price = Decimal(cents) / 100
        assert commission(price) + friend_payout(price) == price


def test_money_is_written_the_way_each_language_writes_it() -> None:
    assert format_money(Decimal("39.2"), "EUR", "de") == "39,20 EUR"
    assert format_money(Decimal("63.2"), "CHF", "en") == "63.20 CHF"
