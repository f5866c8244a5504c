"""Tables. Schema changes go through Alembic migrations in backend/migrations."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from backend.domain.bitsets import language_bits, skill_bits
from backend.domain.geo import lat_band
from product.channels import DEFAULT_CHANNEL
from product.languages import DEFAULT_LANGUAGE


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in and out; SQLite would otherwise hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_status_token() -> str:
    """A job's status-page key: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class PostalCode(Base):
    __tablename__ = "postal_codes"
    __table_args__ = (
        UniqueConstraint("country", "postal_code"),
        Index("ix_postal_codes_lat_lon", "latitude", "longitude"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)


class Customer(Base):
    """A person on one channel: (channel, channel_id) names them, channel_id being the
    conversation's sender id in Rasa (a Messenger PSID, a web-chat session)."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("channel", "channel_id", name="uq_customers_channel_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(
        String(20), default=DEFAULT_CHANNEL, server_default=DEFAULT_CHANNEL
    )
    channel_id: Mapped[str] = mapped_column(String(64))
    # Optional (asked on the website only): news goes there too when the chat cannot reach them.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _lat_band(context: Any) -> int:
    return lat_band(float(context.get_current_parameters()["latitude"]))


def _skill_bits(context: Any) -> int:
    return skill_bits(context.get_current_parameters().get("skills"))


def _language_bits(context: Any) -> int:
    return language_bits(context.get_current_parameters().get("languages"))


class Friend(Base):
    __tablename__ = "friends"
    __table_args__ = (
        Index("ix_friends_lat_lon", "latitude", "longitude"),
        # Matching reads active Friends by latitude band and longitude range
        # (backend/services/dispatch.py), and every other column its WHERE tests is in the
        # index too, so the database reads the table only for the Friends who pass.
        Index(
            "ix_friends_active_match",
            "lat_band",
            "longitude",
            "latitude",
            "radius_km",
            "skill_bits",
            "language_bits",
            "online",
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    messenger_id: Mapped[str] = mapped_column(String(64), unique=True)
    postal_code: Mapped[str] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(String(2))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    # floor(latitude * BANDS_PER_DEGREE), set from the latitude on insert.
    lat_band: Mapped[int | None] = mapped_column(Integer, default=_lat_band)
    radius_km: Mapped[float] = mapped_column(Float)
    skills: Mapped[list[str]] = mapped_column(default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)
    # skills and languages as bit sets (backend/domain/bitsets.py), kept in step by the
    # defaults (plain inserts) and the validators below (ORM changes).
    skill_bits: Mapped[int] = mapped_column(Integer, default=_skill_bits, server_default="0")
    language_bits: Mapped[int] = mapped_column(Integer, default=_language_bits, server_default="0")
    # A FriendStatus (backend/domain/statuses.py).
    status: Mapped[str] = mapped_column(String(20), index=True)
    rating: Mapped[float | None] = mapped_column(Float, default=None)
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Reliability counters: what dispatch ranks by and what support sees.
    claims: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    contacted_in_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    missed_deadlines: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    hand_backs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    declines: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    completed_jobs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # E.164, given at sign-up by chat (support calls it; Friends added by admin may have none).
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # Offers go only to Friends who are online ("online"/"offline" by chat); a new Friend is.
    online: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The Friend's first message of a day gets the morning check-in; this says when that was.
    checked_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where the platform pays the Friend out (compact IBAN, checked by backend/billing), and
    # their VAT status per country: {"DE": {"registered": true, "vat_id": "DE…"}}; a country
    # not named is a small business exempt from VAT (backend/billing/vat.py).
    iban: Mapped[str] = mapped_column(String(34), default="", server_default="")
    vat: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")

    @validates("skills")
    def _mirror_skills(self, _key: str, skills: list[str]) -> list[str]:
        self.skill_bits = skill_bits(skills)
        return skills

    @validates("languages")
    def _mirror_languages(self, _key: str, languages: list[str]) -> list[str]:
        self.language_bits = language_bits(languages)
        return languages

    @validates("latitude")
    def _mirror_latitude(self, _key: str, latitude: float) -> float:
        self.lat_band = lat_band(float(latitude))
        return latitude


# On SQLite, matching reads an R*Tree of the active, online Friends' reach (migration 0011),
# which triggers on friends keep in step; nothing here writes it. SQLite keeps the tree in three
# tables of its own. None of them is a model, so schema comparisons (Alembic's autogenerate,
# tests/unit/test_migrations.py) must leave them out.
FRIEND_REACH = "friend_reach"
UNMODELLED_TABLES = frozenset(
    {FRIEND_REACH, *(f"{FRIEND_REACH}_{part}" for part in ("node", "rowid", "parent"))}
)


def is_modelled(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's include_name: every table but the R*Tree's."""
    return not (type_ == "table" and name in UNMODELLED_TABLES)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("status_token", name="uq_jobs_status_token"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # A JobStatus (backend/domain/statuses.py), stored as its word.
    status: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    device: Mapped[str] = mapped_column(String(200), default="")
    brand: Mapped[str] = mapped_column(String(200), default="")
    package: Mapped[str] = mapped_column(String(50))
    country: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    # The name and phone given for this job (None: a job from before they were kept here;
    # the customer's own then). A booking never overwrites the customer's stored ones.
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))

    def contact(self, customer: Customer | None) -> tuple[str, str]:
        """The name and phone to reach the customer about this job: those given for it
        (older jobs: the customer's stored ones)."""
        name = self.contact_name
        phone = self.contact_phone
        if name is None:
            name = customer.name if customer else ""
        if phone is None:
            phone = customer.phone if customer else ""
        return name, phone

    # The door the job came through; news about it goes back the same way.
    channel: Mapped[str] = mapped_column(
        String(20), default=DEFAULT_CHANNEL, server_default=DEFAULT_CHANNEL
    )
    # The private status page's key (/b/<token>): unguessable, never shown in lists.
    status_token: Mapped[str | None] = mapped_column(String(64), default=new_status_token)
    assigned_friend_id: Mapped[int | None] = mapped_column(ForeignKey("friends.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    image_urls: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    # Voice messages the customer sent (the backend's own media URLs, or https links).
    voice_urls: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    # Deadlines are columns, the source of truth; the scheduler only sweeps for due rows.
    wave: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_wave_at: Mapped[datetime | None] = mapped_column(index=True)
    contact_reminder_at: Mapped[datetime | None] = mapped_column(index=True)
    contact_deadline_at: Mapped[datetime | None] = mapped_column(index=True)
    contacted_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    rating_reminder_at: Mapped[datetime | None] = mapped_column(index=True)
    unassigned_at: Mapped[datetime | None]


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (UniqueConstraint("job_id", "friend_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    friend_id: Mapped[int] = mapped_column(ForeignKey("friends.id"), index=True)
    wave: Mapped[int] = mapped_column(Integer, default=1)
    # An OfferStatus; backend/domain/statuses.py has the moves between them.
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Rating(Base):
    """A customer's 1-5 stars for a completed job; one per job."""

    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), unique=True)
    friend_id: Mapped[int] = mapped_column(ForeignKey("friends.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobEvent(Base):
    """Append-only: who did what to a job, and when."""

    __tablename__ = "job_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class MessengerContact(Base):
    """When a person last wrote to one of our pages: the 24-hour window starts there."""

    __tablename__ = "messenger_contacts"
    page: Mapped[str] = mapped_column(String(20), primary_key=True)
    psid: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_inbound_at: Mapped[datetime]


class OutboxMessage(Base):
    """A Send API call stored before it is made, so Meta being down loses nothing."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_open", "sent_at", "failed_at", "next_attempt_at"),
        Index("uq_outbox_cause", "cause", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(64), index=True)
    body: Mapped[dict[str, Any]] = mapped_column()
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")
    # WhatsApp rows (recipient "wa-…", body with messaging_product "whatsapp"): the approved
    # template sent instead when Meta answers 131047 (outside the window), the wamid Meta
    # gave, and the last delivery status its webhook reported (sent, delivered, read, failed).
    fallback: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    wa_message_id: Mapped[str | None] = mapped_column(String(128), index=True, default=None)
    wa_status: Mapped[str | None] = mapped_column(String(16), default=None)
    wa_status_at: Mapped[datetime | None]
    wa_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The inbound event whose handling queued this message, and its place among that
    # handling's messages: an event handled again after a crash queues nothing twice.
    cause: Mapped[str | None] = mapped_column(String(80), default=None)


class InboxEvent(Base):
    """A webhook event stored before it is acknowledged; handled_at stays empty until processed.

    The key (mid, or sender+timestamp+payload for postbacks) makes Meta's redeliveries land on
    the existing row, so they are recognised even after a restart.
    """

    __tablename__ = "inbox_events"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    page: Mapped[str] = mapped_column(String(20))
    sender_id: Mapped[str] = mapped_column(String(64))
    event: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # While a process handles the event nobody else may; after a crash the lease runs out.
    leased_until: Mapped[datetime | None]


class LedgerEntry(Base):
    """The money of one completed job: price, the platform's commission, the Friend's payout."""

    __tablename__ = "ledger"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), unique=True)
    friend_id: Mapped[int] = mapped_column(ForeignKey("friends.id"), index=True)
    package: Mapped[str] = mapped_column(String(50))
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    commission: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    payout: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # "cash": the customer paid the Friend, who owes the commission; "platform": we owe the payout.
    paid_via: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SupportAlert(Base):
    """Something support staff must look at (nobody found, a missed deadline, a hand-back)."""

    __tablename__ = "support_alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    friend_id: Mapped[int | None] = mapped_column(ForeignKey("friends.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None]


class CustomerNotice(Base):
    """News for a customer (via the bot's trigger_intent), stored in the transaction of the change
    it reports and sent from here, so a crash after that commit neither loses nor doubles it."""

    __tablename__ = "customer_notices"
    __table_args__ = (Index("ix_customer_notices_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent along as an entity: the bot drops a notice id it has handled before.
    notice_id: Mapped[str] = mapped_column(String(32), unique=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    channel: Mapped[str] = mapped_column(
        String(20), default=DEFAULT_CHANNEL, server_default=DEFAULT_CHANNEL
    )
    # The customer's conversation in Rasa (their id on the channel).
    conversation_id: Mapped[str] = mapped_column(String(64))
    intent: Mapped[str] = mapped_column(String(64))
    entities: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # pending → sent | failed (given up; support was alerted)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")


class CustomerMail(Base):
    """An e-mail to a customer (the news of a notice, or the booking itself), stored in the
    transaction of the change it reports and sent from here by backend/services/customer_mail.py.

    The text is written when it is sent, from the intent and entities kept here; mail_id is the
    Message-ID's left part, so a mail sent again after a crash is recognisably the same mail.
    """

    __tablename__ = "customer_mails"
    __table_args__ = (Index("ix_customer_mails_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[str] = mapped_column(String(32), unique=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    # The language the customer reads, with the country's form of it ("de-CH": no ß).
    locale: Mapped[str] = mapped_column(String(10))
    intent: Mapped[str] = mapped_column(String(64))
    entities: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # pending → sent | failed (given up; support was alerted)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(Text, default="")


class FriendConversation(Base):
    """Where a chat with the Friends' page stands (sign-up, quiz, profile changes).

    Persisted so a restart mid-sign-up resumes at the same question.
    """

    __tablename__ = "friend_conversations"
    psid: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default=DEFAULT_LANGUAGE)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizAttempt(Base):
    """One run of the vetting quiz: the questions drawn, the answers given, the score."""

    __tablename__ = "quiz_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    friend_id: Mapped[int] = mapped_column(ForeignKey("friends.id"), index=True)
    questions: Mapped[list[str]] = mapped_column()
    answers: Mapped[list[str]] = mapped_column(default=list)
    score: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class Media(Base):
    """A photo or voice message a customer sent, checked by its content (backend/domain/media.py)
    and kept here, in the database every backend replica shares, not in a replica's files.

    Served at /media/<id>; the random id is the only key. The same bytes are stored once.
    """

    __tablename__ = "media"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "image" | "audio"
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # Who handed it over (X-Media-Source: whatsapp, messenger), "" when not said.
    source: Mapped[str] = mapped_column(String(20), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
