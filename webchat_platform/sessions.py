"""Web conversations are named by the server and the browser keeps a signed token for one.

A conversation id is "web-" + 32 lowercase hex digits (128 random bits: nobody guesses
another customer's). The browser keeps "<conversation id>.<signature>", the signature an
HMAC-SHA256 of the id with WEBCHAT_SECRET in unpadded base64url. The server takes a
conversation id from a client only inside a token whose signature verifies, so a client can
neither pick nor forge someone else's conversation, and nothing has to be stored per session:
any Rasa server with the same secret recognises the token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from product.channels import WEBCHAT_ID_PREFIX

_ID = re.compile(re.escape(WEBCHAT_ID_PREFIX) + r"[0-9a-f]{32}")
# base64url of 32 bytes without padding is 43 characters.
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{43}")
# Longer input is not a token of ours; never hash megabytes sent by a stranger.
MAX_TOKEN_CHARS = 100


def new_conversation_id() -> str:
    return WEBCHAT_ID_PREFIX + secrets.token_hex(16)


def is_conversation_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def _signature(conversation_id: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), conversation_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(conversation_id: str, secret: str) -> str:
    """The token for a conversation id (the server's own ids only)."""
    if not secret:
        raise ValueError("WEBCHAT_SECRET is empty: no session token can be signed")
    if not is_conversation_id(conversation_id):
        raise ValueError(f"not a web conversation id: {conversation_id!r}")
    return f"{conversation_id}.{_signature(conversation_id, secret)}"


def verify(token: object, secret: str) -> str | None:
    """The conversation id inside a token the server signed, else None (also for an empty
    secret: an unset secret must never make a token look genuine)."""
    if not secret or not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        return None
    conversation_id, dot, signature = token.partition(".")
    if not dot or not is_conversation_id(conversation_id) or not _SIGNATURE.fullmatch(signature):
        return None
    expected = _signature(conversation_id, secret)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    return conversation_id
