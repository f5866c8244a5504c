from backend.domain.claims import ClaimOutcome, may_try_to_claim


def test_an_active_friend_who_got_the_offer_may_race() -> None:
    assert may_try_to_claim("active", was_offered=True) is None


def test_a_friend_without_an_offer_may_not_claim() -> None:
    assert may_try_to_claim("active", was_offered=False) is ClaimOutcome.NOT_OFFERED


def test_only_active_friends_may_claim() -> None:
    for status in ("applicant", "vetted", "paused", "suspended"):
        assert may_try_to_claim(status, was_offered=True) is ClaimOutcome.NOT_ACTIVE
