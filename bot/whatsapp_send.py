"""An async client for the Cloud API's `POST /{version}/{phone_number_id}/messages` (the
customers' number): Messenger's pooled transport (bot/messenger_send.py) with this endpoint and
the bearer token. It only transports; bot/whatsapp_outbox.py decides what an answer means."""

from __future__ import annotations

from bot.messenger_send import TIMEOUT, SendApiClient

__all__ = ["TIMEOUT", "WhatsAppClient"]


class WhatsAppClient(SendApiClient):
    def __init__(
        self, graph_url: str, graph_version: str, phone_number_id: str, access_token: str
    ) -> None:
        super().__init__(graph_url, graph_version, access_token)
        self.endpoint = f"{graph_url.rstrip('/')}/{graph_version}/{phone_number_id}/messages"
        self._params = {}
        self._headers = {"Authorization": f"Bearer {access_token}"}
