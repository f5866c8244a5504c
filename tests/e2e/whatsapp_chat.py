"""Playing a WhatsApp customer and a WhatsApp Friend against the running system.

Everything the person does goes through the simulator's WhatsApp phone (`POST
/api/sim/whatsapp/send`): Meta's signed webhook to Rasa or the backend, and the person's 24-hour
window opened in the fake Graph, as at Meta. What our services send is read back from the fake
Graph's calls to the number; each WhatsApp body is turned into the Messenger-shaped call the
booking helpers of tests/e2e/conversation.py read (text, and reply buttons and list rows as
quick replies), so questions are recognised the same way on both channels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from simulator.graph_client import fetch_calls, wait_for_calls
from tests.e2e.conftest import SECRETS, System
from tests.e2e.conversation import (
    SUBMITTED,
    TURN_SECONDS,
    Call,
    Customer,
    Predicate,
    payload_entities,
    question,
    quick_reply_titles,
    text,
)

CUSTOMER_NUMBER = SECRETS["CUSTOMER_WHATSAPP_PHONE_NUMBER_ID"]
FRIENDS_NUMBER = SECRETS["FRIENDS_WHATSAPP_PHONE_NUMBER_ID"]
TOKENS = {
    "customer": SECRETS["CUSTOMER_WHATSAPP_ACCESS_TOKEN"],
    "friends": SECRETS["FRIENDS_WHATSAPP_ACCESS_TOKEN"],
}


def is_whatsapp(call: Call) -> bool:
    body = call["body"]
    return isinstance(body, dict) and body.get("messaging_product") == "whatsapp"


def template_payloads(call: Call) -> list[str]:
    """The quick-reply payloads of a template message (empty for anything else)."""
    template = call["body"].get("template") or {}
    return [
        str(p.get("payload"))
        for component in template.get("components") or []
        if component.get("type") == "button"
        for p in component.get("parameters") or []
        if p.get("type") == "payload"
    ]


def template_text(call: Call) -> str:
    """A template's name and its parameters' values, what the tests can read of it."""
    template = call["body"].get("template") or {}
    values = [
        str(p.get("text"))
        for component in template.get("components") or []
        if component.get("type") == "body"
        for p in component.get("parameters") or []
    ]
    return " ".join([str(template.get("name", "")), *values])


@dataclass(frozen=True)
class Choice:
    kind: str  # button_reply | list_reply | button
    payload: str
    title: str


def choices(call: Call) -> list[Choice]:
    """What the person can tap under a WhatsApp message, in order."""
    body = call["body"]
    kind = body.get("type")
    if kind == "template":
        return [Choice("button", p, p) for p in template_payloads(call)]
    if kind != "interactive":
        return []
    action = body["interactive"].get("action") or {}
    if body["interactive"].get("type") == "button":
        return [
            Choice("button_reply", b["reply"]["id"], b["reply"]["title"])
            for b in action.get("buttons") or []
        ]
    return [
        Choice("list_reply", row["id"], row["title"])
        for section in action.get("sections") or []
        for row in section.get("rows") or []
    ]


def as_messenger(call: Call) -> Call:
    """The WhatsApp call as the Messenger-shaped one conversation.py's helpers read."""
    body = call["body"]
    kind = body.get("type", "text")
    said = ""
    if kind == "text":
        said = body["text"]["body"]
    elif kind == "interactive":
        said = body["interactive"]["body"]["text"]
    elif kind == "template":
        said = template_text(call)
    elif kind in ("image", "document", "audio"):
        said = body[kind].get("caption", "") or body[kind].get("link", "")
    message: dict[str, Any] = {"text": said}
    replies = [{"payload": c.payload, "title": c.title} for c in choices(call)]
    if replies:
        message["quick_replies"] = replies
    return {**call, "body": {"message": message}, "whatsapp": body}


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


