"""Sending an e-mail over SMTP (aiosmtplib), and what the server's answer means for a retry.

SMTP_URL names the server: `smtp://host:port` (plain, as the demo's and tests' aiosmtpd),
`smtp://user:password@host:587?starttls=1` (STARTTLS after connecting), or `smtps://host:465`
(TLS from the first byte). User and password are percent-decoded.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TIMEOUT = 30.0


class MailOutcome(enum.Enum):
    SENT = "sent"
    RETRY = "retry"  # no server, a 4xx, a timeout: it may work a moment later
    REFUSED = "refused"  # a 5xx: this address or message will never be taken


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str = ""
    password: str = ""
    starttls: bool = False
    tls: bool = False

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """The server an SMTP_URL names; ValueError (naming the problem) for one we cannot use."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS:
            raise ValueError("SMTP_URL must start with smtp:// or smtps://")
        if not parts.hostname:
            raise ValueError("SMTP_URL has no host")
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise ValueError("SMTP_URL has a port that is no number") from None
        flags = parse_qs(parts.query)
        starttls = flags.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes")
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            starttls=starttls,
            tls=parts.scheme == "smtps",
        )


async def send_mail(server: SmtpServer, message: EmailMessage) -> tuple[MailOutcome, str]:
    """Hand the message to the server: the outcome and, unless sent, why."""
    try:
        await aiosmtplib.send(
            message,
            hostname=server.host,
            port=server.port,
            username=server.username or None,
            password=server.password or None,
            # Explicit both ways: aiosmtplib's default would try STARTTLS whenever it is offered.
            start_tls=server.starttls,
            use_tls=server.tls,
            timeout=TIMEOUT,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        refused = all(code >= 500 for code in codes)
        return (MailOutcome.REFUSED if refused else MailOutcome.RETRY), f"recipient {codes}"
    except (aiosmtplib.SMTPAuthenticationError, aiosmtplib.SMTPSenderRefused) as exc:
        # Our login or our MAIL_FROM: the configuration is wrong, not this mail; once fixed,
        # the waiting mails go out.
        return MailOutcome.RETRY, f"{exc.code} {exc.message}"[:500]
    except aiosmtplib.SMTPResponseException as exc:
        outcome = MailOutcome.REFUSED if exc.code >= 500 else MailOutcome.RETRY
        return outcome, f"{exc.code} {exc.message}"[:500]
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        # Not reachable, the connection lost, a timeout: nothing says the address is bad.
        return MailOutcome.RETRY, f"{type(exc).__name__}: {exc}"[:500]
    return MailOutcome.SENT, ""
