"""The action server: rasa-sdk's app for the `actions` package, plus `GET /healthz`.

`rasa run actions` offers no way to add a route; every techfriends process answers /healthz.
Usage: python -m bot.action_server [--port 5055] [--host 127.0.0.1]
Listening beyond 127.0.0.1 needs ACTION_SERVER_TOKEN (bot/action_server_auth.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import zlib
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.action_server_auth import ListenError, authorised, listen_settings
from messenger_platform import logs
from product.countries import service_countries


def ids_of_action_call(headers: Any, call: Any) -> tuple[str, str]:
    """(request id, conversation id) for an action call from Rasa.

    Rasa sends no request id, so the customer's message id (Messenger's mid, which our channel
    hands to Rasa and Rasa's logs carry) stands for the turn; the backend then logs the same id.
    """
    tracker = call.get("tracker") if isinstance(call, dict) else None
    latest = tracker.get("latest_message") if isinstance(tracker, dict) else None
    message_id = latest.get("message_id") if isinstance(latest, dict) else None
    sender = call.get("sender_id") if isinstance(call, dict) else None
    request_id = (
        logs.clean_id(headers.get(logs.REQUEST_ID_HEADER))
        or logs.clean_id(message_id if isinstance(message_id, str) else None)
        or logs.new_request_id()
    )
    return request_id, logs.clean_id(sender if isinstance(sender, str) else None) or ""


def _action_call(request: Request) -> Any:
    if request.method != "POST" or request.path != "/webhook" or not request.body:
        return None
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            return json.loads(zlib.decompress(request.body))
        return request.json  # parsed once: Sanic keeps it for the handler
    except (ValueError, zlib.error):
        return None  # rasa-sdk's handler answers the bad body


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server")
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT") or 5055))
    args = parser.parse_args()
    try:
        host, token = listen_settings(os.environ, args.host)
    except ListenError as exc:
        sys.exit(str(exc))
    try:
        # The same check as the backend's (backend/config.py): an unknown code stops the start.
        service_countries(os.environ)
    except ValueError as exc:
        sys.exit(str(exc))
    logs.configure("actions")  # LOG_FORMAT=json: one JSON object per line
    # Imported after logging is set up: its imports warn, and those lines must be JSON too.
    from rasa_sdk.endpoint import create_app

    app = create_app("actions", cors_origins=None)
    logs.adopt_handlers("actions")  # anything Sanic set up for itself

    async def bind_ids(request: Request) -> None:
        # Set for every call (a keep-alive connection runs its requests in one task).
        request_id, conversation = ids_of_action_call(request.headers, _action_call(request))
        logs.bind(request=request_id, conversation=conversation)

    app.register_middleware(bind_ids, "request")

    async def check_token(request: Request) -> HTTPResponse | None:
        if authorised(token, request.path, request.headers.get("Authorization")):
            return None
        return response.json({"error": "action server token required"}, status=401)

    app.register_middleware(check_token, "request")

    @app.get("/healthz")
    async def healthz(request: Request) -> HTTPResponse:
        return response.json({"status": "ok", "service": "actions"})

    # One worker: Sanic's multi-worker mode forks, and the actions keep no state anyway.
    app.run(host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
