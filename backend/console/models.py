"""The support console's tables, on the backend's shared metadata (migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.adapters.orm import Base, utcnow
from product.languages import DEFAULT_LANGUAGE


class StaffAccount(Base):
    __tablename__ = "staff_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))  # agent | admin
    language: Mapped[str] = mapped_column(String(2), default=DEFAULT_LANGUAGE)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Lockout lives on the account: five failures in a row lock it for a while.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffSession(Base):
    """A login. Only the token's SHA-256 is stored, so a leaked table opens no session."""

    __tablename__ = "staff_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class ConversationSummary(Base):
    """One row per conversation in Rasa's tracker store, kept up to date from its events."""

    __tablename__ = "conversation_summaries"
    __table_args__ = (
        Index("ix_conversation_summaries_last", "last_event_at", "sender_id"),
        Index("ix_conversation_summaries_language", "language", "last_event_at", "sender_id"),
    )
    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    first_event_at: Mapped[datetime]
    last_event_at: Mapped[datetime]
    last_user_at: Mapped[datetime | None]
    language: Mapped[str] = mapped_column(String(5), default="")
    user_messages: Mapped[int] = mapped_column(Integer, default=0)
    had_fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    min_confidence: Mapped[float | None] = mapped_column(Float)
    handed_off: Mapped[bool] = mapped_column(Boolean, default=False)
    # Space-separated with a space at both ends, so " intent " matches a whole name.
    intents: Mapped[str] = mapped_column(Text, default=" ")
    last_text: Mapped[str] = mapped_column(Text, default="")
    taken_over_by: Mapped[str | None] = mapped_column(String(254))
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(254))
    redacted_at: Mapped[datetime | None]


class ConversationWord(Base):
    """Full-text search: each word of a conversation once (word-prefix lookups by index)."""

    __tablename__ = "conversation_words"
    # Prefix search reads [term, term with its last letter one up) from the index, which
    # needs code-point order: in a language's collation "jaz{" sorts before "jazz" (the "{" is
    # ignored), so a search for "Jazz" or "Schwarz" found nothing on such a PostgreSQL.
    # SQLite compares code points anyway.
    word: Mapped[str] = mapped_column(
        String(40).with_variant(String(40, collation="C"), "postgresql"), primary_key=True
    )
    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)


class ConsoleState(Base):
    """Small counters the console keeps, e.g. the last tracker event id summarised."""

    __tablename__ = "console_state"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class ConversationNote(Base):
    __tablename__ = "conversation_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    author: Mapped[str] = mapped_column(String(254))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationTag(Base):
    __tablename__ = "conversation_tags"
    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    tag: Mapped[str] = mapped_column(String(50), primary_key=True, index=True)


class NluCorrection(Base):
    """A customer message the assistant misunderstood, with the intent it should have had."""

    __tablename__ = "nlu_corrections"
    __table_args__ = (UniqueConstraint("event_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer)  # events.id in the tracker store
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    text: Mapped[str] = mapped_column(Text)
    predicted_intent: Mapped[str] = mapped_column(String(255), default="")
    correct_intent: Mapped[str] = mapped_column(String(255))
    author: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
