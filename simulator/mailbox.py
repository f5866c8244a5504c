"""The demo's mail server: an aiosmtpd SMTP server that keeps what it receives in memory, and a
plain page (/mail) that lists it, newest first. The backend sends customers' e-mail here in the
demo (SMTP_URL, set by tools/run.py); the tests start the same server to receive real SMTP.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

KEEP = 200  # the demo shows the newest mails; older ones are dropped


@dataclass(frozen=True)
class ReceivedMail:
    to: list[str]
    sender: str
    subject: str
    body: str
    message_id: str
    headers: dict[str, str]


@dataclass
class Mailbox:
    mails: list[ReceivedMail] = field(default_factory=list)
    # Recipients answered "550" (a test of a mail the server refuses for good).
    refuse: set[str] = field(default_factory=set)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    # aiosmtpd's handler hooks (called by name).
    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        part = parsed.get_body(preferencelist=("plain",))
        body = part.get_content() if part is not None else ""
        self.mails.append(
            ReceivedMail(
                to=list(envelope.rcpt_tos),
                sender=str(envelope.mail_from or ""),
                subject=str(parsed.get("Subject", "")),
                body=str(body).replace("\r\n", "\n"),  # SMTP's line ends, as text again
                message_id=str(parsed.get("Message-ID", "")),
                headers={k: str(v) for k, v in parsed.items()},
            )
        )
        del self.mails[:-KEEP]
        self.arrived.set()
        return "250 Message accepted for delivery"


async def start_smtp(mailbox: Mailbox, host: str, port: int) -> asyncio.Server:
    """Serve SMTP in the running event loop (port 0: any free port; see server.sockets)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: SMTP(mailbox, hostname="simulator"), host, port)


MAILBOX_KEY = web.AppKey("mailbox", Mailbox)


def smtp_ctx(host: str, port: int) -> Any:
    """A cleanup context for the simulator app: the SMTP server lives as long as the app."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        try:
            server: asyncio.Server | None = await start_smtp(app[MAILBOX_KEY], host, port)
        except OSError as exc:
            # Another simulator (a demo beside the tests) has the port: the chats matter more
            # than the mails, so the simulator runs on without them.
            log.warning("no mail server on %s:%s (%s); /mail stays empty", host, port, exc)
            server = None
        yield
        if server is not None:
            server.close()
            await server.wait_closed()

    return ctx


async def mail_page(request: web.Request) -> web.Response:
    """Every mail received, newest first: to, subject, body. Reload to see new ones."""
    mails = request.app[MAILBOX_KEY].mails
    items = "\n".join(
        "<article><h2>{subject}</h2><p><b>To:</b> {to}</p><pre>{body}</pre></article>".format(
            subject=html.escape(m.subject),
            to=html.escape(", ".join(m.to)),
            body=html.escape(m.body),
        )
        for m in reversed(mails)
    )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Mails · simulator</title>"
        '<link rel="stylesheet" href="/static/style.css"></head>'
        '<body class="mail"><main><h1>E-mails sent to customers</h1>'
        f'<p><a href="/">back to the chats</a> · {len(mails)} received · reload for new</p>'
        f"{items or '<p>No mail yet.</p>'}</main></body></html>"
    )
    return web.Response(text=page, content_type="text/html")


async def mail_list(request: web.Request) -> web.Response:
    return web.json_response(
        [
            {"to": m.to, "subject": m.subject, "body": m.body, "message_id": m.message_id}
            for m in request.app[MAILBOX_KEY].mails
        ]
    )
