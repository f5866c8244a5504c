from datetime import UTC, datetime, timedelta

from messenger_platform.send_policy import (
    MAX_ATTEMPTS,
    Outcome,
    RateLimiter,
    Verdict,
    backoff_seconds,
    classify,
    outcome,
    within_window,
)


def test_error_codes_meta_says_are_transient_are_retried() -> None:
    for code, subcode in ((1200, None), (2, None), (4, None), (613, None)):
        assert classify(400, code, subcode) is Verdict.RETRY


def test_every_throttling_code_is_retried_whatever_the_http_status() -> None:
    # Page-level throttling (32) was once taken as permanent and the message dropped.
    for code in (4, 17, 32, 613, 80006):
        for status in (400, 403, 429):
            assert classify(status, code) is Verdict.RETRY


def test_permanent_errors_are_not_retried() -> None:
    for code, subcode in ((10, 2018278), (100, None), (190, None), (200, None), (551, None)):
        assert classify(400, code, subcode) is Verdict.PERMANENT


def test_network_trouble_is_retried_and_success_is_sent() -> None:
    assert classify(0, None) is Verdict.RETRY  # connection refused, timeout
    assert classify(502, None) is Verdict.RETRY
    assert classify(200, None) is Verdict.SENT
    assert classify(400, None) is Verdict.PERMANENT  # a 400 without an error body


def test_backoff_grows_and_is_capped() -> None:
    for attempt in range(12):
        delays = [backoff_seconds(attempt, base=1, cap=60) for _ in range(200)]
        assert all(0 <= d <= min(60, 2**attempt) for d in delays)
    # Jitter: the waits are spread, not identical.
    assert len({round(backoff_seconds(5), 3) for _ in range(50)}) > 40


def test_the_24_hour_window() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert within_window(now - timedelta(hours=23, minutes=59), now)
    assert not within_window(now - timedelta(hours=24), now)
    assert not within_window(None, now)


async def test_rate_limiter_lets_a_full_bucket_through_then_paces() -> None:
    now = [0.0]
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(rate=50, clock=lambda: now[0], sleep=fake_sleep)
    for _ in range(50):
        await limiter.acquire()
    assert sleeps == []  # a full bucket: the first 50 go at once
    for _ in range(50):
        await limiter.acquire()
    # The next 50 wait one token (1/50 s) each: a second in all, never faster than the rate.
    assert len(sleeps) == 50
    assert abs(now[0] - 1.0) < 1e-9


def test_an_attempt_is_sent_retried_after_its_backoff_or_failed_for_good() -> None:
    assert outcome(200, {"message_id": "m.1"}, 0) == Outcome("sent")
    down = {"error": {"code": 2, "message": "down"}}
    assert outcome(503, down, 3, backoff=float) == Outcome(
        "retry", "503 2/None: down", timedelta(seconds=3)
    )
    gone = {"error": {"code": 551, "error_subcode": 1545041, "message": "gone"}}
    assert outcome(400, gone, 0) == Outcome("failed", "400 551/1545041: gone")
    # The last allowed attempt is not retried, whatever the answer.
    assert outcome(503, down, MAX_ATTEMPTS - 2, backoff=float).result == "retry"
    assert outcome(503, down, MAX_ATTEMPTS - 1).result == "failed"
