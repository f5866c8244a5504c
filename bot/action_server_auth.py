"""Who may call the action server (issue 21, point 7): it runs the custom actions with the
backend's internal token, so anyone who reaches it can book, read and cancel jobs.

It listens on 127.0.0.1 unless ACTIONS_HOST says otherwise. Listening anywhere else needs a
shared token (ACTION_SERVER_TOKEN), which Rasa sends as `Authorization: Bearer …` (its
endpoints.yml `headers`, written by tools/stack.py); a token that is set is checked on
loopback too. Only GET /healthz answers without it. No Sanic imports: the tests of the
backend's venv read this module too.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping

TOKEN_SETTING = "ACTION_SERVER_TOKEN"
HOST_SETTING = "ACTIONS_HOST"
DEFAULT_HOST = "127.0.0.1"
OPEN_PATHS = frozenset({"/healthz"})


class ListenError(ValueError):
    """A setting that keeps the action server from starting, with the line that says why."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen_settings(env: Mapping[str, str], host: str | None = None) -> tuple[str, str]:
    """(host to bind, token to require or ""); ListenError when it listens beyond this
    machine without a token."""
    bound = host or env.get(HOST_SETTING) or DEFAULT_HOST
    token = env.get(TOKEN_SETTING, "").strip()
    if not is_loopback(bound) and not token:
        raise ListenError(
            f"the action server listens on {bound}, beyond this machine: set {TOKEN_SETTING} "
            f"(Rasa sends it; tools/stack.py writes it into endpoints.yml) or bind "
            f"{HOST_SETTING}={DEFAULT_HOST}"
        )
    return bound, token


def authorised(token: str, path: str, authorization: str | None) -> bool:
    """Whether a request may reach the actions: no token required, an open path, or the
    right `Authorization: Bearer` token."""
    if not token or path in OPEN_PATHS:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )
