"""The website chat's pure rules (webchat_platform): session tokens, what a message may be,
locales, client addresses, and the rate limiter's arithmetic on a fake clock."""

from __future__ import annotations

import re

import pytest

from webchat_platform import limits, sessions, texts
from webchat_platform.limits import RateLimiter, TextCheck, TokenBuckets, Verdict

SECRET = "unit-secret"


def test_a_new_conversation_id_is_web_and_32_hex_digits_and_never_repeats() -> None:
    ids = {sessions.new_conversation_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"web-[0-9a-f]{32}", i) for i in ids)
    assert all(sessions.is_conversation_id(i) for i in ids)
    assert not sessions.is_conversation_id("1234567890")  # a Messenger PSID
    assert not sessions.is_conversation_id("web-" + "A" * 32)
    assert not sessions.is_conversation_id(None)


def test_a_signed_token_verifies_to_its_conversation() -> None:
    conversation = sessions.new_conversation_id()
    token = sessions.sign(conversation, SECRET)
    assert re.fullmatch(r"web-[0-9a-f]{32}\.[A-Za-z0-9_-]{43}", token)
    assert sessions.verify(token, SECRET) == conversation
    # The same every time: any server with the secret recognises it.
    assert sessions.sign(conversation, SECRET) == token


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.split(".")[0],  # the bare id
        lambda t: t.split(".")[0] + "." + "A" * 43,  # a made-up signature
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: sessions.new_conversation_id() + "." + t.split(".")[1],  # another id
        lambda t: t + "=",
        lambda t: t + "." + t,
        lambda t: "",
        lambda t: None,
        lambda t: 12345,
        lambda t: t.split(".")[0] + "." + "x" * 10_000,
    ],
)
def test_a_forged_or_changed_token_does_not_verify(mangle: object) -> None:
    token = sessions.sign(sessions.new_conversation_id(), SECRET)
    assert callable(mangle)
    assert sessions.verify(mangle(token), SECRET) is None


def test_another_secret_or_none_verifies_nothing() -> None:
    token = sessions.sign(sessions.new_conversation_id(), SECRET)
    assert sessions.verify(token, "another-secret") is None
    assert sessions.verify(token, "") is None
    with pytest.raises(ValueError):
        sessions.sign(sessions.new_conversation_id(), "")
    with pytest.raises(ValueError):
        sessions.sign("1234567890", SECRET)


def test_message_size_is_counted_in_characters() -> None:
    assert limits.check_text("ä" * 2000, 2000) is TextCheck.OK
    assert limits.check_text("ä" * 2001, 2000) is TextCheck.TOO_LONG
    assert limits.check_text("  \n ", 2000) is TextCheck.EMPTY
    assert limits.check_text(None, 2000) is TextCheck.EMPTY
    assert limits.check_text({"text": "x"}, 2000) is TextCheck.EMPTY


def test_the_locale_comes_from_the_browser_then_the_page() -> None:
    assert limits.locale_of({"language": "de-CH", "page_language": "en"}) == "de-CH"
    assert limits.locale_of({"page_language": "en-GB"}) == "en-GB"
    assert limits.locale_of({"language": "<script>", "page_language": "de"}) == "de"
    assert limits.locale_of({"language": "x" * 100}) is None
    assert limits.locale_of("de") is None
    assert limits.locale_of(None) is None


def test_allowed_origins_are_parsed_strictly() -> None:
    assert limits.allowed_origins(" http://127.0.0.1:8090, https://shop.example/ ,") == [
        "http://127.0.0.1:8090",
        "https://shop.example",
    ]
    assert limits.allowed_origins("") == []
    for wrong in ("shop.example", "ftp://shop.example", "https://shop.example/chat"):
        with pytest.raises(ValueError):
            limits.allowed_origins(wrong)


