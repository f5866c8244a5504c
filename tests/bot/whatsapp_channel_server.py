"""Run by tests/bot/test_whatsapp_channel.py with .venv-bot's Python (the channel imports Rasa):
our WhatsApp channel's blueprint on a Sanic server of its own, with a stand-in for Rasa's
message handler instead of a trained model, so that the channel's rules (signature, batches,
de-duplication across restarts, statuses, push, media) are tested in seconds. With
CUSTOMER_APP_SECRET set the Messenger channel is served beside it (its photos).

The stand-in writes each turn it gets to TURNS_FILE (one JSON line: text, sender, message id,
metadata) and answers: "/ask" with yes/no buttons, "/categories" with seven choices, "/many"
with twelve, anything else with "echo: <text>"; a text containing "slow" takes half a second.

    python tests/bot/whatsapp_channel_server.py PORT TURNS_FILE
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.messenger_channel import MessengerInput
from bot.whatsapp_channel import WhatsAppInput

CATEGORIES = ["Computer", "Handy", "Drucker", "Internet", "Fernseher", "Smart Home", "Anderes"]


def _append(path: Path, line: str) -> None:
    with path.open("a") as out:
        out.write(line + "\n")


def main() -> None:
    port, turns_file = int(sys.argv[1]), Path(sys.argv[2])
    channel = WhatsAppInput.from_credentials(None)

    async def on_new_message(message: UserMessage) -> None:
        record: dict[str, Any] = {
            "text": message.text,
            "sender": message.sender_id,
            "message_id": message.message_id,
            "metadata": message.metadata,
            "input_channel": message.input_channel,
        }
        await asyncio.to_thread(_append, turns_file, json.dumps(record))
        text = message.text or ""
        output = message.output_channel
        if "slow" in text:
            await asyncio.sleep(0.5)
        if text == "/ask":
            buttons = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}]
            await output.send_text_with_buttons(message.sender_id, "Passt das?", buttons)
        elif text == "/categories":
            buttons = [{"title": c, "payload": f"/category_{n}"} for n, c in enumerate(CATEGORIES)]
            await output.send_text_with_buttons(message.sender_id, "Which area is it?", buttons)
        elif text == "/many":
            buttons = [{"title": f"Termin {n}", "payload": f"/slot_{n}"} for n in range(1, 13)]
            await output.send_text_with_buttons(message.sender_id, "Welcher Termin?", buttons)
        else:
            await output.send_text_message(message.sender_id, f"echo: {text}")

    app = Sanic("whatsapp_channel_check")

    async def healthz(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    app.add_route(healthz, "/healthz", methods=["GET"])
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/whatsapp")
    if os.environ.get("CUSTOMER_APP_SECRET"):
        # The Messenger channel beside it: its photos go through the same media store.
        messenger = MessengerInput.from_credentials(None)
        app.blueprint(messenger.blueprint(on_new_message), url_prefix="/webhooks/messenger")
    app.run(host="127.0.0.1", port=port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
