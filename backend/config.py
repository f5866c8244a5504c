"""Settings from the environment; a value in the environment overrides `.env`."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from dotenv import dotenv_values

from backend.adapters.config_files import PACKAGES_FILE
from backend.adapters.db import DatabaseUrlError, async_url
from backend.adapters.orm import utcnow
from backend.adapters.smtp import SmtpServer
from backend.billing.accounts import BillingSettings
from backend.domain.deadlines import DeadlinePolicy
from backend.domain.quiz import QuizPolicy
from backend.domain.waves import WavePolicy, parse_radii
from backend.whatsapp.settings import WhatsAppCustomerSettings
from product.countries import DEFAULT_SERVICE_COUNTRIES, service_countries

ROOT = Path(__file__).resolve().parent.parent
# all: one process does everything (the demo, tests). web: verifies, stores and acknowledges
# webhooks and serves the API and console; worker: handles stored webhook events, sends the
# outbox and sweeps deadlines, so that work never delays an acknowledgement.
ROLES = ("all", "web", "worker")


def load_environment(env_file: Path | None = None) -> dict[str, str]:
    """The process environment laid over `.env` (which is optional)."""
    path = env_file or ROOT / ".env"
    values = (
        {k: v for k, v in dotenv_values(path).items() if v is not None} if path.exists() else {}
    )
    values.update(os.environ)
    return values


def database_url(name: str, value: str) -> str:
    """The variable's database URL for our async engine; a form we cannot use is refused with
    one line that names the variable, before the process starts anything."""
    try:
        return async_url(value)
    except DatabaseUrlError as exc:
        raise ValueError(f"{name} {exc}") from None


class TrustedProxies(frozenset[str]):
    """Our proxies' addresses and networks; `address in proxies` also holds for an address
    inside one of the networks (the console's `client_address` asks just that)."""

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str):
            return False
        if frozenset.__contains__(self, address):
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(net, strict=False) for net in self)


def parse_trusted_proxies(value: str) -> TrustedProxies:
    """`BACKEND_TRUSTED_PROXIES`: comma-separated addresses or CIDRs; a bad one is refused."""
    proxies = [part.strip() for part in value.split(",") if part.strip()]
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError as exc:
            raise ValueError(f"BACKEND_TRUSTED_PROXIES: {proxy!r} is no address or CIDR") from exc
    return TrustedProxies(
        str(ipaddress.ip_network(p, strict=False)) if "/" in p else p for p in proxies
    )


