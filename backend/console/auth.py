"""Staff accounts, logins and sessions: argon2 hashes, lockout, CSRF tokens per session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.console.models import StaffAccount, StaffSession
from product.languages import DEFAULT_LANGUAGE, or_default

ROLES = ("agent", "admin")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# Checked against when the e-mail is unknown, so the answer takes as long as for a real account.
_DUMMY_HASH = _hasher.hash("not-a-password-of-anybody")


class StaffError(Exception):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_new_staff(email: str, role: str, password: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    address = normalise_email(email)
    if "@" not in address or len(address) > 254 or " " in address:
        errors["email"] = "not an e-mail address"
    if role not in ROLES:
        errors["role"] = f"must be one of {', '.join(ROLES)}"
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"at least {MIN_PASSWORD} characters"
    return errors


async def create_staff(
    session: AsyncSession, email: str, role: str, password: str, language: str = DEFAULT_LANGUAGE
) -> StaffAccount:
    errors = validate_new_staff(email, role, password)
    if errors:
        raise StaffError("; ".join(f"{k}: {v}" for k, v in errors.items()))
    account = StaffAccount(
        email=normalise_email(email),
        password_hash=hash_password(password),
        role=role,
        language=or_default(language),
        active=True,
        failed_logins=0,
    )
    session.add(account)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise StaffError(f"an account for {account.email} exists") from exc
    return account


@dataclass(frozen=True)
class LoginResult:
    account: StaffAccount | None
    locked_until: datetime | None = None


def after_failure(failed_logins: int, now: datetime) -> tuple[int, datetime | None]:
    """(failures counted, locked until) after one more wrong password."""
    failed = failed_logins + 1
    if failed >= MAX_FAILURES:
        return 0, now + LOCKOUT
    return failed, None


async def check_login(
    session: AsyncSession, email: str, password: str, now: datetime
) -> LoginResult:
    account = await session.scalar(
        select(StaffAccount).where(StaffAccount.email == normalise_email(email))
    )
    if account is None or not account.active:
        password_matches(_DUMMY_HASH, password)
        return LoginResult(None)
    if account.locked_until is not None and account.locked_until > now:
        # While locked even the right password is refused, so guessing gains nothing.
        return LoginResult(None, account.locked_until)
    if not password_matches(account.password_hash, password):
        account.failed_logins, account.locked_until = after_failure(account.failed_logins, now)
        await session.commit()
        return LoginResult(None, account.locked_until)
    account.failed_logins, account.locked_until = 0, None
    await session.commit()
    return LoginResult(account)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(session: AsyncSession, account: StaffAccount, now: datetime) -> str:
    """A new session; returns the cookie value (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_digest(token),
            staff_id=account.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    await session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    await session.commit()
    return token


async def find_session(
    session: AsyncSession, token: str, now: datetime
) -> tuple[StaffAccount, StaffSession] | None:
    if not token:
        return None
    row = (
        await session.execute(
            select(StaffAccount, StaffSession)
            .join(StaffSession, StaffSession.staff_id == StaffAccount.id)
            .where(StaffSession.token_hash == _digest(token), StaffSession.expires_at > now)
        )
    ).first()
    if row is None or not row[0].active:
        return None
    return row[0], row[1]


async def close_session(session: AsyncSession, token: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))
    await session.commit()


def same_token(given: str, expected: str) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(given, expected)
