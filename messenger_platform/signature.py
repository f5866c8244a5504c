"""Webhook authentication as Meta does it: HMAC-SHA256 of the raw body with the app secret."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Hub-Signature-256"


def sign(body: bytes, app_secret: str) -> str:
    """The header value Meta would send for this body (used by tests and the simulator)."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def is_valid(body: bytes, header_value: str | None, app_secret: str) -> bool:
    # An unset secret must never make every request look authentic.
    if not app_secret or not header_value or not header_value.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(body, app_secret).encode(), header_value.encode())


def verify_subscription(params: dict[str, str], verify_token: str) -> str | None:
    """The challenge to echo for Meta's GET verification, or None when it must be refused."""
    if not verify_token:
        return None
    if params.get("hub.mode") != "subscribe":
        return None
    # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, a 500).
    given = params.get("hub.verify_token") or ""
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    return params.get("hub.challenge", "")