def public_base_url(env: dict[str, str]) -> str:
    """PUBLIC_BASE_URL, else the backend's own address (a wildcard host is no address a
    browser can open: then this machine's)."""
    if env.get("PUBLIC_BASE_URL"):
        return env["PUBLIC_BASE_URL"].rstrip("/")
    host = env.get("BACKEND_HOST") or "127.0.0.1"
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{host}:{env.get('BACKEND_PORT') or 8000}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    api_token: str
    admin_token: str
    graph_url: str
    graph_version: str
    friends_page_access_token: str
    friends_app_secret: str
    friends_verify_token: str
    rasa_url: str
    rasa_token: str
    geonames_dir: Path | None
    host: str = "127.0.0.1"
    port: int = 8000
    packages_file: Path = PACKAGES_FILE
    # Friends beyond the last wave's radius are never considered, whatever radius they set.
    waves: WavePolicy = field(default_factory=WavePolicy)
    deadlines: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    # The vetting quiz by chat: questions per skill, right answers needed, wait before the retry.
    quiz: QuizPolicy = field(default_factory=QuizPolicy)
    # How often the deadline sweep looks for due rows (the rows, not the timer, are the truth).
    sweep_seconds: float = 5.0
    # Every "now" of the backend comes from here, so tests move time instead of sleeping.
    clock: Callable[[], datetime] = utcnow
    # Support console: Rasa's tracker store (read, and redacted on erasure), the customers' page
    # for HUMAN_AGENT replies, Secure cookies behind TLS, transcript retention (0: keep).
    tracker_store_url: str = f"sqlite:///{ROOT / 'var' / 'tracker.db'}"
    # The customers' channel store (bot/messenger_store.py): raw messages, replies, profiles.
    # Erasing a customer deletes their rows there too; "" when there is none to reach.
    channel_store_url: str = ""
    # Where customers reach this backend (the status page links /b/<token> in job JSON, chats
    # and mails); behind a proxy, its public https origin.
    public_base_url: str = "http://127.0.0.1:8000"
    customer_page_access_token: str = ""
    console_secure_cookies: bool = False
    transcript_retention_days: int = 0
    # GET /metrics asks for this bearer token when it is set (Prometheus: authorization).
    metrics_token: str = ""
    role: str = "all"  # one of ROLES
    # A worker learns of events and messages the web processes stored by looking this often.
    worker_poll_seconds: float = 0.1
    # Customers' e-mail (backend/services/customer_mail.py): no mail at all while SMTP_URL is
    # empty; MAIL_FROM is the sender (and the Message-IDs' domain).
    smtp_url: str = ""
    mail_from: str = "techfriends <no-reply@techfriends.invalid>"
    # The Friends' WhatsApp number (backend/web/whatsapp_webhooks.py, adapters/whatsapp.py):
    # all empty, and the backend runs as before, its WhatsApp webhook answering 503.
    friends_whatsapp_phone_number_id: str = ""
    friends_whatsapp_access_token: str = ""
    friends_whatsapp_app_secret: str = ""
    friends_whatsapp_verify_token: str = ""
    # The customers' WhatsApp number as the backend sees it: templates outside the window and
    # the bot's store that knows the window (backend/whatsapp/settings.py).
    whatsapp_customers: WhatsAppCustomerSettings = field(default_factory=WhatsAppCustomerSettings)
    # Our own proxies (addresses or CIDRs): only their X-Forwarded-For names the client, for the
    # console login's throttle and the API's rate limits. Empty: the connection's peer is the
    # client and no header is read.
    trusted_proxies: frozenset[str] = frozenset()
    # The JSON API's rate limits (backend/web/ratelimit.py; in memory, per process): a token
    # bucket per bearer token (this many requests a second, bursts of `api_burst`; 0: off) and
    # one per client address for requests with a wrong or missing token (per minute; 0: off).
    api_rate_per_second: float = 50.0
    api_burst: int = 200
    api_auth_failures_per_minute: float = 10.0
    # SERVICE_COUNTRIES: where Friends are sent (jobs elsewhere are refused; the bot tells the
    # customer "we are not there yet"). The action server reads the same variable
    # (product.countries.service_countries).
    service_countries: tuple[str, ...] = DEFAULT_SERVICE_COUNTRIES
    # Invoices (issue 18): the platform's bank accounts per country, the payment term, how a
    # job reported done by chat is paid (backend/billing/accounts.py; BILLING_* variables).
    billing: BillingSettings = field(default_factory=BillingSettings)

    def __post_init__(self) -> None:
        if self.billing.public_base_url != self.public_base_url:
            # One PUBLIC_BASE_URL: the invoice links in chats start where the status page does.
            object.__setattr__(
                self, "billing", replace(self.billing, public_base_url=self.public_base_url)
            )
        if self.role not in ROLES:
            raise ValueError(f"backend role must be one of {', '.join(ROLES)}, not {self.role!r}")
        if self.smtp_url:
            SmtpServer.from_url(self.smtp_url)  # refused here, before anything starts
        if self.api_token and self.api_token == self.admin_token:
            # The internal token would then reach the admin routes (issue 21, point 3).
            raise ValueError(
                "BACKEND_API_TOKEN (the action server's internal token) must differ from "
                "BACKEND_ADMIN_TOKEN"
            )

    @property
    def max_radius_km(self) -> float:
        return self.waves.max_radius_km

    @property
    def friends_whatsapp_sends(self) -> bool:
        """Messages to WhatsApp Friends can go out: the number and its token are set."""
        return bool(self.friends_whatsapp_phone_number_id and self.friends_whatsapp_access_token)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = load_environment() if env is None else env
        var = ROOT / "var"
        geonames = e.get("GEONAMES_DIR", "")
        tracker_store_url = e.get("TRACKER_STORE_URL") or f"sqlite:///{var / 'tracker.db'}"
        # Kept in Rasa's form (the console maps it when it connects), but checked now.
        database_url("TRACKER_STORE_URL", tracker_store_url)
        return cls(
            database_url=database_url(
                "DATABASE_URL", e.get("DATABASE_URL") or f"sqlite+aiosqlite:///{var / 'backend.db'}"
            ),
            api_token=e.get("BACKEND_API_TOKEN", ""),
            admin_token=e.get("BACKEND_ADMIN_TOKEN", ""),
            graph_url=(e.get("MESSENGER_GRAPH_URL") or "https://graph.facebook.com").rstrip("/"),
            graph_version=e.get("MESSENGER_GRAPH_VERSION") or "v21.0",
            friends_page_access_token=e.get("FRIENDS_PAGE_ACCESS_TOKEN", ""),
            friends_app_secret=e.get("FRIENDS_APP_SECRET", ""),
            friends_verify_token=e.get("FRIENDS_VERIFY_TOKEN", ""),
            rasa_url=(e.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            rasa_token=e.get("RASA_TOKEN", ""),
            geonames_dir=Path(geonames) if geonames else None,
            host=e.get("BACKEND_HOST") or "127.0.0.1",
            port=int(e.get("BACKEND_PORT") or 8000),
            waves=WavePolicy(
                size=int(e.get("WAVE_SIZE") or 10),
                timeout=timedelta(minutes=float(e.get("WAVE_TIMEOUT_MINUTES") or 30)),
                radii_km=parse_radii(e.get("WAVE_RADII_KM") or "10,25,50"),
            ),
            deadlines=DeadlinePolicy(
                contact_reminder=timedelta(hours=float(e.get("CONTACT_REMINDER_HOURS") or 8)),
                contact_deadline=timedelta(hours=float(e.get("CONTACT_DEADLINE_HOURS") or 12)),
                rating_reminder=timedelta(hours=float(e.get("RATING_REMINDER_HOURS") or 24)),
            ),
            quiz=QuizPolicy(
                per_skill=int(e.get("QUIZ_QUESTIONS_PER_SKILL") or 5),
                pass_mark=int(e.get("QUIZ_PASS_MARK") or 4),
                retry_after=timedelta(hours=float(e.get("QUIZ_RETRY_HOURS") or 24)),
            ),
            sweep_seconds=float(e.get("DEADLINE_SWEEP_SECONDS") or 5),
            tracker_store_url=tracker_store_url,
            # The same variables the bot reads, so both point at the same store.
            channel_store_url=e.get("MESSENGER_STORE_URL")
            or f"sqlite:///{e.get('MESSENGER_STORE_PATH') or var / 'messenger-customers.db'}",
            public_base_url=public_base_url(e),
            customer_page_access_token=e.get("CUSTOMER_PAGE_ACCESS_TOKEN", ""),
            console_secure_cookies=e.get("CONSOLE_SECURE_COOKIES", "").lower() in ("1", "true"),
            transcript_retention_days=int(e.get("TRANSCRIPT_RETENTION_DAYS") or 0),
            metrics_token=e.get("METRICS_TOKEN", ""),
            role=e.get("BACKEND_ROLE") or "all",
            worker_poll_seconds=float(e.get("WORKER_POLL_SECONDS") or 0.1),
            smtp_url=e.get("SMTP_URL", ""),
            mail_from=e.get("MAIL_FROM") or "techfriends <no-reply@techfriends.invalid>",
            friends_whatsapp_phone_number_id=e.get("FRIENDS_WHATSAPP_PHONE_NUMBER_ID", ""),
            friends_whatsapp_access_token=e.get("FRIENDS_WHATSAPP_ACCESS_TOKEN", ""),
            friends_whatsapp_app_secret=e.get("FRIENDS_WHATSAPP_APP_SECRET", ""),
            friends_whatsapp_verify_token=e.get("FRIENDS_WHATSAPP_VERIFY_TOKEN", ""),
            whatsapp_customers=WhatsAppCustomerSettings.from_env(e),
            trusted_proxies=parse_trusted_proxies(e.get("BACKEND_TRUSTED_PROXIES", "")),
            api_rate_per_second=float(e.get("API_RATE_PER_SECOND") or 50),
            api_burst=int(e.get("API_BURST") or 200),
            api_auth_failures_per_minute=float(e.get("API_AUTH_FAILURES_PER_MINUTE") or 10),
            service_countries=service_countries(e),
            billing=BillingSettings.from_env(e),
        )
