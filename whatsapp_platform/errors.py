"""What a Cloud API error means for the message, from the HTTP status and Meta's `error.code`
(and `error_subcode`): one table, one function.

The same codes come back synchronously (the Send API's answer) and asynchronously (a `failed`
status in the webhook, `statuses[].errors[].code`): `classify` takes both (status None for
a webhook). Codes from Meta's "WhatsApp error codes" reference:

- 131047 re-engagement message: more than 24 hours since the person wrote → send a template.
- 131026 message undeliverable (no WhatsApp, old app, blocked us) → a person must phone.
- 130429 throughput, 131056 pair rate limit, 131048 spam rate limit, 4 and 80007 (Graph call
  limits) → wait and send again (backoff).
- 132000-132999 template errors (parameter count, missing, paused, disabled, …) → alert the
  operators; retrying cannot help and a loop would only repeat the error.
- 131000 something went wrong, 131016 service unavailable, 1 and 2 (Graph unknown/service),
  133004 server temporarily unavailable, any 5xx, a timeout (status 0) → retry with backoff.
- anything else (other 4xx: bad parameter, token, permission, …) → failed for good.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from enum import Enum
from typing import Any

from messenger_platform.send_policy import backoff_seconds, graph_error


class Action(Enum):
    SENT = "sent"
    USE_TEMPLATE = "use_template"  # outside the 24-hour window
    ALERT_SUPPORT = "alert_support"  # not deliverable: support phones the person
    BACK_OFF = "back_off"  # a rate limit: the same message later
    ALERT_NEVER_RETRY = "alert_never_retry"  # a template is broken: operators fix it
    RETRY = "retry"  # Meta or the network failed: the same message later
    FAILED = "failed"  # refused for good

    @property
    def retries(self) -> bool:
        return self in (Action.BACK_OFF, Action.RETRY)


# (code, subcode) first, then (code, None); then the ranges. Order of the ranges matters.
BY_CODE: Mapping[tuple[int, int | None], Action] = {
    (131047, None): Action.USE_TEMPLATE,
    (131026, None): Action.ALERT_SUPPORT,
    (130429, None): Action.BACK_OFF,
    (131056, None): Action.BACK_OFF,
    (131048, None): Action.BACK_OFF,
    (4, None): Action.BACK_OFF,
    (80007, None): Action.BACK_OFF,
    (131000, None): Action.RETRY,
    (131016, None): Action.RETRY,
    (133004, None): Action.RETRY,
    (1, None): Action.RETRY,
    (2, None): Action.RETRY,
}
BY_RANGE: tuple[tuple[range, Action], ...] = ((range(132000, 133000), Action.ALERT_NEVER_RETRY),)

# Rate limits are waited out from a longer base than a failure: Meta allows one message
# every 6 seconds to the same person (131056).
BACKOFF_BASE_SECONDS: Mapping[Action, float] = {Action.BACK_OFF: 6.0, Action.RETRY: 1.0}


def classify(status: int | None, code: int | None, subcode: int | None = None) -> Action:
    """What an answer means. `status`: the HTTP status, 0 for no answer (a timeout, a
    refused connection), None for an error reported in a `failed` status webhook."""
    if code is not None:
        action = BY_CODE.get((code, subcode)) or BY_CODE.get((code, None))
        if action is not None:
            return action
        for codes, ranged in BY_RANGE:
            if code in codes:
                return ranged
    if status is None:
        return Action.FAILED if code is not None else Action.SENT
    if code is None and 200 <= status < 400:
        return Action.SENT
    if status == 429:
        return Action.BACK_OFF
    if status == 0 or status >= 500:
        return Action.RETRY
    return Action.FAILED


def of_answer(status: int, data: Any) -> Action:
    """`classify` for a Send API answer: its status and its decoded JSON body (any shape)."""
    code, subcode, _ = graph_error(data) if isinstance(data, dict) else (None, None, "")
    return classify(status, code, subcode)


def retry_in(
    action: Action, earlier_attempts: int, backoff: Callable[..., float] = backoff_seconds
) -> timedelta | None:
    """How long to wait before the next attempt (full-jitter exponential backoff, as the
    Messenger outboxes), None when this action is never retried."""
    base = BACKOFF_BASE_SECONDS.get(action)
    if base is None:
        return None
    return timedelta(seconds=backoff(earlier_attempts, base=base))
