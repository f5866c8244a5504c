"""The invoice that comes with the news of a completed job (EXTERNAL_job_completed, issue 18):
the backend sends its one line (``invoice_summary``, in the customer's language, worded in
backend/billing/texts.py), its number and the PDF's link (``invoice_url``, by the status page's
key); the bot tells the line (utter_invoice) and sends the PDF as a file on the customer's
channel.

Pure module (no Rasa imports).
"""

from __future__ import annotations

from typing import Any

from product import channels

MAX_FILENAME = 240


def invoice_file(channel: str, url: Any, number: Any) -> dict[str, Any] | None:
    """The PDF as a custom message of ``channel``: a Messenger file attachment (Meta fetches the
    URL and uploads it, as the Attachment Upload API does), a WhatsApp document by link; None
    on the website chat (its status page links the PDF) or without an https/http link."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    filename = f"{number}.pdf" if isinstance(number, str) and number else "invoice.pdf"
    if channel == channels.MESSENGER:
        return {"attachment": {"type": "file", "payload": {"url": url, "is_reusable": False}}}
    if channel == channels.WHATSAPP:
        document = {"link": url, "filename": filename[:MAX_FILENAME]}
        return {"whatsapp": {"type": "document", "document": document}}
    return None
