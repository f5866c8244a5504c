"""Playing a customer and a Friend against the running system, as the end-to-end tests do.

What the bot says is read back from the fake Graph API; a customer answers the question the
bot asked last, tapping the quick replies it offered. Questions are recognised by their
quick-reply payloads and a few key words, not by whole sentences, so rewording a response does
not break the tests, while a changed flow (a question asked twice, an answer not understood)
fails with the whole transcript.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp

from simulator.graph_client import fetch_calls, wait_for_calls
from simulator.webhook_bodies import (
    encode_signed,
    image_event,
    location_event,
    page_body,
    postback_event,
    quick_reply_event,
    text_event,
)
from tests.e2e.conftest import SECRETS, System, post_customer_webhook

Call = dict[str, Any]
Predicate = Callable[[Call], bool]
CUSTOMER_TOKEN = SECRETS["CUSTOMER_PAGE_ACCESS_TOKEN"]
FRIENDS_TOKEN = SECRETS["FRIENDS_PAGE_ACCESS_TOKEN"]
# A turn on two shared cores, with six test suites running, can take a while.
TURN_SECONDS = 60


def text(call: Call) -> str:
    message = call["body"].get("message") or {}
    if "text" in message:
        return str(message["text"])
    return str(((message.get("attachment") or {}).get("payload") or {}).get("text", ""))


def quick_replies(call: Call) -> list[str]:
    message = call["body"].get("message") or {}
    return [q["payload"] for q in message.get("quick_replies") or []]


def quick_reply_titles(call: Call) -> dict[str, str]:
    """payload → title of the quick replies under a message."""
    message = call["body"].get("message") or {}
    return {q["payload"]: q.get("title", "") for q in message.get("quick_replies") or []}


def buttons(call: Call) -> list[str]:
    message = call["body"].get("message") or {}
    payload = (message.get("attachment") or {}).get("payload") or {}
    return [b.get("payload", "") for b in payload.get("buttons") or []]


def is_message(call: Call) -> bool:
    return isinstance(call["body"], dict) and "message" in call["body"]


def payload_entities(payload: str) -> dict[str, Any]:
    """The entities of a Rasa payload such as '/inform{"package":"setup"}'."""
    brace = payload.find("{")
    if brace < 0:
        return {}
    value = json.loads(payload[brace:])
    return value if isinstance(value, dict) else {}


class Chat:
    """One customer's Messenger conversation with the bot, seen from the customer's phone."""

    def __init__(self, system: System, psid: str) -> None:
        self.system, self.psid, self.cursor = system, psid, 0
        self.transcript: list[str] = []

    async def say(self, message: str, expect: str) -> list[Call]:
        return await self.send_text(message, lambda c: expect in text(c))

    async def tap(self, title: str, payload: str, expect: str) -> list[Call]:
        return await self.send_tap(title, payload, lambda c: expect in text(c))

    async def send_text(self, message: str, until: Predicate) -> list[Call]:
        self.transcript.append(f"customer: {message}")
        await self.deliver_text(message)
        return await self.wait_until(until)

    async def send_tap(self, title: str, payload: str, until: Predicate) -> list[Call]:
        self.transcript.append(f"customer taps: {title} ({payload})")
        await self.deliver_tap(title, payload)
        return await self.wait_until(until)

    async def send_image(self, url: str, until: Predicate) -> list[Call]:
        self.transcript.append(f"customer sends a photo: {url}")
        await self.deliver_image(url)
        return await self.wait_until(until)

    # How a message reaches the bot: a signed webhook here, the simulator page in the browser.
    async def deliver_text(self, message: str) -> None:
        await self._post(text_event(self.psid, "customer-page", message))

    async def deliver_tap(self, title: str, payload: str) -> None:
        await self._post(quick_reply_event(self.psid, "customer-page", title, payload))

    async def send_location(self, lat: float, long: float, until: Predicate) -> list[Call]:
        self.transcript.append(f"customer shares the location {lat}, {long}")
        await self._post(location_event(self.psid, "customer-page", lat, long))
        return await self.wait_until(until)

    async def deliver_image(self, url: str) -> None:
        await self._post(image_event(self.psid, "customer-page", url))

    async def _post(self, event: dict[str, Any]) -> None:
        assert await post_customer_webhook(self.system, [event]) == 200

    async def wait(self, expect: str) -> list[Call]:
        """Bot messages since the last step, once one of them contains `expect`."""
        return await self.wait_until(lambda c: expect in text(c))

    async def wait_until(self, until: Predicate) -> list[Call]:
        """Bot messages since the last step, once one of them satisfies `until`."""
        try:
            await wait_for_calls(
                self.system.graph_url,
                lambda c: is_message(c) and until(c),
                TURN_SECONDS,
                since=self.cursor,
                page_token=CUSTOMER_TOKEN,
                recipient=self.psid,
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}\ntranscript:\n" + "\n".join(self.transcript)) from None
        calls, self.cursor = await fetch_calls(
            self.system.graph_url, since=self.cursor, page_token=CUSTOMER_TOKEN, recipient=self.psid
        )
        messages = [c for c in calls if is_message(c)]
        for call in messages:
            assert call["body"]["messaging_type"] == "RESPONSE"
            self.transcript.append(f"bot: {text(call)} {quick_replies(call) or ''}".rstrip())
        return messages


# --- the booking, question by question -------------------------------------------------------

# Key words of the form's questions in both languages; re-asks ("Mir fehlt noch die
# Hausnummer.") are statements, so only a question mark or quick replies make a question.
QUESTION_WORDS = {
    "description": re.compile(r"beschreiben Sie|describe", re.IGNORECASE),
    "postal_code": re.compile(r"Postleitzahl\?|postal code\?", re.IGNORECASE),
    "street": re.compile(r"Hausnummer\?|house number\?", re.IGNORECASE),
    "name": re.compile(r"Wie heißen Sie|your name\?", re.IGNORECASE),
    "phone": re.compile(r"Telefonnummer[^.?]*\?|phone number[^.?]*\?", re.IGNORECASE),
    # Asked on the website chat only.
    "email": re.compile(r"per E-Mail bekommen\?|by e-mail as well\?", re.IGNORECASE),
}
SUBMITTED = re.compile(r"12 Stunden|12 hours")


def question(call: Call) -> str | None:
    """Which part of the booking the bot asks for in this message, or None."""
    payloads = quick_replies(call) or buttons(call)
    keys = {key for p in payloads for key in payload_entities(p)}
    if "category" in keys:
        return "category"
    if "package" in keys:
        return "package"
    if "time_window" in keys:
        return "time"
    if "country" in keys and "postal_code" in keys:
        return "place"
    if {"/affirm", "/change", "/cancel"} <= set(payloads):
        return "summary"
    if {"/affirm", "/deny"} <= set(payloads):
        return "consent"
    if SUBMITTED.search(text(call)):
        return "submitted"
    said = text(call)
    return next((name for name, words in QUESTION_WORDS.items() if words.search(said)), None)


@dataclass
class Customer:
    """What a customer answers; `package` is the package id, `city` picks among places."""

    psid: str
    greeting: str
    description: str
    category: str
    postal_code: str
    city: str
    package: str
    street: str
    time: str
    name: str
    phone: str
    locale: str = "de_DE"  # what Meta's user profile says, e.g. "en_GB"
    # A photo of the problem, sent when the bot asks for the postal code.
    image_url: str | None = None
    # Shared (latitude, longitude) instead of typing the postal code.
    location: tuple[float, float] | None = None
    asked: list[str] = field(default_factory=list)
    # Given when the website chat asks for it; None taps "No, thanks".
    email: str | None = None


@dataclass
class Booking:
    chat: Chat
    # Every bot message of the conversation, by the question it ended with.
    turns: dict[str, list[Call]]
    confirmation: str  # the bot's message with the job's reference


async def book(system: System, customer: Customer, chat: Chat | None = None) -> Booking:
    """Book a job as `customer` would: answer each question the bot asks, then confirm."""
    chat = chat or Chat(system, customer.psid)
    await set_profile(system, customer.psid, customer.name.split()[0], customer.locale)
    turns: dict[str, list[Call]] = {}
    described = False
    photo_pending = customer.image_url is not None
    calls = await chat.send_text(customer.greeting, _asks)
    for _ in range(20):
        asked = [q for c in calls if (q := question(c))]
        last = asked[-1]
        if last in turns and last != "category":
            raise AssertionError(f"the bot asked for {last} twice:\n" + "\n".join(chat.transcript))
        turns[last] = calls
        customer.asked.append(last)
        if last == "submitted":
            confirmation = next(text(c) for c in calls if SUBMITTED.search(text(c)))
            return Booking(chat, turns, confirmation)
        final = next(c for c in reversed(calls) if question(c) == last)
        if last == "category" and not described:
            # Welcome: people write what is wrong rather than tap an area.
            described = True
            calls = await chat.send_text(customer.description, _asks)
        elif last == "description":
            described = True
            calls = await chat.send_text(customer.description, _asks)
        elif last == "postal_code" and customer.image_url and photo_pending:
            # The bot thanks for the photo and asks the same question again.
            photo_pending = False
            calls = await chat.send_image(customer.image_url, _asks)
            turns["photo"] = calls
            del turns["postal_code"]
        elif last == "postal_code" and customer.location:
            calls = await chat.send_location(*customer.location, _asks)
        elif last == "email" and customer.email is None:
            calls = await chat.send_tap("Nein, danke", "/deny", _asks)
        elif last in ("category", "package", "place", "consent", "summary"):
            payload, title = _choice(final, last, customer)
            calls = await chat.send_tap(title, payload, _asks)
        else:
            answer = {
                "postal_code": customer.postal_code,
                "street": customer.street,
                "name": customer.name,
                "phone": customer.phone,
                "email": customer.email or "",
                # Typed, as people do, although the quick replies offer examples.
                "time": customer.time,
            }[last]
            calls = await chat.send_text(answer, _asks)
    raise AssertionError("no booking after 20 turns:\n" + "\n".join(chat.transcript))


def _asks(call: Call) -> bool:
    return question(call) is not None


def _choice(call: Call, asked: str, customer: Customer) -> tuple[str, str]:
    """The quick reply this customer taps: (payload, title)."""
    options = quick_reply_titles(call)
    if asked in ("consent", "summary"):
        return "/affirm", options.get("/affirm", "Ja")
    for payload, title in options.items():
        entities = payload_entities(payload)
        if asked == "category" and entities.get("category") == customer.category:
            return payload, title
        if asked == "package" and entities.get("package") == customer.package:
            return payload, title
        if asked == "place" and customer.city in title:
            return payload, title
    raise AssertionError(f"no quick reply for {asked} = {customer!r} in {options}")


async def set_profile(system: System, psid: str, first_name: str, locale: str) -> None:
    """What the fake Graph API answers when the bot looks up this person's profile."""
    async with (
        aiohttp.ClientSession() as http,
        http.put(
            f"{system.graph_url}/_control/profiles/{psid}",
            json={"first_name": first_name, "locale": locale},
        ) as response,
    ):
        assert response.status == 200, await response.text()


