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
from product.languages import DEFAULT_LANGUAGE

# Messenger's locale for each language's texts; the default language's texts are Messenger's
# "default", shown to everyone whose locale has none of its own.
MESSENGER_LOCALES = {"en": "en_US"}

Menu = list[tuple[str, str]]  # (title, postback payload), in the order shown


def _locale(language: str) -> str:
    return "default" if language == DEFAULT_LANGUAGE else MESSENGER_LOCALES[language]


def page_profile(
    get_started: str, greetings: dict[str, str], menus: dict[str, Menu]
) -> dict[str, Any]:
    """A Messenger Profile API body: Get Started, the greeting and the persistent menu per
    language."""
    return {
        "get_started": {"payload": get_started},
        "greeting": [
            {"locale": _locale(language), "text": text} for language, text in greetings.items()
        ],
        "persistent_menu": [
            {
                "locale": _locale(language),
                "composer_input_disabled": False,
                "call_to_actions": [
                    {"type": "postback", "title": title, "payload": payload}
                    for title, payload in menu
                ],
            }
            for language, menu in menus.items()
        ],
    }


CUSTOMER_PROFILE = page_profile(
    "/get_started",
    {
        "de": "Hallo {{user_first_name}}! Hier bekommen Sie schnelle Hilfe bei Technik "
        "von geprüften Helfern in Ihrer Nähe. Ich bin ein automatischer Assistent.",
        "en": "Hello {{user_first_name}}! Get quick help with technology from vetted "
        "helpers near you. I am an automated assistant.",
    },
    {
        "de": [
            ("Hilfe buchen", "/get_started"),
            ("Meine Aufträge", "/my_jobs"),
            ("Mit einem Menschen sprechen", "/human_handoff"),
        ],
        "en": [
            ("Book help", "/get_started"),
            ("My jobs", "/my_jobs"),
            ("Talk to a person", "/human_handoff"),
        ],
    },
)

FRIENDS_PROFILE = page_profile(
    "START",
    {
        "de": "Willkommen bei techfriends! Hier bekommen Sie Aufträge aus Ihrer Nachbarschaft.",
        "en": "Welcome to techfriends! Get jobs from your neighbourhood here.",
    },
    {
        "de": [
            ("Meine Aufträge", "MY_JOBS"),
            ("Online gehen", "GO_ONLINE"),
            ("Offline gehen", "GO_OFFLINE"),
            ("Profil", "PROFILE"),
            ("Hilfe", "HELP"),
        ],
        "en": [
            ("My jobs", "MY_JOBS"),
            ("Go online", "GO_ONLINE"),
            ("Go offline", "GO_OFFLINE"),
            ("Profile", "PROFILE"),
            ("Help", "HELP"),
        ],
    },
)

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
