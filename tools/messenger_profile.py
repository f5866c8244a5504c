"""Set each page's Get Started button, greeting and persistent menu (Messenger Profile API).

    .venv/bin/python -m tools.messenger_profile [--page customers|friends|both]

Uses MESSENGER_GRAPH_URL / MESSENGER_GRAPH_VERSION and the pages' access tokens from the
environment (or .env). The payloads mirror what the bot and the backend understand: the
customers' menu sends intents as `/intent` payloads, the Friends' menu sends commands.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import aiohttp

from backend.config import load_environment

CUSTOMER_PROFILE: dict[str, Any] = {
    "get_started": {"payload": "/get_started"},
    "greeting": [
        {
            "locale": "default",
            "text": "Hallo {{user_first_name}}! Hier bekommen Sie schnelle Hilfe bei Technik "
            "von geprüften Helfern in Ihrer Nähe. Ich bin ein automatischer Assistent.",
        },
        {
            "locale": "en_US",
            "text": "Hello {{user_first_name}}! Get quick help with technology from vetted "
            "helpers near you. I am an automated assistant.",
        },
    ],
    "persistent_menu": [
        {
            "locale": "default",
            "composer_input_disabled": False,
            "call_to_actions": [
                {"type": "postback", "title": "Hilfe buchen", "payload": "/get_started"},
                {"type": "postback", "title": "Meine Aufträge", "payload": "/my_jobs"},
                {
                    "type": "postback",
                    "title": "Mit einem Menschen sprechen",
                    "payload": "/human_handoff",
                },
            ],
        },
        {
            "locale": "en_US",
            "composer_input_disabled": False,
            "call_to_actions": [
                {"type": "postback", "title": "Book help", "payload": "/get_started"},
                {"type": "postback", "title": "My jobs", "payload": "/my_jobs"},
                {"type": "postback", "title": "Talk to a person", "payload": "/human_handoff"},
            ],
        },
    ],
}

FRIENDS_PROFILE: dict[str, Any] = {
    "get_started": {"payload": "START"},
    "greeting": [
        {
            "locale": "default",
            "text": "Willkommen bei techfriends! Hier bekommen Sie Aufträge aus Ihrer "
            "Nachbarschaft.",
        },
        {
            "locale": "en_US",
            "text": "Welcome to techfriends! Get jobs from your neighbourhood here.",
        },
    ],
    "persistent_menu": [
        {
            "locale": "default",
            "composer_input_disabled": False,
            "call_to_actions": [
                {"type": "postback", "title": "Meine Aufträge", "payload": "MY_JOBS"},
                {"type": "postback", "title": "Online gehen", "payload": "GO_ONLINE"},
                {"type": "postback", "title": "Offline gehen", "payload": "GO_OFFLINE"},
                {"type": "postback", "title": "Profil", "payload": "PROFILE"},
                {"type": "postback", "title": "Hilfe", "payload": "HELP"},
            ],
        },
        {
            "locale": "en_US",
            "composer_input_disabled": False,
            "call_to_actions": [
                {"type": "postback", "title": "My jobs", "payload": "MY_JOBS"},
                {"type": "postback", "title": "Go online", "payload": "GO_ONLINE"},
                {"type": "postback", "title": "Go offline", "payload": "GO_OFFLINE"},
                {"type": "postback", "title": "Profile", "payload": "PROFILE"},
                {"type": "postback", "title": "Help", "payload": "HELP"},
            ],
        },
    ],
}

PAGES = {
    "customers": ("CUSTOMER_PAGE_ACCESS_TOKEN", CUSTOMER_PROFILE),
    "friends": ("FRIENDS_PAGE_ACCESS_TOKEN", FRIENDS_PROFILE),
}


async def set_profile(
    http: aiohttp.ClientSession, graph_url: str, version: str, token: str, profile: dict[str, Any]
) -> dict[str, Any]:
    url = f"{graph_url.rstrip('/')}/{version}/me/messenger_profile"
    async with http.post(url, params={"access_token": token}, json=profile) as response:
        data: dict[str, Any] = await response.json(content_type=None)
        if response.status >= 400 or "error" in data:
            raise RuntimeError(f"Messenger Profile API refused: {response.status} {data}")
        return data


async def run(env: dict[str, str], pages: list[str]) -> None:
    graph_url = env.get("MESSENGER_GRAPH_URL") or "https://graph.facebook.com"
    version = env.get("MESSENGER_GRAPH_VERSION") or "v21.0"
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        for page in pages:
            token_name, profile = PAGES[page]
            token = env.get(token_name, "")
            if not token:
                raise RuntimeError(f"{token_name} is not set")
            await set_profile(http, graph_url, version, token, profile)
            print(f"{page}: Get Started, greeting and persistent menu set")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.messenger_profile")
    parser.add_argument("--page", choices=("customers", "friends", "both"), default="both")
    args = parser.parse_args()
    pages = ["customers", "friends"] if args.page == "both" else [args.page]
    try:
        asyncio.run(run(load_environment(), pages))
    except (RuntimeError, aiohttp.ClientError) as exc:
        print(f"messenger_profile: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
