"""Simulator settings; the caller may have loaded `.env` into the environment already."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

PAGES = ("customer", "friends")
DEMO_SMTP_PORT = 8025
# Meta's phone number ids are long digit strings; these stand in when none is configured.
DEFAULT_WHATSAPP_NUMBER_IDS = {"customer": "109000000000001", "friends": "109000000000002"}
# The business numbers people see in WhatsApp (the webhook's metadata.display_phone_number).
DISPLAY_NUMBERS = {"customer": "4930555000100", "friends": "4930555000200"}


@dataclass(frozen=True)
class PageConfig:
    """Everything needed to play a person chatting with one of our two Facebook pages."""

    name: str  # "customer" | "friends"
    page_id: str
    app_secret: str
    access_token: str
    webhook_url: str


@dataclass(frozen=True)
class WhatsAppNumber:
    """One of our two WhatsApp Business numbers, as the simulator plays Meta for it."""

    name: str  # "customer" | "friends"
    phone_number_id: str
    display_phone_number: str
    app_secret: str
    access_token: str
    webhook_url: str

    @property
    def configured(self) -> bool:
        return bool(self.access_token and self.app_secret)


@dataclass(frozen=True)
class SimulatorSettings:
    rasa_url: str = "http://127.0.0.1:5005"
    backend_url: str = "http://127.0.0.1:8000"
    customer_app_secret: str = ""
    customer_page_access_token: str = ""
    friends_app_secret: str = ""
    friends_page_access_token: str = ""
    customer_page_id: str = "customer-page"
    friends_page_id: str = "friends-page"
    backend_admin_token: str = ""
    # Rasa answers the webhook only after its replies went out, which can take a while.
    webhook_timeout: float = 30.0
    # The demo's mail server (simulator/mailbox.py; SIMULATOR_SMTP_PORT, DEMO_SMTP_PORT when
    # unset); 0: none. The demo's SMTP_URL points here.
    smtp_port: int = 0
    customer_whatsapp_phone_number_id: str = DEFAULT_WHATSAPP_NUMBER_IDS["customer"]
    customer_whatsapp_access_token: str = ""
    customer_whatsapp_app_secret: str = ""
    friends_whatsapp_phone_number_id: str = DEFAULT_WHATSAPP_NUMBER_IDS["friends"]
    friends_whatsapp_access_token: str = ""
    friends_whatsapp_app_secret: str = ""
    # backend/whatsapp_templates.yml unless WHATSAPP_TEMPLATES_FILE says otherwise.
    whatsapp_templates_file: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SimulatorSettings:
        e = os.environ if env is None else env
        return cls(
            rasa_url=(e.get("RASA_URL") or cls.rasa_url).rstrip("/"),
            backend_url=(e.get("BACKEND_URL") or cls.backend_url).rstrip("/"),
            customer_app_secret=e.get("CUSTOMER_APP_SECRET", ""),
            customer_page_access_token=e.get("CUSTOMER_PAGE_ACCESS_TOKEN", ""),
            friends_app_secret=e.get("FRIENDS_APP_SECRET", ""),
            friends_page_access_token=e.get("FRIENDS_PAGE_ACCESS_TOKEN", ""),
            customer_page_id=e.get("CUSTOMER_PAGE_ID") or cls.customer_page_id,
            friends_page_id=e.get("FRIENDS_PAGE_ID") or cls.friends_page_id,
            backend_admin_token=e.get("BACKEND_ADMIN_TOKEN", ""),
            smtp_port=int(e.get("SIMULATOR_SMTP_PORT") or DEMO_SMTP_PORT),
            customer_whatsapp_phone_number_id=e.get("CUSTOMER_WHATSAPP_PHONE_NUMBER_ID")
            or DEFAULT_WHATSAPP_NUMBER_IDS["customer"],
            customer_whatsapp_access_token=e.get("CUSTOMER_WHATSAPP_ACCESS_TOKEN", ""),
            customer_whatsapp_app_secret=e.get("CUSTOMER_WHATSAPP_APP_SECRET", ""),
            friends_whatsapp_phone_number_id=e.get("FRIENDS_WHATSAPP_PHONE_NUMBER_ID")
            or DEFAULT_WHATSAPP_NUMBER_IDS["friends"],
            friends_whatsapp_access_token=e.get("FRIENDS_WHATSAPP_ACCESS_TOKEN", ""),
            friends_whatsapp_app_secret=e.get("FRIENDS_WHATSAPP_APP_SECRET", ""),
            whatsapp_templates_file=e.get("WHATSAPP_TEMPLATES_FILE", ""),
        )

    def page(self, name: str) -> PageConfig:
        if name == "customer":
            return PageConfig(
                name,
                self.customer_page_id,
                self.customer_app_secret,
                self.customer_page_access_token,
                f"{self.rasa_url.rstrip('/')}/webhooks/messenger/webhook",
            )
        if name == "friends":
            return PageConfig(
                name,
                self.friends_page_id,
                self.friends_app_secret,
                self.friends_page_access_token,
                f"{self.backend_url.rstrip('/')}/webhooks/friends",
            )
        raise ValueError(f"unknown page {name!r}; expected one of {PAGES}")

    def whatsapp(self, name: str) -> WhatsAppNumber:
        """The customers' number (to the Rasa server) or the Friends' (to the backend)."""
        if name == "customer":
            return WhatsAppNumber(
                name,
                self.customer_whatsapp_phone_number_id,
                DISPLAY_NUMBERS[name],
                self.customer_whatsapp_app_secret,
                self.customer_whatsapp_access_token,
                f"{self.rasa_url.rstrip('/')}/webhooks/whatsapp/webhook",
            )
        if name == "friends":
            return WhatsAppNumber(
                name,
                self.friends_whatsapp_phone_number_id,
                DISPLAY_NUMBERS[name],
                self.friends_whatsapp_app_secret,
                self.friends_whatsapp_access_token,
                f"{self.backend_url.rstrip('/')}/webhooks/friends/whatsapp",
            )
        raise ValueError(f"unknown WhatsApp number {name!r}; expected one of {PAGES}")

    def whatsapp_numbers(self) -> list[WhatsAppNumber]:
        return [self.whatsapp(name) for name in PAGES]

    def warnings(self) -> list[str]:
        """Misconfigurations that make the demo fail in confusing ways, said up front."""
        notes = []
        for name in PAGES:
            page = self.page(name)
            upper = name.upper()
            if not page.app_secret:
                notes.append(f"{upper}_APP_SECRET is not set: the webhook will reject our posts")
            if not page.access_token:
                notes.append(
                    f"{upper}_PAGE_ACCESS_TOKEN is not set: replies are matched by recipient only"
                )
        for number in self.whatsapp_numbers():
            upper = number.name.upper()
            # WhatsApp is optional: a number with neither setting is simply not in the demo.
            if bool(number.access_token) != bool(number.app_secret):
                missing = "APP_SECRET" if number.access_token else "ACCESS_TOKEN"
                notes.append(f"{upper}_WHATSAPP_{missing} is not set: its WhatsApp phone fails")
        return notes
