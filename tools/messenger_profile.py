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
# "default", shown to everyone whose locale has none of its own. A key that is a locale itself
# ("fr_CH", "it_CH") is the regional form of a language: Swiss French and Ticino customers get
# their own greeting and menu.
MESSENGER_LOCALES = {"en": "en_US", "fr": "fr_FR", "it": "it_IT", "pl": "pl_PL"}
SWISS_LOCALES = {"fr": "fr_CH", "it": "it_CH"}

Menu = list[tuple[str, str]]  # (title, postback payload), in the order shown

# The customers' menu entry that lets them pick another language at any time (the bot answers
# with the five languages as quick replies; a booking keeps what was already answered).
SWITCH_LANGUAGE = "/switch_language"


def _locale(key: str) -> str:
    if key == DEFAULT_LANGUAGE:
        return "default"
    return MESSENGER_LOCALES.get(key, key)


def with_swiss_forms(texts: dict[str, Any]) -> dict[str, Any]:
    """``texts`` plus fr_CH and it_CH, the same as French and Italian unless given."""
    regional = {
        locale: texts[language]
        for language, locale in SWISS_LOCALES.items()
        if language in texts and locale not in texts
    }
    return {**texts, **regional}


def page_profile(
    get_started: str, greetings: dict[str, str], menus: dict[str, Menu]
) -> dict[str, Any]:
    """A Messenger Profile API body: Get Started, the greeting and the persistent menu per
    language (and regional form)."""
    return {
        "get_started": {"payload": get_started},
        "greeting": [
            {"locale": _locale(key), "text": text}
            for key, text in with_swiss_forms(greetings).items()
        ],
        "persistent_menu": [
            {
                "locale": _locale(key),
                "composer_input_disabled": False,
                "call_to_actions": [
                    {"type": "postback", "title": title, "payload": payload}
                    for title, payload in menu
                ],
            }
            for key, menu in with_swiss_forms(menus).items()
        ],
    }


CUSTOMER_PROFILE = page_profile(
    "/get_started",
    {
        "de": "Hallo {{user_first_name}}! Hier bekommen Sie schnelle Hilfe bei Technik "
        "von geprüften Helfern in Ihrer Nähe. Ich bin ein automatischer Assistent.",
        "en": "Hello {{user_first_name}}! Get quick help with technology from vetted "
        "helpers near you. I am an automated assistant.",
        "fr": "Bonjour {{user_first_name}} ! Ici, de l’aide rapide pour la technique, par des "
        "techniciens vérifiés près de chez vous. Je suis un assistant automatique.",
        "it": "Buongiorno {{user_first_name}}! Qui riceve in fretta aiuto con la tecnologia da "
        "tecnici verificati vicino a Lei. Sono un assistente automatico.",
        "pl": "Dzień dobry, {{user_first_name}}! Tutaj szybko można dostać pomoc z techniką od "
        "sprawdzonych techników z okolicy. Jestem automatycznym asystentem.",
    },
    {
        "de": [
            ("Hilfe buchen", "/get_started"),
            ("Meine Aufträge", "/my_jobs"),
            ("Mit einem Menschen sprechen", "/human_handoff"),
            ("Sprache / Language", SWITCH_LANGUAGE),
        ],
        "en": [
            ("Book help", "/get_started"),
            ("My jobs", "/my_jobs"),
            ("Talk to a person", "/human_handoff"),
            ("Language / Sprache", SWITCH_LANGUAGE),
        ],
        "fr": [
            ("Demander de l’aide", "/get_started"),
            ("Mes demandes", "/my_jobs"),
            ("Parler à une personne", "/human_handoff"),
            ("Langue / Language", SWITCH_LANGUAGE),
        ],
        "it": [
            ("Chiedere aiuto", "/get_started"),
            ("Le mie richieste", "/my_jobs"),
            ("Parlare con una persona", "/human_handoff"),
            ("Lingua / Language", SWITCH_LANGUAGE),
        ],
        "pl": [
            ("Zamów pomoc", "/get_started"),
            ("Moje zlecenia", "/my_jobs"),
            ("Rozmowa z człowiekiem", "/human_handoff"),
            ("Język / Language", SWITCH_LANGUAGE),
        ],
    },
)

FRIENDS_PROFILE = page_profile(
    "START",
    {
        "de": "Willkommen bei techfriends! Hier bekommen Sie Aufträge aus Ihrer Nachbarschaft.",
        "en": "Welcome to techfriends! Get jobs from your neighbourhood here.",
        "fr": "Bienvenue chez techfriends ! Ici, vous recevez des missions de votre quartier.",
        "it": "Benvenuti da techfriends! Qui riceve incarichi dal Suo quartiere.",
        "pl": "Witamy w techfriends! Tutaj pojawiają się zlecenia z okolicy.",
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
        "fr": [
            ("Mes missions", "MY_JOBS"),
            ("Passer en ligne", "GO_ONLINE"),
            ("Passer hors ligne", "GO_OFFLINE"),
            ("Profil", "PROFILE"),
            ("Aide", "HELP"),
        ],
        "it": [
            ("I miei incarichi", "MY_JOBS"),
            ("Vai online", "GO_ONLINE"),
            ("Vai offline", "GO_OFFLINE"),
            ("Profilo", "PROFILE"),
            ("Aiuto", "HELP"),
        ],
        "pl": [
            ("Moje zlecenia", "MY_JOBS"),
            ("Jestem online", "GO_ONLINE"),
            ("Jestem offline", "GO_OFFLINE"),
            ("Profil", "PROFILE"),
            ("Pomoc", "HELP"),
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