def test_the_client_address_trusts_forwarded_for_only_from_our_proxies() -> None:
    proxies = frozenset({"10.0.0.1", "10.0.0.2"})
    assert limits.client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9"
    assert limits.client_address("10.0.0.1", "1.2.3.4, 198.51.100.7", proxies) == "198.51.100.7"
    assert limits.client_address("10.0.0.1", "198.51.100.7, 10.0.0.2", proxies) == "198.51.100.7"
    assert limits.client_address("10.0.0.1", "garbage", proxies) == "10.0.0.1"
    assert limits.client_address("10.0.0.1", None, proxies) == "10.0.0.1"


def test_a_bucket_allows_its_burst_then_refills_evenly() -> None:
    buckets = TokenBuckets(per_minute=20, capacity=20)
    assert [buckets.take("s", 0.0) for _ in range(21)] == [True] * 20 + [False]
    assert not buckets.take("s", 2.9)  # one token takes 3 s
    assert buckets.take("s", 3.0)
    assert not buckets.take("s", 3.1)
    assert buckets.take("other", 3.1)  # every key has its own
    # Full buckets are forgotten now and then.
    buckets.take("s", 1000.0)
    assert len(buckets) == 1


def test_a_flood_is_warned_once_a_window_and_the_rest_dropped() -> None:
    limiter = RateLimiter(per_minute=20)
    verdicts = [limiter.message("flood", "1.1.1.1", n / 200) for n in range(200)]
    assert verdicts[:20] == [Verdict.ALLOW] * 20
    refused = verdicts[20:]
    assert refused.count(Verdict.WARN) == 1 and refused[0] is Verdict.WARN
    assert refused.count(Verdict.ALLOW) == 0
    # Another session from the same address is not slowed by the flood.
    assert limiter.message("neighbour", "1.1.1.1", 1.0) is Verdict.ALLOW
    # A minute on: tokens again, and a new warning if it floods again.
    assert limiter.message("flood", "1.1.1.1", 61.0) is Verdict.ALLOW
    later = [limiter.message("flood", "1.1.1.1", 61.0) for _ in range(30)]
    assert Verdict.WARN in later


def test_an_address_is_limited_over_all_its_sessions_and_new_ones() -> None:
    limiter = RateLimiter(per_minute=2, ip_factor=3)  # 6 a minute per address
    assert [limiter.session_request("9.9.9.9", 0.0) for _ in range(3)] == [True] * 3
    assert limiter.message("a", "9.9.9.9", 0.0) is Verdict.ALLOW
    assert limiter.message("b", "9.9.9.9", 0.0) is Verdict.ALLOW
    assert limiter.message("c", "9.9.9.9", 0.0) is Verdict.ALLOW
    assert limiter.message("d", "9.9.9.9", 0.0) is Verdict.WARN
    assert not limiter.session_request("9.9.9.9", 0.0)
    # Session d's own token was given back: it may write once the address has room.
    assert limiter.message("d", "9.9.9.9", 10.0) is Verdict.ALLOW
    assert limiter.message("x", "8.8.8.8", 0.0) is Verdict.ALLOW


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("de-DE", "de"),
        ("de_AT", "de"),
        ("en-GB", "en"),
        ("fr-FR", "fr"),
        ("it_CH", "it"),
        ("pl_PL", "pl"),
        ("tlh", "de"),
        (None, "de"),
    ],
)
def test_the_channels_own_sentences_are_in_the_customers_language(
    locale: str | None, language: str
) -> None:
    assert texts.language_of(locale) == language
    refusal = texts.text("too_long", locale, max_chars=2000)
    assert ("zu lang" in refusal) == (language == "de")
    assert ("trop long" in refusal) == (language == "fr")
    assert ("troppo lungo" in refusal) == (language == "it")
    assert ("za długa" in refusal) == (language == "pl")
    assert "2000" in refusal
    assert texts.text("slow_down", locale)


def test_swiss_german_writes_ss() -> None:
    original = texts.TEXTS["slow_down"]["de"]
    texts.TEXTS["slow_down"]["de"] = "Grüße und Maß"
    try:
        assert texts.text("slow_down", "de-CH") == "Grüsse und Mass"
        assert texts.text("slow_down", "de-DE") == "Grüße und Maß"
    finally:
        texts.TEXTS["slow_down"]["de"] = original
