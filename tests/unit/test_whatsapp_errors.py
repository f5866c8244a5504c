"""whatsapp_platform.errors: what each Cloud API error means for the message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from whatsapp_platform.errors import Action, classify, of_answer, retry_in


def _error(code: int, title: str, subcode: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "message": f"({code}) {title}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": title},
        "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


@pytest.mark.parametrize(
    ("status", "code", "action"),
    [
        (400, 131047, Action.USE_TEMPLATE),
        (400, 131026, Action.ALERT_SUPPORT),
        (400, 130429, Action.BACK_OFF),
        (400, 131056, Action.BACK_OFF),
        (400, 131048, Action.BACK_OFF),
        (400, 4, Action.BACK_OFF),
        (400, 80007, Action.BACK_OFF),
        (400, 132000, Action.ALERT_NEVER_RETRY),
        (404, 132001, Action.ALERT_NEVER_RETRY),
        (400, 132015, Action.ALERT_NEVER_RETRY),
        (400, 132016, Action.ALERT_NEVER_RETRY),
        (500, 131000, Action.RETRY),
        (503, 131016, Action.RETRY),
        (500, 1, Action.RETRY),
        (503, 2, Action.RETRY),
        (503, 133004, Action.RETRY),
        (400, 100, Action.FAILED),
        (401, 190, Action.FAILED),
        (403, 10, Action.FAILED),
        (400, 131009, Action.FAILED),
        (400, 131051, Action.FAILED),
        (502, 99999, Action.RETRY),  # an unknown code on a 5xx: Meta failed, not the message
    ],
)
def test_the_error_table(status: int, code: int, action: Action) -> None:
    assert of_answer(status, _error(code, "title")) is action
    assert classify(status, code) is action


def test_answers_without_a_graph_error() -> None:
    sent = {"messaging_product": "whatsapp", "messages": [{"id": "wamid.X"}]}
    assert of_answer(200, sent) is Action.SENT
    assert of_answer(0, {}) is Action.RETRY  # timeout, refused connection
    assert of_answer(502, "<html>Bad Gateway</html>") is Action.RETRY
    assert of_answer(504, {}) is Action.RETRY
    assert of_answer(429, {}) is Action.BACK_OFF
    assert of_answer(400, {}) is Action.FAILED
    assert of_answer(404, {"error": "not an object"}) is Action.FAILED


def test_a_failed_status_webhook_has_no_http_status() -> None:
    assert classify(None, 131047) is Action.USE_TEMPLATE
    assert classify(None, 131026) is Action.ALERT_SUPPORT
    assert classify(None, 135000) is Action.FAILED
    assert classify(None, None) is Action.SENT


def test_only_rate_limits_and_failures_are_retried_with_backoff() -> None:
    assert {a for a in Action if a.retries} == {Action.BACK_OFF, Action.RETRY}
    for action in Action:
        if not action.retries:
            assert retry_in(action, 3) is None

    def biggest(attempt: int, base: float = 1.0, cap: float = 300.0) -> float:
        return float(min(cap, base * 2**attempt))

    assert retry_in(Action.RETRY, 2, biggest) == timedelta(seconds=4)
    assert retry_in(Action.BACK_OFF, 2, biggest) == timedelta(seconds=24)
    assert retry_in(Action.BACK_OFF, 20, biggest) == timedelta(seconds=300)
    jittered = retry_in(Action.RETRY, 1)
    assert jittered is not None and timedelta(0) <= jittered <= timedelta(seconds=2)
