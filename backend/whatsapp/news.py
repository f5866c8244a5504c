"""Customer news on WhatsApp outside the 24-hour window: the notice (an EXTERNAL_* intent and
its entities) becomes its approved template, sent from the customers' number by the backend
itself (the bot may only answer inside the window).

Each notice intent has its template in the registry (`notices:`); the entities become the
named parameters, and each quick-reply button gets a payload the bot understands when the
customer taps it (the tap opens the window again, and the bot carries on):
- `rate`: the notice itself as a Rasa message ("/EXTERNAL_job_completed{…}"), so the tap
  starts the rating exactly as the news would have inside the window; the notice id comes
  along, so a second tap is taken as the same news (actions/notices.py);
- `nobody_called`: "/human_handoff" (a person from support takes over);
- `new_request`: "/get_started".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp

from backend.adapters.messenger_window import ChannelWindow, whatsapp_window
from backend.whatsapp.settings import WhatsAppCustomerSettings
from backend.whatsapp.templates import Template, TemplateError, TemplateRegistry, load
from messenger_platform.send_policy import backoff_seconds, graph_error
from whatsapp_platform.errors import Action, of_answer, retry_in
from whatsapp_platform.ids import wa_id_of
from whatsapp_platform.outbound import MAX_BUTTON_ID

log = logging.getLogger(__name__)

SEND_TIMEOUT = 20.0
NOTICE_ENTITY = "notice_id"
# A Friend's name is missing only when the Friend's row is gone; the sentence still reads.
NO_FRIEND_NAME = {
    "de": "Ihr Techniker",
    "en": "your technician",
    "fr": "votre technicien",
    "it": "il Suo tecnico",
    "pl": "technik",
}
FIXED_PAYLOADS = {"nobody_called": "/human_handoff", "new_request": "/get_started"}
REPLAY = "rate"


@dataclass(frozen=True)
class TemplateOutcome:
    """What came of sending a notice's template. `reason` says why it failed (for the alert),
    `wait` when to try again (None: never)."""

    action: Action
    template: str
    reason: str = ""
    wait: timedelta | None = None


def replay_payload(intent: str, entities: Mapping[str, Any], notice_id: str) -> str:
    """The notice as a message the bot parses ("/intent{json}"), at most Meta's 256 characters:
    when the entities do not fit, the job reference and the notice id are what stay."""
    values = {k: v for k, v in entities.items() if isinstance(v, str | int | float)}
    reference = {k: v for k, v in values.items() if k == "job_reference"}
    id_ = {NOTICE_ENTITY: notice_id}
    for candidate in ({**values, **id_}, {**reference, **id_}, reference, {}):
        payload = f"/{intent}{json.dumps(candidate, ensure_ascii=False, separators=(',', ':'))}"
        if len(payload) <= MAX_BUTTON_ID:
            return payload
    return f"/{intent}"


def parameters(template: Template, entities: Mapping[str, Any], language: str) -> dict[str, str]:
    """The template's named parameters from the notice's entities (same names)."""
    out: dict[str, str] = {}
    for name in template.parameters:
        value = entities.get(name)
        text = str(value).strip() if value is not None else ""
        if not text and name == "friend_name":
            text = NO_FRIEND_NAME.get(language, NO_FRIEND_NAME["en"])
        out[name] = text  # an empty one is refused by render, with its name
    return out


def payloads(
    template: Template, intent: str, entities: Mapping[str, Any], notice_id: str
) -> list[str]:
    out = []
    for button in template.buttons:
        if button == REPLAY:
            out.append(replay_payload(intent, entities, notice_id))
        elif button in FIXED_PAYLOADS:
            out.append(FIXED_PAYLOADS[button])
        else:
            raise TemplateError(f"template {template.name!r}: no payload for button {button!r}")
    return out


def _reason(action: Action, status: int, data: Any) -> str:
    code, _, message = graph_error(data) if isinstance(data, dict) else (None, None, "")
    what = f"WhatsApp {code}" if code is not None else f"HTTP {status or 'no answer'}"
    return f"{action.value}: {what} {message}".strip()


class WhatsAppNews:
    """Sends notices as templates from the customers' number."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        settings: WhatsAppCustomerSettings,
        registry: TemplateRegistry,
        backoff: Callable[..., float] = backoff_seconds,
    ) -> None:
        self._http = http
        self._settings = settings
        self.registry = registry
        self._backoff = backoff

    def tells(self, intent: str) -> bool:
        return self.registry.for_notice(intent) is not None

    async def tell(
        self,
        conversation_id: str,
        language: str,
        intent: str,
        entities: Mapping[str, Any],
        notice_id: str,
        earlier_attempts: int = 0,
    ) -> TemplateOutcome:
        template = self.registry.for_notice(intent)
        if template is None:
            return TemplateOutcome(Action.FAILED, "", f"no WhatsApp template for {intent}")
        wa_id = wa_id_of(conversation_id)
        if wa_id is None:
            return TemplateOutcome(Action.FAILED, template.name, "not a WhatsApp conversation")
        try:
            body = self.registry.render(
                template.name,
                language,
                wa_id,
                parameters(template, entities, language),
                payloads(template, intent, entities, notice_id),
            )
        except TemplateError as exc:
            # Our data does not fit the template: operators must look, a retry cannot help.
            return TemplateOutcome(Action.ALERT_NEVER_RETRY, template.name, str(exc))
        status, data = await self._post(body)
        action = of_answer(status, data)
        if action is Action.SENT:
            return TemplateOutcome(action, template.name)
        reason = _reason(action, status, data)
        log.warning("WhatsApp template %s to %s: %s", template.name, conversation_id, reason)
        if action is Action.USE_TEMPLATE:  # a template refused as outside the window: never
            action = Action.FAILED
        return TemplateOutcome(
            action, template.name, reason, retry_in(action, earlier_attempts, self._backoff)
        )

    async def _post(self, body: dict[str, Any]) -> tuple[int, Any]:
        """(status, decoded answer) of one Send API call; status 0 when no answer came."""
        try:
            async with self._http.post(
                self._settings.messages_url,
                json=body,
                headers={"Authorization": f"Bearer {self._settings.access_token}"},
                timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT),
            ) as response:
                try:
                    data: Any = await response.json(content_type=None)
                except ValueError:
                    data = {}
                return response.status, data
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("WhatsApp Send API unreachable: %s", exc)
            return 0, {"error": {"message": f"no answer: {exc!r}"}}


@dataclass
class WhatsAppCustomers:
    """The backend's part of the customers' WhatsApp number: their window (always, when the
    bot's store is there) and news by template (only with the number's id and token)."""

    window: ChannelWindow
    news: WhatsAppNews | None

    async def close(self) -> None:
        await self.window.close()


def whatsapp_customers(
    http: aiohttp.ClientSession, settings: WhatsAppCustomerSettings
) -> WhatsAppCustomers:
    """Built once in the app's runtime (backend/app.py runtime_ctx), then handed to
    RasaClient(windows={WHATSAPP: c.window}, whatsapp_news=c.news) and to the console.
    With the number configured, a broken templates file stops the start here (TemplateError
    names it); without it the file is not read, and the backend starts as before."""
    news = None
    if settings.sends_templates:
        news = WhatsAppNews(http, settings, load(settings.templates_file))
    return WhatsAppCustomers(whatsapp_window(settings.store_url), news)