# --- the backend and the Friends' page -------------------------------------------------------


async def api(system: System, method: str, path: str, token: str, **kwargs: Any) -> Any:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method,
            system.backend_url + path,
            headers={"Authorization": f"Bearer {token}"},
            **kwargs,
        ) as response,
    ):
        assert response.status < 300, await response.text()
        return await response.json()


async def friends_tap(system: System, sender: str, payload: str) -> None:
    await friends_webhook(system, postback_event(sender, "friends-page", payload, "tap"))


async def friends_webhook(system: System, event: dict[str, Any]) -> None:
    raw, headers = encode_signed(page_body("friends-page", [event]), SECRETS["FRIENDS_APP_SECRET"])
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{system.backend_url}/webhooks/friends", data=raw, headers=headers) as r,
    ):
        assert r.status == 200


# Customers whose answers are known to work with the trained model, with no psid of their
# own: callers give each run one (dataclasses.replace). The load test plays them by turns.
# Frankfurt: no Friend of the other tests is near, so no offers of theirs mix in.
FRANKFURT_TV_CUSTOMER = Customer(
    psid="",
    greeting="Hallo",
    description="Der Fernseher findet keine Sender mehr",
    category="tv_entertainment",
    postal_code="60311",
    city="Frankfurt am Main",
    package="quick_help",
    street="Zeil 10",
    time="morgen Vormittag",
    name="Gerda Schubert",
    phone="069 1234567",
)


