"""What the backend needs to reach WhatsApp customers itself: the customers' number (to send
news as an approved template when the 24-hour window is closed), the bot's WhatsApp store (to
read that window) and the templates file. All optional: without the number the backend sends
no template and tells WhatsApp customers only through the bot, as any other channel.

Read from the environment under the names the bot uses, so both point at the same number and
store. Not yet part of backend/config.Settings: `WhatsAppCustomerSettings.from_env(env)` with
the same `load_environment()` mapping, until the lead folds it in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from backend.adapters.db import DatabaseUrlError, async_url
from backend.whatsapp.templates import template_file

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_STORE = ROOT / "var" / "whatsapp-customers.db"
# The variables that make the customers' WhatsApp number "configured" (tools/run.py names the
# missing ones once any is set).
CUSTOMER_VARIABLES = (
    "CUSTOMER_WHATSAPP_PHONE_NUMBER_ID",
    "CUSTOMER_WHATSAPP_ACCESS_TOKEN",
    "CUSTOMER_WHATSAPP_APP_SECRET",
    "CUSTOMER_WHATSAPP_VERIFY_TOKEN",
)


def store_url(env: Mapping[str, str]) -> str:
    """The bot's WhatsApp store: WHATSAPP_STORE_URL (PostgreSQL, shared), else the SQLite file
    WHATSAPP_STORE_PATH (default var/whatsapp-customers.db), in the form the bot uses."""
    url = env.get("WHATSAPP_STORE_URL", "").strip()
    if url:
        try:
            async_url(url)
        except DatabaseUrlError as exc:
            raise ValueError(f"WHATSAPP_STORE_URL {exc}") from None
        return url
    return f"sqlite:///{env.get('WHATSAPP_STORE_PATH', '').strip() or DEFAULT_STORE}"


@dataclass(frozen=True)
class WhatsAppCustomerSettings:
    phone_number_id: str = ""
    access_token: str = ""
    graph_url: str = "https://graph.facebook.com"
    graph_version: str = "v21.0"
    store_url: str = f"sqlite:///{DEFAULT_STORE}"
    templates_file: Path = field(default_factory=template_file)

    @property
    def sends_templates(self) -> bool:
        """The backend may send templates from the customers' number itself."""
        return bool(self.phone_number_id and self.access_token)

    @property
    def messages_url(self) -> str:
        return f"{self.graph_url}/{self.graph_version}/{self.phone_number_id}/messages"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WhatsAppCustomerSettings:
        e = os.environ if env is None else env
        return cls(
            phone_number_id=e.get("CUSTOMER_WHATSAPP_PHONE_NUMBER_ID", "").strip(),
            access_token=e.get("CUSTOMER_WHATSAPP_ACCESS_TOKEN", "").strip(),
            graph_url=(e.get("MESSENGER_GRAPH_URL") or "https://graph.facebook.com").rstrip("/"),
            graph_version=e.get("MESSENGER_GRAPH_VERSION") or "v21.0",
            store_url=store_url(e),
            templates_file=template_file(e),
        )