@dataclass
class WhatsAppChat:
    """One person's WhatsApp conversation with one of our numbers, seen from their phone."""

    system: System
    wa_id: str
    name: str
    number: str = "customer"  # or "friends"
    cursor: int = 0
    transcript: list[str] = field(default_factory=list)
    # payload → how it is tapped, from the messages seen so far (list rows differ from buttons)
    kinds: dict[str, Choice] = field(default_factory=dict)

    @property
    def token(self) -> str:
        return TOKENS[self.number]

    async def deliver(self, **fields: Any) -> dict[str, Any]:
        body = {"number": self.number, "wa_id": self.wa_id, "name": self.name, **fields}
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{self.system.simulator_url}/api/sim/whatsapp/send", json=body) as resp,
        ):
            answer: dict[str, Any] = await resp.json(content_type=None)
            assert resp.status == 200, f"{resp.status} {answer}\n" + "\n".join(self.transcript)
            return answer

    async def send_text(self, message: str, until: Predicate) -> list[Call]:
        self.transcript.append(f"{self.number}: {message}")
        await self.deliver(text=message)
        return await self.wait_until(until)

    async def send_tap(self, title: str, payload: str, until: Predicate) -> list[Call]:
        choice = self.kinds.get(payload) or Choice("button_reply", payload, title)
        # A template's button texts are not in its body (Meta has them): the caller's title.
        shown = title if choice.kind == "button" else choice.title
        self.transcript.append(f"{self.number} taps: {shown} ({payload}, {choice.kind})")
        reply = {"kind": choice.kind, "id": payload, "title": shown}
        await self.deliver(reply=reply)
        return await self.wait_until(until)

    async def send_photo(self, until: Predicate) -> list[Call]:
        self.transcript.append(f"{self.number} sends the demo photo")
        await self.deliver(media="photo")
        return await self.wait_until(until)

    async def send_voice(self, until: Predicate) -> list[Call]:
        self.transcript.append(f"{self.number} sends a voice message")
        await self.deliver(media="voice")
        return await self.wait_until(until)

    async def wait_until(self, until: Predicate) -> list[Call]:
        """Our messages since the last step (Messenger-shaped), once one satisfies `until`."""
        try:
            await wait_for_calls(
                self.system.graph_url,
                lambda c: is_whatsapp(c) and c["status"] == 200 and until(as_messenger(c)),
                TURN_SECONDS,
                since=self.cursor,
                page_token=self.token,
                recipient=self.wa_id,
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}\ntranscript:\n" + "\n".join(self.transcript)) from None
        calls, self.cursor = await fetch_calls(
            self.system.graph_url, since=self.cursor, page_token=self.token, recipient=self.wa_id
        )
        sent = []
        for call in calls:
            if not is_whatsapp(call):
                continue
            if call["status"] != 200:
                # Refused by the fake (a limit, the window): the person never saw it.
                self.transcript.append(f"REFUSED {call['status']}: {call['answer']}")
                continue
            shown = as_messenger(call)
            self.kinds.update({c.payload: c for c in choices(call)})
            titles = list(quick_reply_titles(shown).values())
            self.transcript.append(f"us: {text(shown)} {titles or ''}".rstrip())
            sent.append(shown)
        return sent

    async def refused(self) -> list[Call]:
        """Every send to this person the fake Graph refused (limits, the window)."""
        calls, _ = await fetch_calls(
            self.system.graph_url, page_token=self.token, recipient=self.wa_id
        )
        return [c for c in calls if is_whatsapp(c) and c["status"] >= 400]


async def set_last_inbound(system: System, number: str, wa_id: str, hours_ago: float) -> None:
    """The person last wrote to that number `hours_ago` hours ago (the window per number)."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{system.graph_url}/_control/whatsapp/last-inbound",
            json={"number": number, "wa_id": wa_id, "hours_ago": hours_ago},
        ) as resp,
    ):
        assert resp.status == 200, await resp.text()


# --- the booking on WhatsApp -----------------------------------------------------------------


def wa_question(call: Call, wa_id: str) -> str | None:
    """conversation.question, plus the WhatsApp-only offer of the number the customer writes
    from ("Can the technician call you on +49 176 …?", yes/no)."""
    payloads = {q["payload"] for q in call["body"]["message"].get("quick_replies") or []}
    if {"/affirm", "/deny"} <= payloads and wa_id in digits(text(call)):
        return "phone_offer"
    return question(call)


@dataclass
class WhatsAppBooking:
    chat: WhatsAppChat
    turns: dict[str, list[Call]]
    confirmation: str


async def book_on_whatsapp(
    chat: WhatsAppChat, customer: Customer, photo: bool = True
) -> WhatsAppBooking:
    """Book as `customer` on WhatsApp: answer each question, send the demo photo when the
    postal code is first asked, accept the number WhatsApp gives, confirm."""

    def asks(call: Call) -> bool:
        return wa_question(call, chat.wa_id) is not None

    turns: dict[str, list[Call]] = {}
    described = False
    photo_pending = photo
    calls = await chat.send_text(customer.greeting, asks)
    for _ in range(24):
        asked = [q for c in calls if (q := wa_question(c, chat.wa_id))]
        last = asked[-1]
        if last in turns and last != "category":
            raise AssertionError(f"asked for {last} twice:\n" + "\n".join(chat.transcript))
        turns[last] = calls
        customer.asked.append(last)
        if last == "submitted":
            confirmation = next(text(c) for c in calls if SUBMITTED.search(text(c)))
            return WhatsAppBooking(chat, turns, confirmation)
        final = next(c for c in reversed(calls) if wa_question(c, chat.wa_id) == last)
        if last in ("category", "description") and not described:
            described = True
            calls = await chat.send_text(customer.description, asks)
        elif last == "postal_code" and photo_pending:
            photo_pending = False
            calls = await chat.send_photo(asks)
            turns["photo"] = calls
            del turns["postal_code"]
        elif last in ("phone_offer", "consent", "summary"):
            calls = await chat.send_tap("Ja", "/affirm", asks)
        elif last in ("category", "package", "place"):
            payload, title = _pick(final, last, customer)
            calls = await chat.send_tap(title, payload, asks)
        elif last == "email":
            calls = await chat.send_tap("Nein", "/deny", asks)
        else:
            answer = {
                "postal_code": customer.postal_code,
                "street": customer.street,
                "name": customer.name,
                "phone": customer.phone,
                "time": customer.time,
            }[last]
            calls = await chat.send_text(answer, asks)
    raise AssertionError("no booking after 24 turns:\n" + "\n".join(chat.transcript))


def _pick(call: Call, asked: str, customer: Customer) -> tuple[str, str]:
    for payload, title in quick_reply_titles(call).items():
        entities = payload_entities(payload)
        if asked == "category" and entities.get("category") == customer.category:
            return payload, title
        if asked == "package" and entities.get("package") == customer.package:
            return payload, title
        if asked == "place" and customer.city in title:
            return payload, title
    raise AssertionError(f"nothing to tap for {asked} = {customer!r} in {quick_reply_titles(call)}")