def playing(template: Customer, psid: str) -> Customer:
    """The scripted customer's answers for another Messenger sender (with its own `asked`)."""
    return replace(template, psid=psid, asked=[])


def scripted(name: str, psid: str) -> Customer:
    """The scripted customer of that name (SCRIPTED_CUSTOMERS), playing as `psid`."""
    return playing(next(c for c in SCRIPTED_CUSTOMERS if c.name == name), psid)


SCRIPTED_CUSTOMERS: tuple[Customer, ...] = (
    Customer(
        psid="",
        greeting="Hallo",
        description="Mein WLAN bricht ständig ab",
        category="internet_wifi",
        postal_code="10115",
        city="Berlin",
        package="quick_help",
        street="Hauptstr. 5a",
        time="morgen Nachmittag",
        name="Erika Mustermann",
        phone="0171 9876543",
    ),
    Customer(
        psid="",
        greeting="Grüezi",
        description="Min Samsung Fernseher findet keine Sender mehr",
        category="tv_entertainment",
        postal_code="8001",
        city="Zürich",
        package="quick_help",
        street="Bahnhofstrasse 12",
        time="morgen Vormittag",
        name="Vreni Meier",
        phone="079 123 45 67",
        locale="de_CH",
    ),
    Customer(
        psid="",
        greeting="Servus",
        description="Mein tado Thermostat reagiert nicht mehr",
        category="smart_home",
        postal_code="1010",
        city="Wien",
        package="setup",
        street="Stephansplatz 3",
        time="morgen Nachmittag",
        name="Franz Huber",
        phone="0664 1234567",
        locale="de_AT",
    ),
    Customer(
        psid="",
        greeting="Hello there",
        description="My HP printer has stopped printing, it's rather annoying",
        category="printer",
        postal_code="80331",
        city="München",
        package="quick_help",
        street="Sendlinger Straße 7",
        time="tomorrow morning",
        name="Oliver Bennett",
        phone="0171 2345678",
        locale="en_GB",
    ),
    Customer(
        psid="",
        greeting="Guten Tag",
        description="Mein Laptop startet nicht mehr",
        category="computer",
        postal_code="",
        city="Berlin",
        package="setup",
        street="Alexanderstraße 7",
        time="so schnell wie möglich",
        name="Helga Brandt",
        phone="030 2345678",
        location=(52.5219, 13.4132),
    ),
    FRANKFURT_TV_CUSTOMER,
)
