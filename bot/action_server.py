"""The action server: rasa-sdk's app for the `actions` package, plus `GET /healthz`.

`rasa run actions` offers no way to add a route; every techfriends process answers /healthz.
Usage: python -m bot.action_server [--port 5055] [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server")
    parser.add_argument("--host", default=os.environ.get("ACTIONS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT") or 5055))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app("actions", cors_origins=None)

    @app.get("/healthz")
    async def healthz(request: Request) -> HTTPResponse:
        return response.json({"status": "ok", "service": "actions"})

    # One worker: Sanic's multi-worker mode forks, and the actions keep no state anyway.
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
